import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { eventually, makeTree, random, startHarness, stateOf, type Harness } from './harness';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('service restores', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Standard: 800, Expedited: 800 } } }); });
  after(async () => { await h.close(); });

  it('restores the older of two versions of a file, from a frozen archive, when its retrieval completes (SQS notification)', async () => {
    const { service } = h;
    await service.createVault('docs');
    const src = path.join(h.dir, 'src', 'notes');
    const v1 = random(70_000);
    const v2 = random(90_000);
    const [file] = await makeTree(src, { 'report.doc': v1, 'other.txt': 'same in both' });
    const a1 = await service.freeze({ vault: 'docs', sources: [src], name: 'notes v1', keyId: null });
    await fs.writeFile(file, v2);
    const a2 = await service.freeze({ vault: 'docs', sources: [src], name: 'notes v2', keyId: null });
    await service.disconnectArchive(a1.id);
    await service.disconnectArchive(a2.id);

    const versions = await service.listVersions(file);
    assert.deepEqual(versions.map((v) => v.archiveId), [a2.id, a1.id], 'newest first');
    assert.deepEqual(versions.map((v) => v.sha256), [sha(v2), sha(v1)]);
    assert.ok(versions.every((v) => v.archiveState === 'frozen'));
    const older = versions[1];

    const to = path.join(h.dir, 'restored-v1');
    const r = await service.restoreFileVersion(older, to, { tier: 'Expedited' });
    assert.equal(r.status, 'retrieving');
    assert.equal(r.job?.restoreTarget, to);
    assert.equal(r.job?.tier, 'Expedited');
    assert.equal(await stateOf(service, a1.id), 'melting');

    const stop = new AbortController();
    const watching = service.watchJobs(stop.signal);
    try {
      await eventually(async () => (await fs.readdir(to).catch((): string[] => [])).includes('report.doc'), 15_000, 'the restore on completion');
    } finally {
      stop.abort();
      await watching;
    }
    assert.deepEqual(await fs.readdir(to), ['report.doc'], 'only the chosen file, straight into the folder');
    assert.equal(sha(await fs.readFile(path.join(to, 'report.doc'))), sha(v1), 'byte-identical older version');
    const job = (await service.listJobs('docs')).find((j) => j.id === r.job?.id);
    assert.ok(job?.executedAt, 'the job is marked as applied');
    assert.equal(job?.statusMessage, `Restored 1 file into ${to}`, 'what it restored, for the front ends to say');
    assert.equal(await stateOf(service, a1.id), 'liquid', 'the archive was downloaded to restore from it');
    assert.equal(await stateOf(service, a2.id), 'frozen');
    assert.ok(h.log.lines.some((l) => l.includes(`Job ${r.job?.id} (ArchiveRetrieval) is now Succeeded (seen by notification)`)), 'completion came through SNS → SQS');
  });

  it('without a queue, polls DescribeJob and restores a whole archive into its target', async () => {
    const { queueUrl, ...glacier } = h.options.glacier;
    assert.ok(queueUrl);
    const polling = await h.open({ glacier, jobPollIntervalMs: 100 });
    const src = path.join(h.dir, 'src', 'polled');
    await makeTree(src, { 'p.txt': 'polled content' });
    const a = await polling.freeze({ vault: 'docs', sources: [src], keyId: null });
    await polling.disconnectArchive(a.id);
    const to = path.join(h.dir, 'polled-out');
    const r = await polling.restore({ archiveId: a.id, to });
    assert.equal(r.status, 'retrieving');
    assert.equal(r.job?.tier, 'Standard', 'Standard unless told');
    const stop = new AbortController();
    const watching = polling.watchJobs(stop.signal);
    try {
      await eventually(async () => (await fs.readFile(path.join(to, 'polled', 'p.txt'), 'utf8').catch(() => '')) === 'polled content', 15_000, 'the polled restore');
    } finally {
      stop.abort();
      await watching;
    }
    assert.ok(h.log.lines.some((l) => l.includes(`Job ${r.job?.id} (ArchiveRetrieval) is now Succeeded (seen by DescribeJob)`)));
  });

  it('restores a whole local archive at once, verifying every file, and refuses to overwrite', async () => {
    const { service } = h;
    const src = path.join(h.dir, 'src', 'tree');
    const files = { 'a/one.txt': 'one', 'a/b/two.bin': random(20_000), 'three.txt': 'three' };
    await makeTree(src, files);
    const a = await service.freeze({ vault: 'docs', sources: [src], compression: 'bzip2', keyId: null });
    const to = path.join(h.dir, 'whole');
    const r = await service.restore({ archiveId: a.id, to });
    assert.equal(r.status, 'restored');
    assert.equal(r.files.length, 3);
    for (const [rel, content] of Object.entries(files)) {
      assert.equal(sha(await fs.readFile(path.join(to, 'tree', rel))), sha(content));
    }
    const same = await service.restore({ archiveId: a.id, to });
    assert.deepEqual([same.files.length, same.unchanged], [0, 3], 'files already restored are left as they are');
    await fs.writeFile(path.join(to, 'tree', 'a/one.txt'), 'edited');
    await assert.rejects(service.restore({ archiveId: a.id, to }), (e) => FreezerError.is(e, 'TargetExists') && /--overwrite/.test(e.message));
    assert.equal(await fs.readFile(path.join(to, 'tree', 'a/one.txt'), 'utf8'), 'edited');
    const again = await service.restore({ archiveId: a.id, to, overwrite: true, members: ['tree/a'] });
    assert.deepEqual([again.files.length, again.unchanged], [1, 1]);
    assert.equal(await fs.readFile(path.join(to, 'tree', 'a/one.txt'), 'utf8'), 'one');
  });

  it('freezes with a legacy cipher in the original format and restores through the key store', async () => {
    const { service } = h;
    const key = await service.createKey('AES-128', 'old style');
    const src = path.join(h.dir, 'src', 'legacy');
    const content = random(30_000);
    await makeTree(src, { 'l.bin': content });
    const a = await service.freeze({ vault: 'docs', sources: [src], keyId: key.id, compression: 'gzip' });
    assert.deepEqual(a.encryption, { format: 'legacy-cbc', keyId: key.id });
    const to = path.join(h.dir, 'legacy-out');
    const r = await service.restore({ archiveId: a.id, to });
    assert.equal(r.status, 'restored');
    assert.equal(sha(await fs.readFile(path.join(to, 'legacy', 'l.bin'))), sha(content));
  });

  it('detects a local archive file that no longer matches the catalogue', async () => {
    const { service } = h;
    const src = path.join(h.dir, 'src', 'tamper');
    await makeTree(src, { 'x.txt': 'original content' });
    const a = await service.freeze({ vault: 'docs', sources: [src], compression: 'none', keyId: null });
    const buf = await fs.readFile(a.localFile!);
    const at = buf.indexOf('original content');
    buf.write('ORIGINAL', at);
    await fs.writeFile(a.localFile!, buf);
    const to = path.join(h.dir, 'tampered');
    await assert.rejects(service.restore({ archiveId: a.id, to }), (e) => FreezerError.is(e, 'ChecksumMismatch'));
    assert.deepEqual(await fs.readdir(path.join(to, 'tamper')).catch((): string[] => []), [], 'no unverified file left');
  });
});
