import assert from 'node:assert/strict';
import fs from 'node:fs';
import { inspect } from 'node:util';
import path from 'node:path';
import { test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue/catalogue';
import { importLegacyDatabase } from '../../../src/core/catalogue/legacyImport';
import { importLegacyKeyExports } from '../../../src/core/catalogue/legacyKeyExports';
import { legacyTime } from '../../../src/core/catalogue/legacyTime';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { exportKeyJson, generateKey, keyFingerprint } from '../../../src/core/crypto/keys';
import { FreezerError } from '../../../src/core/errors';
import { sha, tempDir } from './tempDir';
import { emptyLegacyDatabase } from '../../support/legacySchema';

const dir = tempDir();
const AES_KEY = 'a1'.repeat(32);
const CAST_KEY = 'c5'.repeat(5);
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** An AWS Freezer database built from the schema in FORMATS.md, with good and broken rows. */
async function legacyDb(): Promise<string> {
  const SQL = await loadSqlJs();
  const db = emptyLegacyDatabase(SQL);
  const ins = (sql: string, rows: unknown[][]) => { for (const r of rows) db.run(sql, r as never); };
  ins('INSERT INTO vault VALUES (?,?,?,?,?,?,?,?,?)', [
    [1, 'photos', 'arn:aws:glacier:eu-west-1:123456789012:vaults/photos', '2017-03-01 10:00:00', 5000, 3, '2018-01-02 03:04:05', '2018-01-01 00:00:00', 3],
    [2, 'docs', null, '2017-04-01 10:00:00', null, null, null, null, 0],
    [3, '', null, null, null, null, null, null, 0],
  ]);
  ins('INSERT INTO key VALUES (?,?,?,?,?)', [
    [3, 'AES', 256, 16, AES_KEY], [4, 'AES', 256, 16, AES_KEY], [5, 'CAST', 40, 8, CAST_KEY],
    [6, 'AES', 128, 16, 'not-hex'], [7, 'AES', 196, 16, 'b2'.repeat(24)], [8, 'Twofish', 128, 16, 'aa'.repeat(16)],
  ]);
  ins('INSERT INTO archive VALUES (?,?,?,?,?,?,?,?,?,?)', [
    [1, 'GLACIER-ID-1', 1, 1000, '2018-01-01T00:00:00.000Z', 'photos1.tar.bz2:AES-256-3', '2017-12-31 23:00:00', '/tmp/freezer/photos1.tar.bz2', 3, 0],
    [2, '', 2, 200, '', 'docs.tar.gz', '2018-02-01 12:00:00', '/tmp/freezer/docs.tar.gz', -1, 0],
    [3, 'GLACIER-ID-3', 1, 300, 'missing', 'old.tar', '2016-01-01 00:00:00', '/tmp/freezer/old.tar', -1, 0],
    [4, 'GLACIER-ID-4', 99, 1, '', 'x.tar', '2016-01-01 00:00:00', null, -1, 0],
    [5, 'GLACIER-ID-5', 1, 1, '', 'y.tar.gz:CAST-40-42', '2016-01-01 00:00:00', null, 42, 0],
    [6, 'GLACIER-ID-1', 1, 1, '', 'dup.tar', '2016-01-01 00:00:00', null, -1, 0],
  ]);
  ins('INSERT INTO file VALUES (?,?,?,?,?,?,?,?,?,?)', [
    [1, 'a.jpg', '/home/ann/photos/a.jpg', sha(1), 10, '2017-06-01 08:00:00', 0, '1,3', null, null],
    [2, 'bad.jpg', '/home/ann/photos/bad.jpg', 'xyz', 10, '2017-06-01 08:00:00', 0, '1', null, 0],
    [3, 'skip.tmp', '/home/ann/skip.tmp', sha(3), 5, '2017-06-01 08:00:00', 1, '', null, 1],
    [4, 'b.txt', '/home/ann/docs/b.txt', sha(4), 7, '2017-06-02 08:00:00', 0, '2,1', null, 0],
  ]);
  ins('INSERT INTO archive_file VALUES (?,?,?)', [
    [1, 1, 'home/ann/photos/a.jpg'], [3, 1, '/home/ann/photos/old/a.jpg'], [1, 2, 'home/ann/photos/bad.jpg'],
    [1, 99, 'home/ann/ghost'], [4, 1, 'home/ann/x'], [2, 4, 'home/ann/docs/b.txt'],
  ]);
  ins('INSERT INTO job VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)', [
    [1, 1, 'JOB-1', 'restore a', 'ArchiveRetrieval', 'GLACIER-ID-1', null, '2018-03-01 10:00:00', '1', 'Succeeded', 'Succeeded', 1000, null, 'arn:sns', '2018-03-01 14:00:00', null, null, '0-1048575', null],
    [2, 2, 'JOB-2', null, 'InventoryRetrieval', null, null, '2018-03-02 10:00:00', '0', '', null, null, null, null, null, null, null, null, null],
    [3, 1, 'JOB-3', null, 'Teleport', null, null, '2018-03-02 10:00:00', '0', '', null, null, null, null, null, null, null, null, null],
    [4, 99, 'JOB-4', null, 'InventoryRetrieval', null, 'arn:none', '2018-03-02 10:00:00', '0', '', null, null, null, null, null, null, null, null, null],
  ]);
  ins('INSERT INTO settings VALUES (?,?,?,?)', [
    [1, 'accountid', '123456789012', 0], [2, 'accesskey', 'AKIAEXAMPLE', 0], [3, 'secretkey', SECRET, 0],
    [4, 'awsregion', 'eu-west-1', 0], [5, 'snstopic', 'arn:aws:sns:eu-west-1:1:t', 0], [6, 'sqsqueue', 'https://sqs/q', 0],
    [7, 'encryptionkey', '3', 0], [8, 'uploadfolder', '/tmp/freezer', 0], [9, 'exclude_paths', '["~$", "\\\\.o$", "("]', 0],
    [10, 'colour', 'blue', 0],
  ]);
  const file = path.join(dir, 'freezer.db');
  fs.writeFileSync(file, db.export());
  db.close();
  return file;
}

test('an AWS Freezer database is imported: vaults, archives, keys, files, members, jobs, exclusions, settings', async () => {
  const legacy = await legacyDb();
  const legacyBytes = fs.readFileSync(legacy);
  const cfile = path.join(dir, 'catalogue.db');
  const c = await Catalogue.open(cfile);
  const r = await importLegacyDatabase(c, legacy);
  assert.ok(fs.readFileSync(legacy).equals(legacyBytes), 'the old database is not modified');

  assert.deepEqual(r.counts, { vaults: 2, archives: 4, files: 2, members: 4, jobs: 2, keys: 3, exclusionPaths: 2, manualExclusions: 1, hashes: 3, settings: 6, skippedExisting: 0 });
  // vaults with their region from the ARN (or the old region setting)
  const vaults = await c.listVaults();
  assert.deepEqual(vaults.map((v) => [v.name, v.region, v.archiveCount, v.sizeBytes]), [['docs', 'eu-west-1', null, null], ['photos', 'eu-west-1', 3, 5000]]);
  assert.equal(vaults[1].created, legacyTime('2017-03-01 10:00:00'));

  // keys: the bytes come back to the caller, the catalogue keeps facts only
  const fp = keyFingerprint(Buffer.from(AES_KEY, 'hex'));
  assert.deepEqual(r.keys.map((k) => [k.algorithm, k.legacyId, k.id]), [['AES-256', 3, fp], ['CAST-40', 5, keyFingerprint(Buffer.from(CAST_KEY, 'hex'))], ['AES-192', 7, r.keys[2].id]]);
  assert.ok(r.keys[0].key.equals(Buffer.from(AES_KEY, 'hex')));
  assert.deepEqual((await c.listKeys()).map((k) => [k.id, k.algorithm, k.fingerprint]).sort(), r.keys.map((k) => [k.id, k.algorithm, k.id]).sort());
  const dbText = fs.readFileSync(cfile).toString('latin1');
  assert.ok(!dbText.includes(AES_KEY) && !dbText.includes(Buffer.from(AES_KEY, 'hex').toString('latin1')), 'no key bytes in the catalogue');
  assert.ok(!dbText.includes(SECRET), 'the AWS secret key is not copied');

  // archives
  const a1 = await c.findArchiveByGlacierId('GLACIER-ID-1');
  assert.deepEqual([a1?.description, a1?.compression, a1?.format, a1?.keyId, a1?.size, a1?.localPath, a1?.deletedRemote, a1?.uploaded, a1?.fileCount],
    ['photos1.tar.bz2:AES-256-3', 'bzip2', 'legacy-cbc', fp, 1000, '/tmp/freezer/photos1.tar.bz2', false, '2018-01-01T00:00:00.000Z', 2]);
  assert.equal(a1?.created, legacyTime('2017-12-31 23:00:00'));
  const a3 = await c.findArchiveByGlacierId('GLACIER-ID-3');
  assert.deepEqual([a3?.deletedRemote, a3?.uploaded, a3?.format, a3?.compression], [true, null, 'none', 'none']);
  const local = (await c.listArchives()).find((a) => a.glacierId === null);
  assert.deepEqual([local?.vaultName, local?.compression, local?.localPath], ['docs', 'gzip', '/tmp/freezer/docs.tar.gz']);
  const a5 = await c.findArchiveByGlacierId('GLACIER-ID-5');
  assert.deepEqual([a5?.keyId, a5?.format], [null, 'legacy-cbc']);

  // files and members: absolute paths, versions, hash cache, manual exclusions
  assert.deepEqual((await c.versionsOf('/home/ann/photos/a.jpg')).map((v) => [v.glacierId, v.size, v.sha256]), [['GLACIER-ID-1', 10, sha(1)]]);
  assert.deepEqual((await c.versionsOf('/home/ann/photos/old/a.jpg')).map((v) => v.glacierId), ['GLACIER-ID-3']);
  assert.deepEqual((await c.versionsOf('/home/ann/docs/b.txt')).map((v) => v.glacierId).sort(), ['GLACIER-ID-1', null]);
  assert.deepEqual((await c.listFolder('/home/ann')).folders.map((f) => [f.name, f.fileCount]), [['docs', 1], ['photos', 2]]);
  assert.equal(await c.read((x) => x.cachedHash('/home/ann/photos/a.jpg', 10, Date.parse(legacyTime('2017-06-01 08:00:00') as string))), sha(1));
  assert.deepEqual(await c.listManualExclusions(), ['/home/ann/skip.tmp']);
  assert.deepEqual(await c.alreadyFrozen([{ name: 'a.jpg', size: 10, sha256: sha(1) }, { name: 'skip.tmp', size: 5, sha256: sha(3) }]), [true, false]);

  // jobs
  const j1 = await c.getJob('JOB-1');
  assert.deepEqual([j1?.archiveId, j1?.status, j1?.byteRange, j1?.snsTopic, j1?.completed], [a1?.id, 'Succeeded', '0-1048575', 'arn:sns', legacyTime('2018-03-01 14:00:00')]);
  assert.deepEqual([(await c.getJob('JOB-2'))?.status, (await c.getJob('JOB-2'))?.vaultName], ['InProgress', 'docs']);

  // settings and exclusions; the secret is only handed back, hidden from JSON and inspect
  assert.deepEqual(await c.listSettings(), {
    'aws.accountId': '123456789012', 'aws.region': 'eu-west-1', 'aws.snsTopic': 'arn:aws:sns:eu-west-1:1:t',
    'aws.sqsQueue': 'https://sqs/q', defaultKeyId: fp, uploadFolder: '/tmp/freezer',
  });
  assert.deepEqual((await c.listExclusionPaths()).sort(), ['\\.o$', '~$']);
  assert.equal(r.legacySecretKeyFound, true);
  assert.equal(r.awsCredentials?.accessKeyId, 'AKIAEXAMPLE');
  assert.ok(r.awsCredentials?.secretAccessKey === SECRET);
  assert.ok(!JSON.stringify(r).includes(SECRET) && !inspect(r, { depth: 9 }).includes(SECRET));
  assert.ok(!JSON.stringify(r).includes(AES_KEY) && !inspect(r, { depth: 9 }).includes(AES_KEY));

  // every broken row is reported
  const problems = r.problems.map((p) => `${p.table} ${p.row}`);
  for (const expected of ['vault 3', 'key 6', 'key 8', 'archive 4', 'archive 5', 'archive 6', 'file 2', 'file 4', 'archive_file 1/99', 'archive_file 4/1', 'job 3', 'job 4', 'settings colour', 'settings exclude_paths']) {
    assert.ok(problems.includes(expected), `${expected} reported in ${problems.join('; ')}`);
  }
  assert.ok(r.problems.every((p) => !p.message.includes('not-hex') && p.message.startsWith(`${p.table} ${p.row}: `)));
  assert.equal(r.problems.length, 14);

  // importing again adds nothing
  const again = await importLegacyDatabase(c, legacy);
  assert.deepEqual({ ...again.counts, skippedExisting: 0 }, { vaults: 0, archives: 0, files: 0, members: 0, jobs: 0, keys: 0, exclusionPaths: 0, manualExclusions: 0, hashes: 3, settings: 0, skippedExisting: 0 });
  assert.ok(again.counts.skippedExisting >= 6);
  assert.equal((await c.stats()).members, 4);
  c.close();
});

test('a file that is not an AWS Freezer database is refused', async () => {
  const c = await Catalogue.open(path.join(dir, 'other.db'));
  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, 'hello');
  await assert.rejects(importLegacyDatabase(c, junk), (e) => FreezerError.is(e, 'LegacyImportFailed'));
  await assert.rejects(importLegacyDatabase(c, path.join(dir, 'missing.db')), (e) => FreezerError.is(e, 'LegacyImportFailed'));
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE t (x)');
  await assert.rejects(importLegacyDatabase(c, db.export()), (e) => FreezerError.is(e, 'LegacyImportFailed') && /vault and archive/.test(e.message));
  db.close();
  c.close();
});

test('legacy key exports are de-duplicated on all four fields, bad ones reported without their content', () => {
  const legacy = (alg: string, size: number, block: number, hex: string) => JSON.stringify({ algorithm: alg, keysize: size, blocksize: block, keystring: hex });
  const ours = generateKey('AES-128', 'mine');
  const r = importLegacyKeyExports([
    legacy('AES', 256, 16, AES_KEY),
    legacy('AES', 256, 16, AES_KEY), // duplicate
    legacy('AES', 256, 16, AES_KEY.toUpperCase()), // same bytes
    legacy('AES', 196, 16, 'b2'.repeat(24)),
    legacy('AES', 192, 16, 'b2'.repeat(24)), // 196 was the old typo of 192: the same key
    legacy('Blowfish', 256, 8, AES_KEY), // same bytes, other cipher
    legacy('AES', 256, 8, 'cd'.repeat(32)), // wrong block size
    '{"algorithm": "AES", "keysize": 256, "blocksize": 16, "keystring": "zz-secret-zz"}',
    'not json',
    exportKeyJson(ours),
  ]);
  assert.deepEqual(r.keys.map((k) => k.algorithm), ['AES-256', 'AES-192', 'AES-128']);
  assert.ok(r.keys[0].key.equals(Buffer.from(AES_KEY, 'hex')));
  assert.equal(r.keys[2].id, ours.id);
  assert.equal(r.duplicates, 3);
  assert.deepEqual(r.problems.map((p) => p.index), [5, 6, 7, 8]);
  assert.ok(r.problems.every((p) => !p.reason.includes('zz-secret-zz') && !p.reason.includes(AES_KEY)));
});

test('legacy times: local without zone, ISO with zone, unreadable', () => {
  assert.equal(legacyTime('2018-01-02 03:04:05'), new Date(2018, 0, 2, 3, 4, 5).toISOString());
  assert.equal(legacyTime('2018-01-02T03:04:05.123Z'), '2018-01-02T03:04:05.123Z');
  assert.equal(legacyTime('2018-01-02'), new Date(2018, 0, 2).toISOString());
  assert.equal(legacyTime('missing'), undefined);
  assert.equal(legacyTime(''), undefined);
  assert.equal(legacyTime(null), undefined);
});
