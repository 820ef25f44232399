import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createClients } from '../../../src/core/glacier/clients';
import { initiateArchiveRetrieval } from '../../../src/core/glacier/retrieval';
import { eventually, makeTree, random, startHarness, stateOf, type Harness } from './harness';

const MIB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('service as the daemon runs it (autoDownload)', () => {
  let h: Harness;
  // One range at a time, so the stop lands while the second of three is in flight.
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Bulk: 300 } }, service: { autoDownload: true }, glacier: { threads: 1, chunkSize: 8 * MIB } }); });
  after(async () => { await h.close(); });

  it('downloads a completed retrieval on its notification; a stop mid-download resumes on the next start', async () => {
    const { service } = h;
    await service.createVault('d');
    const src = path.join(h.dir, 'src', 'large');
    const content = random(34 * MIB);
    await makeTree(src, { 'big.bin': content });
    const a = await service.freeze({ vault: 'd', sources: [src], compression: 'none', keyId: null });
    await service.disconnectArchive(a.id);
    await service.retrieveArchive(a.id, 'Bulk');

    // First run: stopped once the first 16 MiB range is on disk.
    const stop = new AbortController();
    const off = service.onDidChange(() => {
      void service.getArchive(a.id).then((x) => {
        if (x?.activity?.phase === 'downloading' && x.activity.bytesDone >= 16 * MIB) stop.abort();
      });
    });
    await service.watchJobs(stop.signal);
    off();
    assert.notEqual(await stateOf(service, a.id), 'liquid', 'stopped before the download finished');
    const leftovers = await fs.readdir(h.options.uploadFolder);
    assert.ok(leftovers.some((f) => f.endsWith('.partial')), `partial download kept: ${leftovers.join(', ')}`);

    // Second run: catches up from the catalogue and fetches only what is missing.
    const stop2 = new AbortController();
    const run = service.watchJobs(stop2.signal);
    try {
      await eventually(async () => (await stateOf(service, a.id)) === 'liquid', 20_000, 'the resumed download');
    } finally {
      stop2.abort();
      await run;
    }
    assert.ok(h.log.lines.some((l) => /Resuming download of job .*: [12] of 3 ranges already verified/.test(l)), h.log.lines.filter((l) => l.includes('ownload')).join('\n'));
    const info = await service.getArchive(a.id);
    const out = path.join(h.dir, 'out');
    await service.restore({ archiveId: a.id, to: out });
    assert.equal(sha(await fs.readFile(path.join(out, 'large', 'big.bin'))), sha(content));
    assert.ok(info?.localFile);
    assert.deepEqual((await fs.readdir(h.options.uploadFolder)).filter((f) => f.includes('.partial')), []);
  });

  it('follows a retrieval started outside the catalogue (another machine) for a catalogued archive', async () => {
    const { service } = h;
    const src = path.join(h.dir, 'src', 'elsewhere');
    await makeTree(src, { 'e.txt': 'retrieved by someone else' });
    const a = await service.freeze({ vault: 'd', sources: [src], keyId: null });
    await service.disconnectArchive(a.id);
    const clients = createClients(h.options.glacier);
    let jobId: string;
    try {
      jobId = (await initiateArchiveRetrieval(clients, { vault: 'd', archiveId: a.glacierId!, tier: 'Bulk', snsTopic: h.options.glacier.snsTopicArn })).jobId;
    } finally {
      clients.destroy();
    }
    const stop = new AbortController();
    const run = service.watchJobs(stop.signal);
    try {
      await eventually(async () => (await stateOf(service, a.id)) === 'liquid', 15_000, 'the adopted job downloaded');
    } finally {
      stop.abort();
      await run;
    }
    const job = (await service.listJobs('d')).find((j) => j.id === jobId);
    assert.equal(job?.archiveId, a.id);
    assert.ok(job?.executedAt);
  });
});
