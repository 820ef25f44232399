// Freezer's scripts and tests need Node ≥ 22.15 (zlib zstd). On an older system Node they re-run
// themselves under the private Node 24 that setup installs (scripts/install-vscode-e2e-tools.sh), with
// that Node first on PATH so npm and every child process use it too.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const MIN_NODE = [22, 15];

export function nodeIsCurrent(version = process.versions.node) {
  const [a, b] = version.split('.').map(Number);
  return a > MIN_NODE[0] || (a === MIN_NODE[0] && b >= MIN_NODE[1]);
}

/** The tools' env.sh (NODE24, CODE_SERVER_DIR, CHROMIUM) into process.env, without overriding. */
export function loadToolsEnv() {
  const toolsEnv = path.join(process.env.VSCODE_E2E_TOOLS || '/opt/vscode-e2e-tools', 'env.sh');
  if (fs.existsSync(toolsEnv)) {
    for (const m of fs.readFileSync(toolsEnv, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)) process.env[m[1]] ??= m[2];
  }
}

/** Returns when this Node is current; otherwise runs this script under NODE24 and exits with its status. */
export function ensureCurrentNode() {
  if (nodeIsCurrent()) return;
  loadToolsEnv();
  const node = process.env.NODE24;
  if (!node || !fs.existsSync(node)) {
    console.error(`Freezer needs Node.js ${MIN_NODE.join('.')} or newer; this is ${process.versions.node}. Run \`bash scripts/setup.sh\` (installs a private Node 24) or install a current Node LTS.`);
    process.exit(1);
  }
  const env = { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}` };
  const r = spawnSync(node, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (r.error) { console.error(`cannot start ${node}: ${r.error.message}`); process.exit(1); }
  process.exit(r.status ?? 1);
}

ensureCurrentNode();
