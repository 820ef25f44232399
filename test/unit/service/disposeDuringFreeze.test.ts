import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationError } from '../../../src/core/errors';
import { createFreezerService } from '../../../src/core/service/freezerService';
import { makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;

describe('disposing the service during a freeze', () => {
  let h: Harness;
  // Every request a little slow, so the dispose lands in the middle of the work.
  before(async () => { h = await startHarness({ endpoint: { faults: { rate: 1, kinds: ['slow'], slowMs: 120 } }, glacier: { chunkSize: MIB, threads: 1 } }); });
  after(async () => { await h.close(); });

  it('while uploading: a cancellation, and the upload resumes in the next service', async () => {
    const first = await h.open();
    await first.createVault('pause');
    const src = path.join(h.dir, 'src', 'pause');
    await makeTree(src, { 'p.bin': random(12 * MIB) });
    let disposing: Promise<void> | undefined;
    const freezing = first.freeze({
      vault: 'pause', sources: [src], compression: 'none', keyId: null,
      onProgress: (p) => { if (p.phase === 'uploading' && p.bytesDone >= 2 * MIB && !disposing) disposing = first.dispose(); },
    });
    await assert.rejects(freezing, (e: unknown) => CancellationError.is(e), 'a dispose is a pause, not a failure');
    await disposing;

    const second = await createFreezerService(h.options);
    try {
      const resumed = await second.resumeUploads();
      assert.equal(resumed.length, 1);
      assert.equal(resumed[0].state, 'liquid');
      // The uploader's own line, with at least one part kept from the first service (not the pause notice).
      const resumedLine = h.log.lines.find((l) => /Resuming upload of .*: [1-9]\d* of \d+ parts already at AWS/.test(l));
      assert.ok(resumedLine, `no resumed upload in the log:\n${h.log.lines.join('\n')}`);
    } finally {
      await second.dispose();
    }
  });

  it('while packing: a cancellation, and nothing is left', async () => {
    const first = await h.open();
    const src = path.join(h.dir, 'src', 'packing');
    await makeTree(src, Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`f${i}.bin`, random(64 * 1024)])));
    let disposing: Promise<void> | undefined;
    const freezing = first.freeze({
      vault: 'pause', sources: [src], keyId: null,
      // The first packing report: progress is throttled, and on a quiet machine a later one may already be the last.
      onProgress: (p) => { if (p.phase === 'packing' && !disposing) disposing = first.dispose(); },
    });
    await assert.rejects(freezing, (e: unknown) => CancellationError.is(e));
    await disposing;
    const second = await createFreezerService(h.options);
    try {
      const { items } = await second.listArchives('pause');
      assert.equal(items.length, 1, `only the archive of the first test: ${items.map((a) => `${a.name} ${a.state}`).join(', ')}`);
    } finally {
      await second.dispose();
    }
  });
});
