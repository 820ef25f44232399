#!/usr/bin/env node
// Bundles with esbuild: the extension host code, the `freezer` CLI, the webview front-ends, and (with
// --tests) the extension-host test suite. usage: node scripts/build.mjs [--tests] [--watch] [--production]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const tests = argv.includes('--tests');
const watch = argv.includes('--watch');
const production = argv.includes('--production');
const exists = (p) => fs.existsSync(path.join(root, p));
const find = (dir, re) => !exists(dir) ? [] : fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
  const p = path.posix.join(dir, e.name);
  return e.isDirectory() ? find(p, re) : re.test(e.name) ? [p] : [];
});

const node = {
  bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: !production, minify: production,
  logLevel: 'warning', absWorkingDir: root,
  // sql.js probes for 'fs'/'path' at run time and must not pull browser shims.
  external: ['vscode'],
};
// The CLI refuses an old Node before loading anything (zstd needs zlib from Node 22.15).
const CLI_BANNER = `#!/usr/bin/env node
"use strict";
{ const [a, b] = process.versions.node.split('.').map(Number);
  if (a < 22 || (a === 22 && b < 15)) {
    process.stderr.write('freezer needs Node.js 22.15 or newer (this is ' + process.versions.node + '). Install a current Node LTS (https://nodejs.org) and run freezer again.\\n');
    process.exit(1);
  } }`;
const builds = [
  { ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js' },
];
if (exists('src/cli/main.ts')) {
  builds.push({ ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: CLI_BANNER } });
}
// Webview front-ends: one browser bundle per src/webviews/<panel>/app/main.ts.
for (const entry of find('src/webviews', /^main\.ts$/).filter((p) => p.includes('/app/'))) {
  const panel = entry.split('/')[2];
  builds.push({
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', sourcemap: !production, minify: production,
    logLevel: 'warning', absWorkingDir: root, entryPoints: [entry], outfile: `dist/webviews/${panel}.js`,
  });
}
if (tests) {
  const hostTests = find('test/host', /\.ts$/);
  builds.push({ ...node, entryPoints: hostTests, outdir: 'out/test/host', outbase: 'test/host', external: ['vscode', 'mocha'] });
  if (exists('test/runElectron.ts')) builds.push({ ...node, entryPoints: ['test/runElectron.ts'], outfile: 'out/test/runElectron.js', external: ['@vscode/test-electron'] });
}

function copyAssets() {
  fs.mkdirSync(path.join(root, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(root, 'dist/sql-wasm.wasm'));
  if (fs.existsSync(path.join(root, 'dist/cli.js'))) fs.chmodSync(path.join(root, 'dist/cli.js'), 0o755);
}

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  copyAssets();
  console.log('[build] watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  copyAssets();
  console.log(`[build] ${builds.length} bundles → dist/${tests ? ' and out/test' : ''}`);
}
