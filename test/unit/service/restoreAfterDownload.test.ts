import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTree, startHarness, type Harness } from './harness';

describe('retrieval with a restore target, interrupted between download and restore', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Expedited: 0 } } }); });
  after(async () => { await h.close(); });

  it('restores on the next attempt although the download already happened', async () => {
    const { service } = h;
    await service.createVault('gap');
    const src = path.join(h.dir, 'src', 'gap');
    await makeTree(src, { 'g.txt': 'after the gap' });
    const a = await service.freeze({ vault: 'gap', sources: [src], keyId: null });
    await service.disconnectArchive(a.id);

    // The restore target cannot be created yet (a file is in the way): the restore fails after the download.
    const blocker = path.join(h.dir, 'blocker');
    await fs.writeFile(blocker, 'in the way');
    const to = path.join(blocker, 'out');
    await service.retrieveArchive(a.id, 'Expedited', { restoreTo: to });
    await service.refreshJobs();
    const info = await service.getArchive(a.id);
    assert.ok(info?.localFile, 'downloaded');
    let [job] = await service.listJobs('gap');
    assert.equal(job.executedAt, undefined, 'not applied while its restore has not happened');

    // The next run (a restart, the next poll) does the restore.
    await fs.rm(blocker);
    await service.refreshJobs();
    assert.equal(await fs.readFile(path.join(to, 'gap', 'g.txt'), 'utf8'), 'after the gap');
    [job] = await service.listJobs('gap');
    assert.ok(job.executedAt);
  });
});
