import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { loadSqlJs } from '../../../src/core/catalogue';
import { createLegacyCbcEncryptStream } from '../../../src/core/crypto/legacyCbc';
import { makeKeyMaterial } from '../../../src/core/crypto/keys';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { createVault } from '../../../src/core/glacier/vaults';
import { legacyImportSummary } from '../../../src/core/service/legacyImportSummary';
import { random, startHarness, type Harness } from './harness';
import { emptyLegacyDatabase } from '../../support/legacySchema';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEGACYSECRET';
const KEY_HEX = '5e'.repeat(16) + '7a'.repeat(16);

/** An archive as the original tool wrote it: tar of absolute paths (no leading '/'), gzip, legacy AES-CBC. */
async function legacyArchive(files: Record<string, Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, size: content.length }, content);
  pack.finalize();
  const payload = gzipSync(await buffer(pack));
  const key = makeKeyMaterial({ algorithm: 'AES-256', key: Buffer.from(KEY_HEX, 'hex') });
  return buffer(Readable.from([payload]).pipe(createLegacyCbcEncryptStream(key, payload.length)));
}

/** freezer.db following the original schema (FORMATS.md). */
async function legacyDatabase(file: string, rows: { glacierId: string; size: number; photo: Buffer }): Promise<void> {
  const SQL = await loadSqlJs();
  const db = emptyLegacyDatabase(SQL);
  db.run('INSERT INTO vault VALUES (1, ?, ?, ?, ?, 1, NULL, ?, 1)', ['legacy-vault', 'arn:aws:glacier:us-east-1:123456789012:vaults/legacy-vault', '2017-03-01 10:00:00', rows.size, '2017-03-02 10:00:00']);
  db.run('INSERT INTO key VALUES (1, ?, 256, 16, ?)', ['AES', KEY_HEX]);
  db.run('INSERT INTO archive VALUES (1, ?, 1, ?, ?, ?, ?, ?, 1, 0)', [rows.glacierId, rows.size, '2017-03-02 10:00:00', 'photos1.tar.gz:AES-256-1', '2017-03-02 09:00:00', '/gone/upload/photos1.tar.gz']);
  db.run('INSERT INTO file VALUES (1, ?, ?, ?, ?, ?, 0, ?, NULL, 0)', ['a.jpg', '/home/ann/photos/a.jpg', sha(rows.photo), rows.photo.length, '2017-03-01 08:00:00', '1']);
  db.run('INSERT INTO archive_file VALUES (1, 1, ?)', ['/home/ann/photos/a.jpg']);
  for (const [n, v] of [['accountid', '-'], ['awsregion', 'us-east-1'], ['accesskey', 'AKIALEGACYEXAMPLE'], ['secretkey', SECRET], ['encryptionkey', '1']]) {
    db.run('INSERT INTO settings (name, value, mutated) VALUES (?, ?, 0)', [n, v]);
  }
  await fs.writeFile(file, db.export());
  db.close();
}

describe('service: import of an AWS Freezer database, end to end', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('imports vaults, archives, files and keys, never stores the secret, and restores a legacy file byte-identical', async () => {
    const photo = random(40_000);
    const archive = await legacyArchive({ 'home/ann/photos/a.jpg': photo, 'home/ann/photos/b.jpg': random(1000) });
    const clients = createClients(h.options.glacier);
    const archiveFile = path.join(h.dir, 'photos1.tar.gz');
    await fs.writeFile(archiveFile, archive);
    let glacierId: string;
    try {
      await createVault(clients, 'legacy-vault');
      glacierId = (await uploadArchiveFile({ clients, vault: 'legacy-vault', file: archiveFile, description: 'photos1.tar.gz:AES-256-1' })).archiveId;
    } finally {
      clients.destroy();
    }
    await fs.rm(archiveFile);
    const db = path.join(h.dir, 'old', 'freezer.db');
    await fs.mkdir(path.dirname(db), { recursive: true });
    await legacyDatabase(db, { glacierId, size: archive.length, photo });

    const r = await h.service.importLegacyDatabase(db);
    assert.equal(r.vaults, 1);
    assert.equal(r.archives, 1);
    assert.equal(r.files, 1);
    assert.equal(r.keys, 1);
    assert.equal(r.legacySecretKeyFound, true);
    assert.deepEqual(r.problems, []);

    const keys = await h.service.listKeys();
    assert.equal(keys.length, 1);
    assert.equal(keys[0].legacy, true);
    assert.equal(keys[0].isDefault, true, 'the old default key stays the default');
    assert.ok(await h.keyStore.get(keys[0].id), 'key bytes moved to the key store');
    const catalogueBytes = await fs.readFile(h.options.databasePath);
    assert.equal(catalogueBytes.includes(SECRET), false, 'the AWS secret is not in the catalogue');
    assert.equal(catalogueBytes.includes(Buffer.from(KEY_HEX, 'hex')) || catalogueBytes.includes(KEY_HEX), false, 'nor the key bytes');
    assert.equal(h.log.lines.some((l) => l.includes(SECRET) || l.includes(KEY_HEX)), false, 'secrets never logged');

    const [archiveInfo] = (await h.service.listArchives('legacy-vault')).items;
    assert.equal(archiveInfo.state, 'frozen');
    assert.equal(archiveInfo.name, 'photos1');
    assert.deepEqual(archiveInfo.encryption, { format: 'legacy-cbc', keyId: keys[0].id });

    const [version] = await h.service.listVersions('/home/ann/photos/a.jpg');
    assert.equal(version.memberPath, 'home/ann/photos/a.jpg');
    const to = path.join(h.dir, 'restored');
    const res = await h.service.restoreFileVersion(version, to, { tier: 'Expedited' });
    assert.equal(res.status, 'retrieving');
    await h.service.refreshJobs();
    assert.deepEqual(await fs.readdir(to), ['a.jpg']);
    assert.equal(sha(await fs.readFile(path.join(to, 'a.jpg'))), sha(photo), 'byte-identical');
    assert.equal((await h.service.getArchive(archiveInfo.id))?.state, 'liquid');

    const again = await h.service.importLegacyDatabase(db);
    assert.deepEqual([again.vaults, again.archives, again.files, again.jobs], [0, 0, 0, 0], 'a second import adds nothing');
  });
});

describe('service: import of an AWS Freezer database into a vault Freezer already lists', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('counts the vault as merged and says so in singular', async () => {
    const clients = createClients(h.options.glacier);
    try {
      await createVault(clients, 'legacy-vault');
    } finally {
      clients.destroy();
    }
    assert.deepEqual((await h.service.listVaults()).map((v) => v.name), ['legacy-vault'], 'listed from the endpoint before the import');
    const db = path.join(h.dir, 'old', 'freezer.db');
    await fs.mkdir(path.dirname(db), { recursive: true });
    await legacyDatabase(db, { glacierId: 'G'.repeat(138), size: 1000, photo: random(100) });

    const r = await h.service.importLegacyDatabase(db);
    assert.deepEqual([r.vaults, r.vaultsMerged, r.archives, r.files, r.keys], [0, 1, 1, 1, 1]);
    assert.equal(legacyImportSummary(r), 'Imported 1 archive, 1 file and 1 key into 1 existing vault.');

    const again = await h.service.importLegacyDatabase(db);
    assert.deepEqual([again.vaults, again.vaultsMerged, again.archives], [0, 0, 0], 'nothing added the second time');
  });

  it('summarises new vaults and counts in plural', () => {
    assert.equal(legacyImportSummary({ vaults: 2, vaultsMerged: 0, archives: 3, files: 10, keys: 0 }), 'Imported 3 archives, 10 files and 0 keys into 2 new vaults.');
    assert.equal(legacyImportSummary({ vaults: 1, vaultsMerged: 2, archives: 1, files: 1, keys: 2 }), 'Imported 1 archive, 1 file and 2 keys into 3 vaults (1 new, 2 existing).');
    assert.equal(legacyImportSummary({ vaults: 0, vaultsMerged: 0, archives: 0, files: 0, keys: 0 }), 'Nothing new to import: everything in this database is already in Freezer.');
  });
});
