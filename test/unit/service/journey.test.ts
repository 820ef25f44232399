import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import type { ActivityProgress } from '../../../src/core/service/types';
import { makeTree, random, startHarness, stateOf, type Harness } from './harness';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('service journey: freeze → liquid → disconnect → frozen → retrieve → melting → melted → download → liquid', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Standard: 400, Expedited: 0 } } }); });
  after(async () => { await h.close(); });

  it('walks an archive through every state and restores a file with identical bytes', async () => {
    const { service } = h;
    await service.createVault('photos');
    const src = path.join(h.dir, 'src', 'album');
    const big = random(300_000);
    await makeTree(src, { 'a.txt': 'hello', 'sub/b.bin': big, 'sub/c.txt~': 'backup, filtered' });

    const progress: ActivityProgress[] = [];
    const seen: string[] = [];
    const unsubscribe = service.onDidChange(async (k) => {
      if (k !== 'archives') return;
      const list = await service.listArchives('photos');
      for (const a of list.items) if (seen[seen.length - 1] !== a.state) seen.push(a.state);
    });
    const key = await service.createKey('AES-256', 'test key');
    await service.setDefaultKey(key.id);
    const a = await service.freeze({ vault: 'photos', sources: [src], name: 'Album 1', onProgress: (p) => progress.push(p) });
    unsubscribe();

    assert.equal(a.state, 'liquid');
    assert.ok(a.glacierId);
    assert.equal(a.fileCount, 2, 'the backup file is filtered out');
    assert.equal(a.name, 'Album 1');
    assert.deepEqual(a.encryption, { format: 'fzr1', keyId: key.id });
    assert.ok(a.localFile && (await fs.stat(a.localFile)).size === a.size);
    assert.ok(seen.includes('building'), `building seen (${seen.join(',')})`);
    assert.ok(seen.includes('uploading'), `uploading seen (${seen.join(',')})`);
    const packing = progress.filter((p) => p.phase === 'packing');
    assert.ok(packing.length > 0 && packing[packing.length - 1].filesDone === 2 && packing[packing.length - 1].filesTotal === 2);
    assert.equal(progress[progress.length - 1].phase, 'uploading');
    assert.equal(progress[progress.length - 1].bytesDone, a.size);

    const list = await service.listArchives('photos');
    assert.equal(list.total, 1);
    const vaults = await service.listVaults();
    assert.equal(vaults.find((v) => v.name === 'photos')?.localArchiveCount, 1);

    const d = await service.disconnectArchive(a.id);
    assert.equal(d.state, 'frozen');
    await assert.rejects(fs.stat(a.localFile!), /ENOENT/);

    const job = await service.retrieveArchive(a.id, 'Standard');
    assert.equal(job.status, 'InProgress');
    assert.equal(await stateOf(service, a.id), 'melting');
    assert.equal((await service.listJobs('photos')).length, 1);
    await new Promise((r) => setTimeout(r, 500));
    const jobs = await service.refreshJobs();
    assert.equal(jobs.find((j) => j.id === job.id)?.status, 'Succeeded');
    assert.equal(await stateOf(service, a.id), 'melted');

    const dl = await service.downloadArchive(a.id);
    assert.equal(dl.state, 'liquid');
    assert.ok(dl.localFile);

    // Frozen Files: the hierarchy by original path, and a byte-identical restore of one version.
    const versions = await service.listVersions(path.join(src, 'sub', 'b.bin'));
    assert.equal(versions.length, 1);
    assert.equal(versions[0].memberPath, 'album/sub/b.bin');
    assert.equal(versions[0].sha256, sha(big));
    const out = path.join(h.dir, 'restored');
    const r = await service.restoreFileVersion(versions[0], out);
    assert.equal(r.status, 'restored');
    assert.deepEqual(r.files, [path.join(out, 'b.bin')]);
    assert.equal(sha(await fs.readFile(path.join(out, 'b.bin'))), sha(big));
    assert.deepEqual(await fs.readdir(out), ['b.bin'], 'no temp folder left behind');

    const top = await service.listFrozen(src);
    assert.deepEqual(top.map((e) => `${e.kind}:${e.name}`).sort(), ['file:a.txt', 'folder:sub']);

    const est = await service.estimateRetrieval(a.id);
    assert.equal(est.sizeBytes, a.size);
    assert.deepEqual(est.tiers.map((t) => t.tier), ['Expedited', 'Standard', 'Bulk']);
    assert.ok(est.tiers[0].costUsd > est.tiers[2].costUsd);

    // Remove: gone from Glacier, the local copy stays (state `local`), a vault with no archive left can go.
    await service.removeArchive(a.id);
    const removed = await service.getArchive(a.id);
    assert.equal(removed?.state, 'local');
    await assert.rejects(service.retrieveArchive(a.id, 'Bulk'), (e) => FreezerError.is(e, 'NotInGlacier'));
    await assert.rejects(service.freeze({ vault: 'no-such-vault', sources: [src] }), (e) => FreezerError.is(e, 'VaultNotFound'));
    await service.removeVault('photos');
    assert.equal((await service.listVaults()).some((v) => v.name === 'photos'), false);
  });
});
