import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { build } from 'esbuild';
import { locateSqlWasm } from '../../../src/core/catalogue/sqlJs';
import { tempDir } from './tempDir';

const root = path.resolve(__dirname, '../../..');

test('the wasm is found in node_modules under tsx, or at an explicit path', () => {
  assert.equal(locateSqlWasm(), require.resolve('sql.js/dist/sql-wasm.wasm'));
  assert.equal(locateSqlWasm('/x/y.wasm'), '/x/y.wasm');
});

test('bundled by esbuild with sql-wasm.wasm copied beside it, the catalogue works without node_modules', async () => {
  const dir = tempDir('freezer-bundle-');
  const entry = path.join(dir, 'entry.ts');
  fs.writeFileSync(entry, `
    import { Catalogue } from ${JSON.stringify(path.join(root, 'src/core/catalogue/catalogue'))};
    (async () => {
      const c = await Catalogue.open(process.argv[2]);
      await c.write((tx) => tx.upsertVault({ name: 'bundled' }));
      process.stdout.write((await c.listVaults()).map((v) => v.name).join(','));
      c.close();
    })().catch((e) => { process.stderr.write(String(e)); process.exit(1); });
  `);
  const dist = path.join(dir, 'dist');
  await build({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: path.join(dist, 'cli.js'), logLevel: 'silent', absWorkingDir: root });
  fs.copyFileSync(require.resolve('sql.js/dist/sql-wasm.wasm'), path.join(dist, 'sql-wasm.wasm'));
  // Run from the temp folder: no node_modules up the tree, so only the copied wasm can be used.
  const r = spawnSync(process.execPath, [path.join(dist, 'cli.js'), path.join(dir, 'x.db')], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, 'bundled');
  fs.rmSync(path.join(dist, 'sql-wasm.wasm'));
  const missing = spawnSync(process.execPath, [path.join(dist, 'cli.js'), path.join(dir, 'y.db')], { cwd: dir, encoding: 'utf8' });
  assert.notEqual(missing.status, 0);
  assert.match(missing.stderr, /sql-wasm\.wasm/);
});
