import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue/catalogue';
import { archiveFacts, archiveState } from '../../../src/core/catalogue/archiveState';
import { migrate, schemaVersion, SCHEMA_VERSION } from '../../../src/core/catalogue/schema';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { CatalogueSessionStore } from '../../../src/core/catalogue/storeSessions';
import { tempDir } from './tempDir';

const dir = tempDir();
let n = 0;
const fresh = () => Catalogue.open(path.join(dir, `s${n++}.db`));

test('a version 2 catalogue gains stores: its vaults stay vaults, with their archives', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, 2);
  db.run("INSERT INTO vaults (name, region) VALUES ('photos', 'eu-west-1')");
  db.run("INSERT INTO archives (vault_id, glacier_id, created) VALUES (1, 'G1', '2024-01-01T00:00:00Z')");
  db.run("INSERT INTO jobs (glacier_job_id, vault_id, archive_id, action, created) VALUES ('J1', 1, 1, 'ArchiveRetrieval', '2024-01-02T00:00:00Z')");
  const file = path.join(dir, 'v2.db');
  fs.writeFileSync(file, db.export());
  db.close();
  const c = await Catalogue.open(file);
  const [v] = await c.read((r) => r.listVaults());
  assert.deepEqual([v.name, v.kind, v.bucket, v.prefix, v.storageClass], ['photos', 'vault', null, '', null]);
  const a = await c.read((r) => r.getArchive(1));
  assert.equal(a?.storageClass, null);
  const j = await c.read((r) => r.getJob('J1'));
  assert.deepEqual([j?.ticket, j?.expires], [null, null]);
  await c.write((tx) => tx.upsertBucketStore({ bucket: 'b', prefix: '', region: 'us-east-1' }));
  c.close();
  const onDisk = new SQL.Database(fs.readFileSync(file));
  assert.equal(schemaVersion(onDisk), SCHEMA_VERSION);
  onDisk.close();
});

test('bucket stores are named s3://bucket/prefix, one per (bucket, prefix), and remember their storage class', async () => {
  const c = await fresh();
  const s = await c.write((tx) => tx.upsertBucketStore({ bucket: 'my-backups', prefix: 'freezer/laptop/', region: 'us-east-1', storageClass: 'DEEP_ARCHIVE' }));
  assert.deepEqual([s.name, s.kind, s.bucket, s.prefix, s.region, s.storageClass], ['s3://my-backups/freezer/laptop', 'bucket', 'my-backups', 'freezer/laptop/', 'us-east-1', 'DEEP_ARCHIVE']);
  const whole = await c.write((tx) => tx.upsertBucketStore({ bucket: 'my-backups', prefix: '', region: 'us-east-1' }));
  assert.equal(whole.name, 's3://my-backups');
  assert.notEqual(whole.id, s.id);
  const again = await c.write((tx) => tx.upsertBucketStore({ bucket: 'my-backups', prefix: 'freezer/laptop/', region: 'us-east-1', storageClass: 'GLACIER' }));
  assert.equal(again.id, s.id);
  assert.equal(again.storageClass, 'GLACIER');
  // Leaving the class out keeps the remembered one.
  const kept = await c.write((tx) => tx.upsertBucketStore({ bucket: 'my-backups', prefix: 'freezer/laptop/', region: 'us-east-1' }));
  assert.equal(kept.storageClass, 'GLACIER');
  await c.write((tx) => tx.upsertVault({ name: 'old-vault', region: 'us-east-1' }));
  const all = await c.read((r) => r.listVaults());
  assert.deepEqual(all.map((v) => [v.name, v.kind]), [['old-vault', 'vault'], ['s3://my-backups', 'bucket'], ['s3://my-backups/freezer/laptop', 'bucket']]);
  assert.equal((await c.read((r) => r.findVault('s3://my-backups/freezer/laptop', 'us-east-1')))?.id, s.id);
  assert.equal((await c.read((r) => r.findBucketStore('my-backups', 'nope/'))), undefined);
  c.close();
});

test('bucket archives keep their class and segments; bucket restores their ticket and the copy expiry', async () => {
  const c = await fresh();
  const segments = [{ key: 'p/a/seg-000000', offset: 0, size: 10, sha256: 'ab'.repeat(32), partSize: 10, partSha256: ['x'] }];
  const a = await c.write((tx) => {
    const s = tx.upsertBucketStore({ bucket: 'b1', prefix: 'p/', region: 'us-east-1' });
    return tx.addArchive({ vaultId: s.id, glacierId: 'arch-1', storageClass: 'DEEP_ARCHIVE', segments, size: 10 });
  });
  assert.equal(a.storageClass, 'DEEP_ARCHIVE');
  assert.equal(a.vaultName, 's3://b1/p');
  assert.deepEqual(await c.read((r) => r.getSegments(a.id)), segments);
  const ticket = { kind: 'restore', id: 's3-restore-1', store: 's3://b1/p', tier: 'Bulk', days: 3, requested: '2026-12-01T00:00:00Z' };
  const j = await c.write((tx) => tx.upsertJob({ jobId: 's3-restore-1', vaultId: a.vaultId, archiveId: a.id, action: 'ArchiveRetrieval', tier: 'Bulk', ticket }));
  assert.deepEqual(j.ticket, ticket);
  const done = await c.write((tx) => tx.updateJob('s3-restore-1', { status: 'Succeeded', completed: '2026-12-01T10:00:00Z', expires: '2026-12-04T00:00:00Z' }));
  assert.equal(done.expires, '2026-12-04T00:00:00Z');
  c.close();
});

test('a bucket archive is melted until its restored copy expires, then frozen again', () => {
  const a = { building: false, uploading: false, glacierId: 'arch-1', deletedRemote: false };
  const job = { status: 'Succeeded', completed: '2026-12-01T10:00:00Z', expires: '2026-12-04T00:00:00Z' };
  const at = (iso: string) => archiveState(archiveFacts(a, { localFileExists: false, latestRetrieval: job, now: new Date(iso) }));
  // Past the vault's 24 h but before the copy's expiry: still melted.
  assert.equal(at('2026-12-03T12:00:00Z'), 'melted');
  assert.equal(at('2026-12-04T00:00:01Z'), 'frozen');
  assert.equal(archiveState(archiveFacts(a, { localFileExists: false, latestRetrieval: { status: 'InProgress', completed: null }, now: new Date() })), 'melting');
});

test('store sessions survive a reopen and are removed on delete', async () => {
  const file = path.join(dir, 'sessions.db');
  const c = await Catalogue.open(file);
  const s = new CatalogueSessionStore(c);
  assert.equal(await s.get('7'), undefined);
  await s.save('7', { uploadId: 'U1', segmentsDone: [0, 1] });
  c.close();
  const c2 = await Catalogue.open(file);
  const s2 = new CatalogueSessionStore(c2);
  assert.deepEqual(await s2.get('7'), { uploadId: 'U1', segmentsDone: [0, 1] });
  await s2.save('7', { uploadId: 'U1', segmentsDone: [0, 1, 2] });
  assert.deepEqual(await c2.read((r) => r.listStoreSessionKeys()), ['7']);
  await s2.delete('7');
  assert.equal(await s2.get('7'), undefined);
  c2.close();
});
