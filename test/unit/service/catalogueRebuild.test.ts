/**
 * Losing freezer.db: the catalogue comes back from the vault and the key export alone — an inventory
 * and one retrieval of the newest catalogue snapshot, whatever the number of archives — with every
 * file's versions browsable and restorable again.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeJobCommand, ListJobsCommand } from '@aws-sdk/client-glacier';
import { formatDescription } from '../../../src/core/archive/description';
import { Catalogue } from '../../../src/core/catalogue';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { memoryKeyStore } from '../../../src/core/service/fileKeyStore';
import type { FreezerService } from '../../../src/core/service/service';
import { eventually, makeTree, random, startHarness, type Harness } from './harness';

const sha256 = (t: string) => createHash('sha256').update(t).digest('hex');

/** Everything the Frozen Files view and Show Archive Contents can show, without local-file state. */
async function catalogueView(svc: FreezerService, vault: string) {
  const files: Record<string, unknown[]> = {};
  const walk = async (folder: string): Promise<void> => {
    for (const e of await svc.listFrozen(folder)) {
      if (e.kind === 'folder') await walk(e.path);
      else files[e.path] = (await svc.listVersions(e.path)).map((v) => ({ size: v.size, sha256: v.sha256, mtimeMs: v.mtimeMs, archive: v.archiveName, memberPath: v.memberPath, frozenAt: v.frozenAt }));
    }
  };
  await walk('/');
  const archives = [];
  for (const a of (await svc.listArchives(vault)).items) {
    const members = (await svc.listArchiveMembers(a.id)).items;
    archives.push({ name: a.name, fileCount: a.fileCount, size: a.size, compression: a.compression, encryption: a.encryption, glacierId: a.glacierId, members });
  }
  archives.sort((x, y) => x.name.localeCompare(y.name));
  return { files, archives };
}

describe('service: rebuilding the catalogue from the vault', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Standard: 300, Expedited: 100 } } }); });
  after(async () => { await h.close(); });

  it('after freezer.db is deleted, gives back the same files and versions with 2 jobs for 6 archives', async () => {
    const svc = h.service;
    await svc.createVault('rb');
    const key = await svc.createKey('AES-256', 'main');
    await svc.setDefaultKey(key.id);
    const src = path.join(h.dir, 'src');
    await makeTree(src, { 'docs/a.txt': 'alpha\n'.repeat(3000), 'docs/b.bin': random(200_000), 'docs/sub/c.txt': 'c1', 'photos/p1.raw': random(50_000) });
    await svc.freeze({ vault: 'rb', sources: [path.join(src, 'docs')] });
    await fs.writeFile(path.join(src, 'docs/sub/c.txt'), 'c2, changed');
    await svc.freeze({ vault: 'rb', sources: [path.join(src, 'docs')], name: 'docs-again' });
    await svc.freeze({ vault: 'rb', sources: [path.join(src, 'photos')] });
    for (let i = 0; i < 3; i++) {
      await fs.writeFile(path.join(src, 'docs/sub/c.txt'), `c${i + 3}`);
      await svc.freeze({ vault: 'rb', sources: [path.join(src, 'docs/sub')], name: `sub-${i}` });
    }
    const before = await catalogueView(svc, 'rb');
    assert.equal(before.archives.length, 6);
    assert.equal((before.files[path.join(src, 'docs/sub/c.txt')] ?? []).length, 5, 'five versions of c.txt');
    const exported = await svc.exportKey(key.id);

    // The calamity: the catalogue, its key store and the upload folder are gone; the key export is kept.
    await svc.dispose();
    for (const f of await fs.readdir(h.dir)) if (f.startsWith('freezer.db')) await fs.rm(path.join(h.dir, f), { recursive: true, force: true });
    await fs.rm(h.options.uploadFolder, { recursive: true, force: true });
    const fresh = await h.open({ keyStore: memoryKeyStore() });
    assert.deepEqual(await fresh.listFrozen('/'), [], 'nothing catalogued');
    await fresh.importKey(exported);

    const clients = createClients(h.options.glacier);
    const jobsAtGlacier = async () => (await clients.glacier.send(new ListJobsCommand({ accountId: '-', vaultName: 'rb' }))).JobList ?? [];
    const jobsBefore = (await jobsAtGlacier()).length;
    try {
      const [started] = await fresh.rebuildCatalogue({ tier: 'Expedited' });
      assert.equal(started.store, 'rb');
      assert.equal(started.phase, 'inventory');
      assert.match(started.message, /waiting for the inventory of vault rb/);
      await eventually(async () => {
        await fresh.refreshJobs();
        const [s] = await fresh.catalogueRebuilds();
        return s.phase === 'done' || s.phase === 'failed';
      }, 30_000, 'the rebuild to finish');
      const [done] = await fresh.catalogueRebuilds();
      assert.equal(done.phase, 'done', done.message);
      assert.deepEqual(done.result && { archives: done.result.archives, newer: done.result.newer, gone: done.result.gone }, { archives: 6, newer: 0, gone: 0 });
      assert.match(done.message, /done: 6 archive\(s\) and \d+ file version\(s\) back from the snapshot of /);

      // Exactly two jobs: one inventory, one retrieval (of the snapshot), not one per archive.
      const all = await jobsAtGlacier();
      const mine = all.filter((j) => done.jobs.includes(j.JobId as string));
      assert.equal(done.jobs.length, 2);
      assert.deepEqual(mine.map((j) => j.Action).sort(), ['ArchiveRetrieval', 'InventoryRetrieval']);
      assert.equal(all.length - jobsBefore, 2, 'jobs started at Glacier by the rebuild');
      const snapJob = await clients.glacier.send(new DescribeJobCommand({ accountId: '-', vaultName: 'rb', jobId: mine.find((j) => j.Action === 'ArchiveRetrieval')!.JobId }));
      console.log(`rebuild of 6 archives: ${done.jobs.length} jobs (1 inventory, 1 snapshot retrieval of ${snapJob.ArchiveSizeInBytes} bytes), ${done.result?.files} file versions`);

      const after = await catalogueView(fresh, 'rb');
      assert.deepEqual(after, before);
      assert.equal((await fresh.listVaults()).find((v) => v.name === 'rb')?.localArchiveCount, 6, 'snapshots are not listed as archives');

      // Browsable and restorable: the oldest version of c.txt comes back byte for byte.
      const versions = await fresh.listVersions(path.join(src, 'docs/sub/c.txt'));
      const oldest = versions[versions.length - 1];
      const to = path.join(h.dir, 'restored');
      const r = await fresh.restoreFileVersion(oldest, to, { tier: 'Expedited' });
      if (r.status === 'retrieving') {
        await eventually(async () => {
          await fresh.refreshJobs();
          return (await fs.readdir(to).catch((): string[] => [])).includes('c.txt');
        }, 30_000, 'the restore');
      }
      assert.equal(await fs.readFile(path.join(to, 'c.txt'), 'utf8'), 'c1');
    } finally {
      clients.destroy();
    }
  });

  it('a vault without a snapshot says its archives come back without their files', async () => {
    const svc = await h.open({ keyStore: memoryKeyStore() });
    await svc.createVault('bare');
    const [s0] = await svc.rebuildCatalogue({ stores: ['bare'] });
    assert.equal(s0.phase, 'inventory');
    await eventually(async () => {
      await svc.refreshJobs();
      return (await svc.catalogueRebuilds()).find((s) => s.store === 'bare')?.phase === 'done';
    }, 30_000, 'the rebuild to finish');
    const s = (await svc.catalogueRebuilds()).find((x) => x.store === 'bare')!;
    assert.match(s.message, /no catalogue snapshot in vault bare/);
    assert.equal(s.jobs.length, 1);
  });

  it('a vault of 1,000 archives comes back with 2 jobs, not one per archive', async () => {
    const svc = await h.open({ keyStore: memoryKeyStore() });
    await svc.createVault('big');
    const clients = createClients(h.options.glacier);
    const cat = await Catalogue.open(h.options.databasePath);
    const N = 999;
    try {
      // 999 archives uploaded as tiny files (what they hold does not matter here), catalogued with one member each.
      const tiny = path.join(h.dir, 'tiny.bin');
      await fs.writeFile(tiny, random(64));
      const vaultId = (await cat.findVault('big', h.options.glacier.region))!.id;
      const ids: string[] = [];
      for (let i = 0; i < N; i += 50) {
        ids.push(...await Promise.all(Array.from({ length: Math.min(50, N - i) }, async (_, j) =>
          (await uploadArchiveFile({ clients, vault: 'big', file: tiny, description: formatDescription({ name: `a${i + j}`, compression: 'none', encryption: 'none' }) })).archiveId)));
      }
      await cat.write((tx) => {
        ids.forEach((glacierId, i) => {
          const a = tx.addArchive({ vaultId, glacierId, description: formatDescription({ name: `a${i}`, compression: 'none', encryption: 'none' }), size: 64, encryptedSize: 64, uploaded: new Date().toISOString() });
          tx.addMembers(a.id, [{ path: `/data/big/f${i}.txt`, size: 64, sha256: sha256(`f${i}`), mtimeMs: 1000 + i, tarOffset: 0 }]);
        });
      });
    } finally {
      cat.close();
    }
    // The 1,000th, frozen for real, uploads the vault's snapshot.
    const src = path.join(h.dir, 'big-src');
    await makeTree(src, { 'last.txt': 'the last one' });
    await svc.freeze({ vault: 'big', sources: [src], keyId: null });
    const expected = (await svc.listArchives('big', { offset: 0, limit: 2000 })).items.map((a) => `${a.name}:${a.fileCount}`).sort();
    assert.equal(expected.length, 1000);
    await svc.dispose();
    for (const f of await fs.readdir(h.dir)) if (f.startsWith('freezer.db')) await fs.rm(path.join(h.dir, f), { recursive: true, force: true });

    const fresh = await h.open({ keyStore: memoryKeyStore() });
    try {
      const t0 = Date.now();
      await fresh.rebuildCatalogue({ stores: ['big'], tier: 'Expedited' });
      await eventually(async () => {
        await fresh.refreshJobs();
        const s = (await fresh.catalogueRebuilds()).find((x) => x.store === 'big');
        return s?.phase === 'done' || s?.phase === 'failed';
      }, 60_000, 'the rebuild of 1,000 archives');
      const s = (await fresh.catalogueRebuilds()).find((x) => x.store === 'big')!;
      assert.equal(s.phase, 'done', s.message);
      assert.equal(s.jobs.length, 2, 'one inventory and one snapshot retrieval');
      assert.equal(s.result?.archives, 1000);
      const got = (await fresh.listArchives('big', { offset: 0, limit: 2000 })).items.map((a) => `${a.name}:${a.fileCount}`).sort();
      assert.deepEqual(got, expected);
      assert.equal((await fresh.listVersions('/data/big/f500.txt')).length, 1);
      console.log(`rebuild of 1,000 archives: ${s.jobs.length} jobs, ${s.result?.files} file versions, ${Date.now() - t0} ms against the local endpoint`);
    } finally {
      clients.destroy();
    }
  });
});
