import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('service on a flaky endpoint (5% of requests fail)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({
      endpoint: { faults: { rate: 0.05, kinds: ['500', '503', 'throttle', 'timeout', 'drop'], seed: 7 } },
      glacier: { chunkSize: MIB },
    });
  });
  after(async () => { await h.close(); });

  it('freezes, retrieves, downloads and restores byte-identical data through the faults', async () => {
    const { service } = h;
    await service.createVault('flaky');
    const src = path.join(h.dir, 'src', 'f');
    const content = random(5 * MIB);
    await makeTree(src, { 'data.bin': content, 'small.txt': 'small' });
    const a = await service.freeze({ vault: 'flaky', sources: [src], compression: 'none', keyId: null });
    assert.equal(a.state, 'liquid');
    await service.disconnectArchive(a.id);
    const job = await service.retrieveArchive(a.id, 'Expedited');
    const jobs = await service.refreshJobs();
    assert.equal(jobs.find((j) => j.id === job.id)?.status, 'Succeeded');
    assert.equal((await service.downloadArchive(a.id)).state, 'liquid');
    const to = path.join(h.dir, 'out');
    await service.restore({ archiveId: a.id, to });
    assert.equal(sha(await fs.readFile(path.join(to, 'f', 'data.bin'))), sha(content));
    const counts = h.ep.endpoint!.faultCounts();
    assert.ok(Object.values(counts).reduce((n, c) => n + c, 0) > 0, `faults were injected: ${JSON.stringify(counts)}`);
  });
});
