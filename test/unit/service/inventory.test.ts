import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteArchiveCommand } from '@aws-sdk/client-glacier';
import { formatDescription } from '../../../src/core/archive/description';
import { Catalogue } from '../../../src/core/catalogue';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { makeTree, random, startHarness, type Harness } from './harness';

describe('service: inventory', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Standard: 200 } } }); });
  after(async () => { await h.close(); });

  it('merges an inventory: adds archives uploaded elsewhere, marks deleted ones, keeps the rest', async () => {
    const { service } = h;
    await service.createVault('inv');
    const src = path.join(h.dir, 'src');
    await makeTree(src, { 'keep/a.txt': 'a', 'gone/b.txt': 'b' });
    const kept = await service.freeze({ vault: 'inv', sources: [path.join(src, 'keep')], keyId: null });
    const gone = await service.freeze({ vault: 'inv', sources: [path.join(src, 'gone')], keyId: null });
    await service.disconnectArchive(gone.id);

    // Another machine uploads an archive; someone deletes `gone` with another tool, long after its upload.
    const clients = createClients(h.options.glacier);
    const other = path.join(h.dir, 'other.tar');
    await fs.writeFile(other, random(5000));
    let otherId: string;
    try {
      otherId = (await uploadArchiveFile({ clients, vault: 'inv', file: other, description: formatDescription({ name: 'from elsewhere', compression: 'none', encryption: 'none' }) })).archiveId;
      await clients.glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName: 'inv', archiveId: gone.glacierId }));
    } finally {
      clients.destroy();
    }
    const cat = await Catalogue.open(h.options.databasePath);
    try {
      await cat.write((tx) => tx.updateArchive(gone.id, { uploaded: new Date(Date.now() - 3 * 86400_000).toISOString() }));
    } finally {
      cat.close();
    }

    const job = await service.requestInventory('inv');
    assert.equal(job.action, 'InventoryRetrieval');
    assert.equal(job.status, 'InProgress');
    await new Promise((r) => setTimeout(r, 300));
    const jobs = await service.refreshJobs();
    const done = jobs.find((j) => j.id === job.id);
    assert.equal(done?.status, 'Succeeded');
    assert.ok(done?.executedAt, 'merged');
    assert.match(done?.statusMessage ?? '', /^1 added, 1 gone\b/, 'what the inventory changed, for the Jobs view');

    const list = await service.listArchives('inv');
    const names = list.items.map((a) => `${a.name}:${a.state}`).sort();
    assert.deepEqual(names, [`${kept.name}:liquid`, 'from elsewhere:frozen'].sort());
    assert.equal(list.items.find((a) => a.name === 'from elsewhere')?.glacierId, otherId);
    assert.equal((await service.getArchive(gone.id))?.state, 'invalid', 'deleted at Glacier: kept as history, not restorable');
    const [vault] = (await service.listVaults()).filter((v) => v.name === 'inv');
    assert.equal(vault.localArchiveCount, 2);
    assert.ok(vault.lastInventory);
    assert.ok(h.log.lines.some((l) => /Merged the inventory of vault inv: 1 added, \d+ updated, 1 missing/.test(l)));
  });
});
