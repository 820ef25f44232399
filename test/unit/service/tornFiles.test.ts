/** A file torn by a writer during a freeze is marked in the catalogue, kept out of the hash cache, and named to the user. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue';
import { changedFilesWarning } from '../../../src/core/service/changedFilesWarning';
import { makeTree, startHarness, type Harness } from './harness';

describe('service: files that change while they are frozen', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.service.createVault('torn');
  });
  after(async () => { await h.close(); });

  it('are marked in the catalogue, left out of the hash cache, and named in the result', async () => {
    // The tear must land mid-read (progress comes every 100 ms or so): the file doubles until it does.
    let a: Awaited<ReturnType<typeof h.service.freeze>> | undefined;
    let src = '';
    let big = '';
    for (let mib = 2; mib <= 64 && !a; mib *= 2) {
      src = path.join(h.dir, 'src', `logs-${mib}`);
      await makeTree(src, { 'big.log': Buffer.from(randomBytes(mib * 512 * 1024).toString('hex')), 'calm.txt': 'still' });
      big = path.join(src, 'big.log');
      let torn = false;
      const r = await h.service.freeze({
        vault: 'torn', sources: [src], compression: 'bzip2', keyId: null,
        onProgress: (p) => {
          if (!torn && p.phase === 'packing' && p.bytesDone > 0 && p.bytesDone < p.bytesTotal / 2) {
            torn = true;
            fs.appendFileSync(big, 'late tail\n');
          }
        },
      });
      if (torn) a = r;
    }
    assert.ok(a, 'the file was changed while it was packed');
    assert.deepEqual(a.changedFiles, [big]);
    assert.match(changedFilesWarning(a) ?? '', /^1 file changed while ".*" was being frozen and is stored as read, not as a clean copy: .*big\.log\. Freeze it again/);
    const [v] = await h.service.listVersions(big);
    assert.equal(v.changedDuringFreeze, true);
    const [calm] = await h.service.listVersions(path.join(src, 'calm.txt'));
    assert.equal(calm.changedDuringFreeze, undefined);
    const cat = await Catalogue.open(h.options.databasePath);
    try {
      const calmPath = path.join(src, 'calm.txt');
      const [cachedBig, cachedCalm] = await cat.cachedHashes([
        { path: big, size: v.size, mtimeMs: fs.statSync(big).mtimeMs },
        { path: calmPath, size: calm.size, mtimeMs: fs.statSync(calmPath).mtimeMs },
      ]);
      assert.equal(cachedBig, undefined, 'a torn read never stands in for the file');
      assert.equal(cachedCalm, calm.sha256);
    } finally {
      cat.close();
    }
    assert.ok(h.log.lines.some((l) => /changed while they were frozen/.test(l)), 'logged as a warning');
  });
});
