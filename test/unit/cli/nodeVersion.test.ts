/** The built `freezer` refuses a Node without zlib zstd (< 22.15) with a clear message, before loading anything. */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
// An older Node to try: FREEZER_OLD_NODE, or the system one when it is older (Debian's Node 20).
const candidates = [process.env.FREEZER_OLD_NODE, '/usr/bin/node', '/usr/local/bin/node'].filter((p): p is string => !!p && fs.existsSync(p));
const version = (node: string): string => execFileSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
const isOld = (v: string): boolean => {
  const [a, b] = v.split('.').map(Number);
  return a < 22 || (a === 22 && b < 15);
};
const oldNode = candidates.find((n) => isOld(version(n)));

describe('freezer on an old Node', () => {
  it('the current Node runs it', () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'ignore' });
    const r = spawnSync(process.execPath, ['dist/cli.js', '--help'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: freezer/);
  });

  it('an older Node gets "needs Node.js 22.15 or newer" and exit 1', { skip: oldNode ? false : 'no Node older than 22.15 on this machine' }, () => {
    const r = spawnSync(oldNode!, ['dist/cli.js', '--help'], { cwd: root, encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^freezer needs Node\.js 22\.15 or newer \(this is \d+\.\d+\.\d+\)\. Install a current Node LTS/);
    assert.equal(r.stdout, '');
  });
});
