#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.ts in its own Node process (so each one's peak RSS is its own)
// and lets each print its figures and its ratios against a reference measured in the same run.
// usage: node scripts/bench.mjs [filter-substring…]   (BENCH_SCALE=0.1 for a quick smaller run)
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const filters = process.argv.slice(2);
const files = fs.readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.ts') && (!filters.length || filters.some((s) => f.includes(s))))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n=== ${f}`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', path.join('bench', f)], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.log(`!!! ${f} exited with ${r.status}`); }
}
process.exit(failed ? 1 : 0);
