#!/usr/bin/env node
// `npm test`: every check and all three test layers, one after the other, then one closing line
// "N passed, M failed" summed over the layers. Exits non-zero if anything failed.
//   1. static: build (with tests), type check, lint, package (.vsix)
//   2. unit/core on plain Node       (npm run test:unit)
//   3. extension host, real VS Code   (npm run test:host)
//   4. end to end, Chromium + VS Code (npm run test:e2e)
// Needs the offline VS Code tools (scripts/install-vscode-e2e-tools.sh); their env.sh is sourced here.
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const toolsEnv = path.join(process.env.VSCODE_E2E_TOOLS || '/opt/vscode-e2e-tools', 'env.sh');
if (fs.existsSync(toolsEnv)) {
  for (const m of fs.readFileSync(toolsEnv, 'utf8').matchAll(/^export (\w+)='([^']*)'$/gm)) process.env[m[1]] ??= m[2];
}

let passed = 0;
let failed = 0;
const t0 = Date.now();
function run(name, cmd, args, { count } = {}) {
  console.log(`\n=== ${name} (${Math.round((Date.now() - t0) / 1000)} s)`);
  return new Promise((resolve) => {
    const p = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const tee = (stream) => (d) => { stream.write(d); out += d; if (out.length > 4e6) out = out.slice(-2e6); };
    p.stdout.on('data', tee(process.stdout));
    p.stderr.on('data', tee(process.stderr));
    p.on('close', (code) => {
      if (count === 'node') {
        passed += Number(/ℹ pass (\d+)/.exec(out)?.[1] ?? 0);
        failed += Number(/ℹ fail (\d+)/.exec(out)?.[1] ?? 0);
      } else if (count === 'plain') {
        for (const m of out.matchAll(/^(\d+) passed, (\d+) failed$/gm)) { passed += Number(m[1]); failed += Number(m[2]); }
      }
      if (code !== 0) {
        console.log(`!!! ${name} failed (exit ${code})`);
        if (!count || failed === 0) failed += 1; // a failed step with no counted failure still fails the run
      }
      resolve(code === 0);
    });
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const only = process.argv.slice(2);
const want = (layer) => !only.length || only.includes(layer);
if (want('static')) {
  await run('build', process.execPath, ['scripts/build.mjs', '--tests']);
  await run('type check', npm, ['run', '-s', 'typecheck']);
  await run('lint', npm, ['run', '-s', 'lint']);
  await run('package', npm, ['run', '-s', 'package']);
}
if (want('unit')) await run('unit and core tests (Node)', process.execPath, ['scripts/run-unit-tests.mjs'], { count: 'node' });
if (want('host')) await run('extension host tests (real VS Code)', process.execPath, ['scripts/run-host-tests.mjs'], { count: 'plain' });
if (want('e2e')) await run('end-to-end tests (Chromium + VS Code)', process.execPath, ['scripts/run-e2e-tests.mjs'], { count: 'node' });

console.log(`\n=== done in ${Math.round((Date.now() - t0) / 1000)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
