import assert from 'node:assert/strict';
import { watch } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { acquireLock } from '../../../src/core/catalogue/lockFile';
import { makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;

describe('upload progress in the catalogue', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { faults: { rate: 1, kinds: ['slow'], slowMs: 100 } }, glacier: { chunkSize: MIB, threads: 4 } }); });
  after(async () => { await h.close(); });

  it('parts that finish while the catalogue is being written are saved together, not one save each', async () => {
    const { service } = h;
    await service.createVault('batch');
    const src = path.join(h.dir, 'src', 'batch');
    const parts = 16;
    await makeTree(src, { 'b.bin': random(parts * MIB - 64 * 1024) });
    // Every save replaces the catalogue file (temporary sibling renamed over it).
    let saves = 0;
    let counting = false;
    const watcher = watch(path.dirname(h.options.databasePath), (_event, name) => { if (counting && name === path.basename(h.options.databasePath)) saves++; });
    let held: Promise<void> | undefined;
    try {
      const a = await service.freeze({
        vault: 'batch', sources: [src], compression: 'none', keyId: null,
        onProgress: (p) => {
          if (p.phase !== 'uploading') return;
          counting = true;
          // Another process holds the catalogue for a while: the parts finishing meanwhile queue up.
          if (p.bytesDone > 0 && !held) {
            held = acquireLock(`${h.options.databasePath}.lock`).then(async (release) => {
              await new Promise((r) => setTimeout(r, 800));
              await release();
            });
          }
        },
      });
      counting = false;
      assert.equal(a.state, 'liquid');
      await held;
    } finally {
      watcher.close();
    }
    // One save per part, plus the session's start, the completion record (kept before Complete is
    // sent), the end, the archive's record and the catalogue snapshot's record (docs/RECOVERY.md),
    // would be parts + 5.
    assert.ok(saves < parts + 4, `${saves} catalogue saves for ${parts} parts`);
    assert.ok(saves >= 3, `the upload's progress is saved (${saves})`);
  });
});
