#!/usr/bin/env node
// `npm start`: a real VS Code (code-server, in your browser) with Freezer installed, pointed at the
// embedded local Glacier endpoint (no AWS account), on a small sample folder. State is kept in
// .freezer-dev/ so vaults and archives survive a restart; delete that folder to start over.
// usage: npm start [-- --port 8080] [--fresh]
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsEnv = path.join(process.env.VSCODE_E2E_TOOLS || '/opt/vscode-e2e-tools', 'env.sh');
if (fs.existsSync(toolsEnv)) {
  for (const m of fs.readFileSync(toolsEnv, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)) process.env[m[1]] ??= m[2];
}
const { installVsix, startCodeServer } = await import('./lib-code-server.mjs');
const argv = process.argv.slice(2);
const port = Number(argv[argv.indexOf('--port') + 1] || process.env.FREEZER_PORT || 8080);
const state = path.join(root, '.freezer-dev');
if (argv.includes('--fresh')) fs.rmSync(state, { recursive: true, force: true });

for (const step of [['scripts/build.mjs', '--production'], ['node_modules/@vscode/vsce/vsce', 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', 'freezer.vsix']]) {
  const r = spawnSync(process.execPath, step, { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const extensionsDir = path.join(state, 'extensions');
fs.mkdirSync(extensionsDir, { recursive: true });
await installVsix(path.join(root, 'freezer.vsix'), extensionsDir, path.join(state, 'cs', 'user-data'));

// A small sample folder to freeze: text, a nested folder, a backup file the default filter leaves out.
const sample = path.join(state, 'sample-project');
if (!fs.existsSync(sample)) {
  fs.mkdirSync(path.join(sample, 'docs', 'notes'), { recursive: true });
  fs.writeFileSync(path.join(sample, 'README.md'), '# Sample project\n\nRight-click this folder in the Explorer and choose **Freeze Folder**.\n');
  fs.writeFileSync(path.join(sample, 'docs', 'plan.txt'), 'Years of project folders, photos and datasets, kept cold and cheap.\n'.repeat(200));
  fs.writeFileSync(path.join(sample, 'docs', 'notes', 'todo.md'), '- freeze\n- retrieve\n- restore\n');
  fs.writeFileSync(path.join(sample, 'docs', 'plan.txt.bak'), 'an old copy the backup filter leaves out\n');
}

const cs = await startCodeServer({
  root: path.join(state, 'cs'), extensionsDir, port, folder: sample,
  settings: { 'freezer.endpoint': 'local', 'workbench.colorTheme': 'Default Dark Modern' },
  // Jobs take a little while, as at Glacier (hours there): melting, melted and a running inventory
  // can all be seen. FREEZER_LOCAL_JOB_DELAYS=Expedited=0 (etc.) in the environment overrides it.
  env: { FREEZER_LOCAL_JOB_DELAYS: process.env.FREEZER_LOCAL_JOB_DELAYS ?? 'Expedited=10s,Standard=45s,Bulk=120s' },
});
console.log(`\nFreezer is running in VS Code at ${cs.url}/?folder=${encodeURIComponent(sample)}`);
console.log('Open that address in a browser (ssh -L %d:127.0.0.1:%d for a remote machine). Ctrl-C stops it.', port, port);
const stop = async () => { await cs.stop(); process.exit(0); };
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
