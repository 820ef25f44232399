#!/usr/bin/env node
// Layer 1: core unit and integration tests on plain Node (no VS Code), with Node's own test runner.
// TypeScript is loaded through tsx. usage: node scripts/run-unit-tests.mjs [filter-substring…]
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const find = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
  const p = path.join(dir, e.name);
  return e.isDirectory() ? find(p) : /\.test\.ts$/.test(e.name) ? [p] : [];
});
const files = find(path.join(root, 'test/unit'))
  .filter((f) => !filters.length || filters.some((s) => f.includes(s)))
  .sort();
if (!files.length) { console.error('no unit test files matched'); process.exit(1); }
const r = spawnSync(process.execPath, [
  '--import', 'tsx', '--test', '--test-reporter', process.env.TEST_REPORTER || 'spec',
  `--test-concurrency=${process.env.TEST_CONCURRENCY || 2}`,
  ...files.map((f) => path.relative(root, f)),
], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
