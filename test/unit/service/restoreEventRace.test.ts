/**
 * S3 sends ObjectRestore:Completed as soon as an object's copy is ready, which can be before Freezer
 * has asked for the archive's last segment. The daemon, listening, must tie such an event to the
 * restore being requested (recorded before the first RestoreObject), not drop it as unknown and wait
 * for the hourly poll.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { capturingLogger, eventually, makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;

describe('S3 restore events that arrive while the restore is still being requested', () => {
  let h: Harness;
  before(async () => {
    // Restores complete at once; each RestoreObject answer is slow, so the first segments' events come first.
    h = await startHarness({ endpoint: { jobDelays: { Expedited: 0, Standard: 0, Bulk: 0 } }, service: { segmentSize: 5 * MIB } });
  });
  after(async () => { await h?.close(); });

  it('are applied by the listening daemon: the archive comes back without waiting for a poll', async () => {
    await h.service.addBucket('s3://race-cold/box', { create: true, storageClass: 'GLACIER' });
    const src = path.join(h.dir, 'src', 'race');
    await makeTree(src, { 'big.bin': random(22 * MIB) });
    const a = await h.service.freeze({ vault: 's3://race-cold/box', sources: [src], compression: 'none', keyId: null });
    await h.service.disconnectArchive(a.id);

    const daemonLog = capturingLogger();
    const daemon = await h.open({ autoDownload: true, jobPollIntervalMs: 3_600_000, log: daemonLog });
    const stop = new AbortController();
    const watching = daemon.watchJobs(stop.signal);
    try {
      await eventually(() => daemonLog.lines.some((l) => /Listening for job notifications/.test(l)), 10_000, 'the daemon listening');
      h.ep.endpoint!.setFaults({ rate: 1, kinds: ['slow'], slowMs: 400, operations: ['RestoreObject'] });
      const job = await h.service.retrieveArchive(a.id, 'Standard');
      h.ep.endpoint!.setFaults(undefined);
      assert.equal(job.status, 'InProgress');
      await eventually(async () => (await daemon.getArchive(a.id))?.state === 'liquid', 30_000, 'the daemon to download the archive')
        .catch((e) => { throw new Error(`${(e as Error).message}\n${daemonLog.lines.join('\n')}`); });
      assert.ok(!daemonLog.lines.some((l) => /concerns no restore in the catalogue/.test(l)), daemonLog.lines.join('\n'));
    } finally {
      stop.abort();
      await watching;
    }
  });
});
