import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue';
import { createClients } from '../../../src/core/glacier/clients';
import { initiateArchiveRetrieval } from '../../../src/core/glacier/retrieval';
import { eventually, makeTree, startHarness, type Harness } from './harness';

describe('job notifications racing the catalogue', () => {
  let h: Harness;
  // Job delay 0: the notification is in the queue before InitiateJob has even answered.
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Bulk: 0, Standard: 0, Expedited: 0 } }, service: { jobPollIntervalMs: 3_600_000 } }); });
  after(async () => { await h.close(); });

  it('a notification that arrives before the initiating process has recorded its job still restores into the target', async () => {
    const { service } = h;
    await service.createVault('race');
    const src = path.join(h.dir, 'src', 'race');
    await makeTree(src, { 'r.txt': 'raced' });
    const a = await service.freeze({ vault: 'race', sources: [src], keyId: null });
    await service.disconnectArchive(a.id);

    const stop = new AbortController();
    const watching = service.watchJobs(stop.signal);
    const to = path.join(h.dir, 'out-race');
    const clients = createClients(h.options.glacier);
    const other = await Catalogue.open(h.options.databasePath);
    try {
      // Another process (e.g. the extension, while this one is the daemon) starts the retrieval and is
      // slow to record it: the notification is delivered in between.
      const { jobId } = await initiateArchiveRetrieval(clients, { vault: 'race', archiveId: a.glacierId!, tier: 'Expedited', snsTopic: h.options.glacier.snsTopicArn });
      await new Promise((r) => setTimeout(r, 1_000));
      await other.write((tx) => tx.upsertJob({
        jobId, vaultId: tx.findVault('race', h.options.glacier.region)!.id, archiveId: a.id, action: 'ArchiveRetrieval', tier: 'Expedited',
        status: 'InProgress', snsTopic: h.options.glacier.snsTopicArn, restoreTarget: to,
      }));
      await eventually(async () => (await fs.readFile(path.join(to, 'race', 'r.txt'), 'utf8').catch(() => '')) === 'raced', 8_000, 'the restore of the raced job');
    } finally {
      stop.abort();
      await watching;
      clients.destroy();
      other.close();
    }
    const [job] = await service.listJobs('race');
    assert.equal(job.status, 'Succeeded');
    assert.equal(job.restoreTarget, to);
    assert.ok(job.executedAt, 'applied once');
  });
});
