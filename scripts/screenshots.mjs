#!/usr/bin/env node
// Regenerates the README's screenshots (docs/images/*.png): runs the user-journey e2e tests with their
// step screenshots in a scratch folder, then keeps the key steps under stable names.
// usage: npm run build && npm run package && node scripts/screenshots.mjs
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KEEP = {
  'journey-6-states.png': 'vaults-states.png',
  'journey-2-melting.png': 'retrieval-melting.png',
  'journey-1-building.png': 'freeze-progress.png',
  'journey-3-versions.png': 'frozen-files-versions.png',
  'journey-builder.png': 'archive-builder.png',
  'journey-4-settings-keys.png': 'settings-keys.png',
  'journey-5-imported.png': 'legacy-import.png',
  'journey-7-error.png': 'upload-error.png',
  'journey-s3-2-frozen-in-bucket.png': 's3-bucket-store.png',
  'journey-s3-3-planner.png': 's3-restore-planner.png',
};
const MAX_BYTES = 300 * 1024;

const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-shots-'));
const r = spawnSync(process.execPath, ['scripts/run-e2e-tests.mjs', 'journeys'], { cwd: root, stdio: 'inherit', env: { ...process.env, FREEZER_SHOTS: shots } });
const out = path.join(root, 'docs/images');
fs.mkdirSync(out, { recursive: true });
let missing = 0;
for (const [from, to] of Object.entries(KEEP)) {
  const src = path.join(shots, from);
  if (!fs.existsSync(src)) { console.error(`missing ${from} (its journey failed?)`); missing++; continue; }
  const size = fs.statSync(src).size;
  if (size > MAX_BYTES) console.warn(`${to} is ${Math.round(size / 1024)} KB (over ${MAX_BYTES / 1024} KB)`);
  fs.copyFileSync(src, path.join(out, to));
  console.log(`docs/images/${to} (${Math.round(size / 1024)} KB)`);
}
fs.rmSync(shots, { recursive: true, force: true });
process.exit(r.status || (missing ? 1 : 0));
