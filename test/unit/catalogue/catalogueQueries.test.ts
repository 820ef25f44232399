import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue/catalogue';
import type { CatalogueTx } from '../../../src/core/catalogue/catalogueTx';
import { FreezerError } from '../../../src/core/errors';
import { sha, tempDir } from './tempDir';

const dir = tempDir();
let n = 0;
const fresh = () => Catalogue.open(path.join(dir, `q${n++}.db`));

/** Two vaults; archive 1 (uploaded) and 2 (uploaded, newer) share /home/ann/a.txt in two versions; 3 is building. */
async function sample(c: Catalogue) {
  return c.write((tx) => {
    const v1 = tx.upsertVault({ name: 'photos', region: 'eu-west-1', arn: 'arn:1' });
    const v2 = tx.upsertVault({ name: 'docs', region: 'eu-west-1' });
    const a1 = tx.addArchive({ vaultId: v1.id, glacierId: 'G1', created: '2024-01-01T00:00:00.000Z', size: 100 });
    const a2 = tx.addArchive({ vaultId: v1.id, glacierId: 'G2', created: '2024-02-01T00:00:00.000Z', size: 200 });
    const a3 = tx.addArchive({ vaultId: v2.id, building: true, created: '2024-03-01T00:00:00.000Z' });
    tx.addMembers(a1.id, [
      { path: '/home/ann/a.txt', size: 1, sha256: sha(1), tarOffset: 0, mtimeMs: 1000 },
      { path: '/home/ann/pics/p1.jpg', size: 10, sha256: sha(2), tarOffset: 512 },
      { path: '/home/ann/pics/p2.jpg', size: 20, sha256: sha(3), tarOffset: 1536 },
    ]);
    tx.addMembers(a2.id, [
      { path: '/home/ann/a.txt', size: 2, sha256: sha(4), tarOffset: 0 },
      { path: '/home/bob/b.txt', size: 5, sha256: sha(5), tarOffset: 512 },
    ]);
    tx.addMembers(a3.id, [{ path: 'C:\\Users\\ann\\c.txt', size: 7, sha256: sha(6) }]);
    return { v1, v2, a1, a2, a3 };
  });
}

test('vaults: upsert by name + region, find, list', async () => {
  const c = await fresh();
  const v = await c.write((tx) => tx.upsertVault({ name: 'v', region: 'us-east-1', sizeBytes: 5 }));
  const again = await c.write((tx) => tx.upsertVault({ name: 'v', region: 'us-east-1', archiveCount: 3 }));
  assert.equal(again.id, v.id);
  assert.equal(again.sizeBytes, 5);
  assert.equal(again.archiveCount, 3);
  await c.write((tx) => tx.upsertVault({ name: 'v', region: 'eu-west-1' }));
  assert.deepEqual((await c.listVaults()).map((x) => `${x.name}@${x.region}`), ['v@eu-west-1', 'v@us-east-1']);
  assert.equal((await c.findVault('v', 'us-east-1'))?.id, v.id);
  assert.equal(await c.findVault('v'), undefined);
  c.close();
});

test('archives: add, update, find by Glacier id, list per vault with file counts, frame index, state flags', async () => {
  const c = await fresh();
  const { v1, v2, a1, a2, a3 } = await sample(c);
  assert.deepEqual((await c.listArchives({ vaultId: v1.id })).map((a) => [a.id, a.fileCount]), [[a2.id, 2], [a1.id, 3]]);
  assert.deepEqual((await c.listArchives()).map((a) => a.id), [a3.id, a2.id, a1.id]);
  assert.equal((await c.findArchiveByGlacierId('G2'))?.id, a2.id);
  assert.equal(a3.building, true);
  const frames = { frames: [[0, 10], [10, 20]] };
  const up = await c.write((tx) => tx.updateArchive(a3.id, { building: false, uploading: true, frameIndex: frames, keyId: 'k1', treeHash: 'ff' }));
  assert.equal(up.building, false);
  assert.equal(up.uploading, true);
  assert.equal(up.vaultName, 'docs');
  assert.deepEqual(await c.getFrameIndex(a3.id), frames);
  assert.equal(await c.getFrameIndex(a1.id), undefined);
  await assert.rejects(c.write((tx) => tx.addArchive({ vaultId: 999 })), (e) => FreezerError.is(e, 'CatalogueUnknownVault'));
  await assert.rejects(c.write((tx) => tx.addArchive({ vaultId: v2.id, glacierId: 'G1' })), (e) => FreezerError.is(e, 'CatalogueDuplicateArchive'));
  await assert.rejects(c.write((tx) => tx.updateArchive(a3.id, { glacierId: 'G2' })), (e) => FreezerError.is(e, 'CatalogueDuplicateArchive'));
  assert.equal((await c.write((tx) => tx.updateArchive(a2.id, { glacierId: 'G2', size: 201 }))).size, 201);
  c.close();
});

test('folder hierarchy: one level at a time, folders with recursive file counts, files with versions', async () => {
  const c = await fresh();
  const { a1, a2 } = await sample(c);
  const root = await c.listFolder('/');
  assert.deepEqual(root.folders.map((f) => [f.path, f.fileCount]), [['C:/', 1], ['/home', 4]]);
  assert.deepEqual(root.files, []);
  const ann = await c.listFolder('/home/ann/');
  assert.equal(ann.path, '/home/ann');
  assert.deepEqual(ann.folders, [{ name: 'pics', path: '/home/ann/pics', fileCount: 2 }]);
  assert.equal(ann.files.length, 1);
  const a = ann.files[0];
  assert.deepEqual([a.path, a.versions, a.size, a.sha256, a.archiveId], ['/home/ann/a.txt', 2, 2, sha(4), a2.id]);
  const pics = await c.listFolder('/home/ann/pics', { limit: 1 });
  assert.deepEqual([pics.files.map((f) => f.name), pics.more], [['p1.jpg'], true]);
  const next = await c.listFolder('/home/ann/pics', { limit: 1, after: 'p1.jpg' });
  assert.deepEqual([next.files.map((f) => [f.name, f.archiveId]), next.more], [[['p2.jpg', a1.id]], false]);
  assert.deepEqual((await c.listFolder('C:/Users')).folders.map((f) => f.path), ['C:/Users/ann']);
  assert.deepEqual((await c.listFolder('C:\\Users\\ann')).files.map((f) => f.path), ['C:/Users/ann/c.txt']);
  assert.deepEqual(await c.listFolder('/nowhere'), { path: '/nowhere', folders: [], files: [], more: false });
  c.close();
});

test('every version of a path, newest first, with archive, vault, date, size and hash', async () => {
  const c = await fresh();
  const { a1, a2 } = await sample(c);
  const v = await c.versionsOf('/home/ann/a.txt');
  assert.deepEqual(v.map((x) => [x.archiveId, x.glacierId, x.vaultName, x.archived, x.size, x.sha256, x.tarOffset]), [
    [a2.id, 'G2', 'photos', '2024-02-01T00:00:00.000Z', 2, sha(4), 0],
    [a1.id, 'G1', 'photos', '2024-01-01T00:00:00.000Z', 1, sha(1), 0],
  ]);
  assert.equal(v[1].mtimeMs, 1000);
  assert.deepEqual(await c.versionsOf('/home/ann/none.txt'), []);
  assert.deepEqual(await c.versionsOf('/'), []);
  c.close();
});

test('already frozen: batch test on name + size + SHA-256, only uploaded and not deleted archives unless pending asked', async () => {
  const c = await fresh();
  const { a1 } = await sample(c);
  const sel = [
    { name: 'a.txt', size: 1, sha256: sha(1) }, // in G1
    { name: 'a.txt', size: 1, sha256: sha(4) }, // wrong size
    { name: 'b.txt', size: 5, sha256: sha(5).toUpperCase() }, // in G2, hex case ignored
    { name: 'other.txt', size: 5, sha256: sha(5) }, // other name
    { name: 'c.txt', size: 7, sha256: sha(6) }, // only in a building archive
  ];
  assert.deepEqual(await c.alreadyFrozen(sel), [true, false, true, false, false]);
  assert.deepEqual(await c.alreadyFrozen(sel, { includePending: true }), [true, false, true, false, true]);
  await c.write((tx) => tx.updateArchive(a1.id, { deletedRemote: true }));
  assert.deepEqual((await c.alreadyFrozen(sel)).slice(0, 1), [false]);
  assert.deepEqual(await c.alreadyFrozen([]), []);
  // repeated entries each get their answer; a malformed hash is simply not frozen
  const b = { name: 'b.txt', size: 5, sha256: sha(5) };
  assert.deepEqual(await c.alreadyFrozen([b, { ...b, sha256: 'nothex' }, b, { ...b, size: 6 }]), [true, false, true, false]);
  c.close();
});

test('archive members in tar order with their original paths', async () => {
  const c = await fresh();
  const { a1 } = await sample(c);
  const m = await c.read((r) => r.archiveMembers(a1.id));
  assert.deepEqual(m.map((x) => [x.path, x.tarOffset, x.size]), [['/home/ann/a.txt', 0, 1], ['/home/ann/pics/p1.jpg', 512, 10], ['/home/ann/pics/p2.jpg', 1536, 20]]);
  assert.deepEqual((await c.read((r) => r.archiveMembers(a1.id, { limit: 1, offset: 2 }))).map((x) => x.name), ['p2.jpg']);
  c.close();
});

test('removing an archive updates folder counts and drops empty folders; orphan files go in maintenance', async () => {
  const c = await fresh();
  const { a1, a2 } = await sample(c);
  const counts = async () => (await c.read((r) => r.stats()));
  await c.write((tx) => tx.removeArchive(a1.id));
  assert.deepEqual((await c.listFolder('/home/ann')).folders, []);
  assert.deepEqual((await c.listFolder('/home')).folders.map((f) => [f.name, f.fileCount]), [['ann', 1], ['bob', 1]]);
  assert.equal((await c.versionsOf('/home/ann/a.txt')).length, 1);
  assert.equal((await counts()).files, 6);
  assert.equal(await c.write((tx) => tx.removeOrphanFiles()), 3);
  assert.equal((await counts()).files, 3);
  // incremental counts agree with a full recount
  const before = await c.listFolder('/home');
  await c.write((tx) => tx.rebuildCounts());
  assert.deepEqual(await c.listFolder('/home'), before);
  assert.equal((await c.getArchive(a2.id))?.fileCount, 2);
  c.close();
});

test('jobs: upsert by Glacier job id, list by vault and state, latest retrieval of an archive', async () => {
  const c = await fresh();
  const { v1, v2, a1 } = await sample(c);
  await c.write((tx) => {
    tx.upsertJob({ jobId: 'J1', vaultId: v1.id, archiveId: a1.id, action: 'ArchiveRetrieval', tier: 'Bulk', created: '2024-05-01T00:00:00Z', byteRange: '0-1048575' });
    tx.upsertJob({ jobId: 'J2', vaultId: v1.id, archiveId: a1.id, action: 'ArchiveRetrieval', tier: 'Standard', created: '2024-05-02T00:00:00Z', restoreTarget: '/restore' });
    tx.upsertJob({ jobId: 'J3', vaultId: v2.id, action: 'InventoryRetrieval', created: '2024-05-03T00:00:00Z' });
  });
  assert.deepEqual((await c.listJobs({ vaultId: v1.id, status: 'InProgress' })).map((j) => j.jobId), ['J2', 'J1']);
  const done = await c.write((tx) => tx.upsertJob({ jobId: 'J1', vaultId: v1.id, action: 'ArchiveRetrieval', status: 'Succeeded', completed: '2024-05-01T05:00:00Z', outputPath: '/tmp/o' }));
  assert.deepEqual([done.status, done.tier, done.byteRange, done.outputPath], ['Succeeded', 'Bulk', '0-1048575', '/tmp/o']);
  assert.deepEqual((await c.listJobs({ vaultId: v1.id, status: ['Succeeded', 'Failed'] })).map((j) => j.jobId), ['J1']);
  assert.deepEqual((await c.listJobs({ action: 'InventoryRetrieval' })).map((j) => [j.jobId, j.vaultName, j.archiveId]), [['J3', 'docs', null]]);
  assert.equal((await c.latestRetrievalJob(a1.id))?.jobId, 'J2');
  await c.write((tx) => tx.updateJob('J2', { status: 'Failed', statusMessage: 'nope', executed: '2024-05-03T00:00:00Z' }));
  assert.equal((await c.getJob('J2'))?.statusMessage, 'nope');
  await assert.rejects(c.write((tx) => tx.updateJob('nope', { status: 'Failed' })), (e) => FreezerError.is(e, 'CatalogueUnknownJob'));
  await c.write((tx) => tx.removeArchive(a1.id));
  assert.equal((await c.getJob('J1'))?.archiveId, null, 'jobs stay as history, unlinked');
  await c.write((tx) => tx.removeJob('J1'));
  assert.equal(await c.getJob('J1'), undefined);
  c.close();
});

test('keys: facts only, found by fingerprint, not removable while used', async () => {
  const c = await fresh();
  const { a1 } = await sample(c);
  await c.write((tx) => tx.addKey({ id: 'k1', algorithm: 'aes-256-gcm', fingerprint: 'fp1', label: 'home' }));
  await assert.rejects(c.write((tx) => tx.addKey({ id: 'k1', algorithm: 'x', fingerprint: 'y' })), (e) => FreezerError.is(e, 'CatalogueDuplicateKey'));
  await c.write((tx) => tx.setKeyLabel('k1', 'house'));
  assert.deepEqual((await c.listKeys()).map((k) => [k.id, k.label, k.fingerprint]), [['k1', 'house', 'fp1']]);
  assert.equal((await c.read((r) => r.findKeyByFingerprint('fp1')))?.id, 'k1');
  await c.write((tx) => tx.updateArchive(a1.id, { keyId: 'k1' }));
  await assert.rejects(c.write((tx) => tx.removeKey('k1')), (e) => FreezerError.is(e, 'KeyInUse'));
  await c.write((tx) => tx.updateArchive(a1.id, { keyId: null }));
  await c.write((tx) => tx.removeKey('k1'));
  assert.equal(await c.getKey('k1'), undefined);
  c.close();
});

test('settings refuse secrets; exclusion paths are checked regexes; manual exclusions', async () => {
  const c = await fresh();
  await c.write((tx) => { tx.setSetting('aws.region', 'eu-west-1'); tx.setSetting('aws.region', 'us-east-1'); tx.setSetting('upload.folder', '/tmp'); });
  assert.deepEqual(await c.listSettings(), { 'aws.region': 'us-east-1', 'upload.folder': '/tmp' });
  await assert.rejects(c.write((tx) => tx.setSetting('aws.secretKey', 'x')), (e) => FreezerError.is(e, 'SecretInSettings'));
  await c.write((tx) => tx.deleteSetting('upload.folder'));
  assert.equal(await c.getSetting('upload.folder'), undefined);
  await c.write((tx) => { tx.addExclusionPath('~$'); tx.addExclusionPath('\\.o$'); tx.addExclusionPath('~$'); });
  await assert.rejects(c.write((tx) => tx.addExclusionPath('(')), (e) => FreezerError.is(e, 'BadExclusionPattern'));
  assert.deepEqual((await c.listExclusionPaths()).sort(), ['\\.o$', '~$']);
  await c.write((tx) => { tx.removeExclusionPath('~$'); tx.addManualExclusion('/home/ann/tmp'); tx.addManualExclusion('/a'); tx.removeManualExclusion('/a'); });
  assert.deepEqual(await c.listExclusionPaths(), ['\\.o$']);
  assert.deepEqual(await c.listManualExclusions(), ['/home/ann/tmp']);
  c.close();
});

test('upload sessions: save, mark parts, resume after reopening, delete', async () => {
  const file = path.join(dir, 'upload.db');
  const c = await Catalogue.open(file);
  const { a3 } = await sample(c);
  await assert.rejects(c.markPartDone(a3.id, 0, 'aa'), (e) => FreezerError.is(e, 'CatalogueNoUploadSession'));
  await c.saveUploadSession({ archiveId: a3.id, vaultName: 'docs', uploadId: 'U1', partSize: 1048576, totalSize: 3_000_000 });
  await c.markPartDone(a3.id, 2, 'cc');
  await c.markPartDone(a3.id, 0, 'aa');
  c.close();
  const again = await Catalogue.open(file);
  const s = await again.getUploadSession(a3.id);
  assert.deepEqual([s?.uploadId, s?.partSize, s?.totalSize, s?.partsDone], ['U1', 1048576, 3_000_000, [{ index: 0, treeHash: 'aa' }, { index: 2, treeHash: 'cc' }]]);
  await again.saveUploadSession({ archiveId: a3.id, vaultName: 'docs', uploadId: 'U2', partSize: 2097152, totalSize: 3_000_000, partsDone: [] });
  assert.deepEqual((await again.getUploadSession(a3.id))?.partsDone, []);
  assert.equal((await again.read((r) => r.listUploadSessions())).length, 1);
  await again.deleteUploadSession(a3.id);
  assert.equal(await again.getUploadSession(a3.id), undefined);
  again.close();
});

test('hash cache by path, size and mtime', async () => {
  const c = await fresh();
  await c.write((tx) => { tx.rememberHash('/a', 1, 1000.7, sha(1)); tx.rememberHash('/b', 2, 2000, sha(2)); });
  assert.equal(await c.read((r) => r.cachedHash('/a', 1, 1000)), sha(1));
  assert.equal(await c.read((r) => r.cachedHash('/a', 1, 1001)), undefined);
  assert.deepEqual(await c.cachedHashes([{ path: '/a', size: 1, mtimeMs: 1000 }, { path: '/b', size: 3, mtimeMs: 2000 }, { path: '/b', size: 2, mtimeMs: 2000 }, { path: '/c', size: 1, mtimeMs: 1 }]), [sha(1), undefined, sha(2), undefined]);
  await c.write((tx) => tx.forgetHash('/a'));
  assert.equal(await c.read((r) => r.cachedHash('/a', 1, 1000)), undefined);
  c.close();
});

test('a failing write changes nothing; a tx kept after its write is refused', async () => {
  const file = path.join(dir, 'rollback.db');
  const c = await Catalogue.open(file);
  let kept: CatalogueTx | undefined;
  await assert.rejects(c.write((tx) => { kept = tx; tx.upsertVault({ name: 'v' }); throw new Error('boom'); }), /boom/);
  assert.deepEqual(await c.listVaults(), []);
  assert.throws(() => kept?.upsertVault({ name: 'late' }), (e) => FreezerError.is(e, 'CatalogueTxClosed'));
  await c.write(async (tx) => { await new Promise((r) => setTimeout(r, 5)); tx.upsertVault({ name: 'v' }); });
  c.close();
  await assert.rejects(c.listVaults(), (e) => FreezerError.is(e, 'CatalogueClosed'));
  const again = await Catalogue.open(file);
  assert.deepEqual((await again.listVaults()).map((v) => v.name), ['v']);
  again.close();
});

test('a write() inside a write() is refused instead of waiting forever', async () => {
  const c = await fresh();
  await assert.rejects(c.write(async (tx) => {
    tx.upsertVault({ name: 'outer' });
    await c.markPartDone(1, 0, 'aa');
  }), (e) => FreezerError.is(e, 'CatalogueNestedWrite'));
  assert.deepEqual(await c.listVaults(), [], 'the outer write was rolled back');
  await c.write((tx) => tx.upsertVault({ name: 'next' })); // the queue still runs
  assert.equal((await c.listVaults()).length, 1);
  c.close();
});

test('bad member input is refused before anything is stored', async () => {
  const c = await fresh();
  const { a1 } = await sample(c);
  await assert.rejects(c.write((tx) => tx.addMembers(a1.id, [{ path: '/x/ok', size: 1, sha256: sha(9) }, { path: '/x/bad', size: 1, sha256: 'zz' }])), (e) => FreezerError.is(e, 'CatalogueBadHash'));
  await assert.rejects(c.write((tx) => tx.addMembers(a1.id, [{ path: '/', size: 1, sha256: sha(9) }])), (e) => FreezerError.is(e, 'CatalogueBadPath'));
  await assert.rejects(c.write((tx) => tx.addMembers(999, [])), (e) => FreezerError.is(e, 'CatalogueUnknownArchive'));
  assert.deepEqual((await c.listFolder('/x')).files, []);
  c.close();
});
