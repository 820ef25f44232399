/**
 * The original tool's rule: when a vault's NumberOfArchives differs from the catalogue, Freezer asks
 * for an inventory by itself, at most once per vault per day, and the job says why.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatDescription } from '../../../src/core/archive/description';
import type { ArchiveRecord } from '../../../src/core/catalogue';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { explainableCounts } from '../../../src/core/service/autoInventory';
import { makeTree, random, startHarness, type Harness } from './harness';

const until = async <T>(fn: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> => {
  for (const end = Date.now() + ms; ;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('service: automatic inventory', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Standard: 60_000 } } }); });
  after(async () => { await h.close(); });

  it('counts the catalogue explains: live archives, or those of the vault\'s last inventory', () => {
    const a = (id: number, uploaded: string, deletedRemote = false) => ({ id, glacierId: `g${id}`, uploaded, created: uploaded, deletedRemote }) as ArchiveRecord;
    const archives = [a(1, '2026-01-01T00:00:00Z'), a(2, '2026-01-03T00:00:00Z'), a(3, '2026-01-01T00:00:00Z', true)];
    assert.deepEqual([...explainableCounts(archives)], [2]);
    assert.deepEqual([...explainableCounts(archives, '2026-01-02T00:00:00Z')].sort(), [1, 2]);
  });

  it('an archive the catalogue does not know starts one inventory, which says why; the next listing does not start another', async () => {
    const { service } = h;
    await service.createVault('auto');
    // A vault the catalogue holds nothing of: no inventory by itself (the user may be about to import).
    const stranger = path.join(h.dir, 'stranger.bin');
    await fs.writeFile(stranger, random(1000));
    await service.createVault('unknown');
    const c0 = createClients(h.options.glacier);
    try {
      await uploadArchiveFile({ clients: c0, vault: 'unknown', file: stranger, description: 'x' });
    } finally {
      c0.destroy();
    }
    await service.listVaults();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await service.listJobs('unknown')).filter((j) => j.action === 'InventoryRetrieval'), [], 'nothing catalogued there yet');
    const src = path.join(h.dir, 'src');
    await makeTree(src, { 'a.txt': 'a' });
    await service.freeze({ vault: 'auto', sources: [src], keyId: null });
    await service.listVaults();
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await service.listJobs('auto')).filter((j) => j.action === 'InventoryRetrieval'), [], 'counts agree: no inventory');

    const clients = createClients(h.options.glacier);
    const other = path.join(h.dir, 'other.bin');
    await fs.writeFile(other, random(3000));
    try {
      await uploadArchiveFile({ clients, vault: 'auto', file: other, description: formatDescription({ name: 'elsewhere', compression: 'none', encryption: 'none' }) });
    } finally {
      clients.destroy();
    }
    const [v] = (await service.listVaults()).filter((x) => x.name === 'auto');
    assert.equal(v.remoteArchiveCount, 2);
    assert.equal(v.localArchiveCount, 1);
    const job = await until(async () => (await service.listJobs('auto')).find((j) => j.action === 'InventoryRetrieval'), 'the automatic inventory');
    assert.equal(job.note, 'Automatic: the vault lists 2 archives, the catalogue 1');
    assert.ok(h.log.lines.some((l) => /Vault auto: Automatic: .* requesting an inventory/.test(l)));

    await service.listVaults();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await service.listJobs('auto')).filter((j) => j.action === 'InventoryRetrieval').length, 1, 'at most one a day');
  });
});
