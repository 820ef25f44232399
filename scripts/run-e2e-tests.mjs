#!/usr/bin/env node
// Layer 3: end-to-end tests, Playwright (playwright-core + Debian Chromium) driving VS Code in the
// browser (code-server) with Freezer installed from freezer.vsix. usage: node scripts/run-e2e-tests.mjs [filter…]
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (!fs.existsSync(path.join(root, 'freezer.vsix'))) { console.error('freezer.vsix missing: run `npm run build && npm run package` first'); process.exit(1); }
const filters = process.argv.slice(2);
const files = fs.readdirSync(path.join(root, 'test/e2e'))
  .filter((f) => f.endsWith('.e2e.mjs') && (!filters.length || filters.some((s) => f.includes(s))))
  .sort().map((f) => path.join('test/e2e', f));
// One file at a time: each starts its own code-server and browser, and the machine has two cores.
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter', process.env.TEST_REPORTER || 'spec', ...files], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
