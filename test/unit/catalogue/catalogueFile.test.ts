import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue/catalogue';
import { RECREATED_SETTING } from '../../../src/core/catalogue/recreatedNotice';
import { damageReason } from '../../../src/core/catalogue/catalogueFile';
import { SCHEMA_VERSION, migrate, schemaVersion } from '../../../src/core/catalogue/schema';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { FreezerError } from '../../../src/core/errors';
import { sha, tempDir } from './tempDir';

const dir = tempDir();

async function makeCatalogue(name: string): Promise<string> {
  const file = path.join(dir, name);
  const c = await Catalogue.open(file);
  await c.write((tx) => {
    const v = tx.upsertVault({ name: 'v' });
    const a = tx.addArchive({ vaultId: v.id, glacierId: 'G' });
    tx.addMembers(a.id, Array.from({ length: 300 }, (_, i) => ({ path: `/data/d${i % 7}/f${i}.bin`, size: i, sha256: sha(i % 256) })));
  });
  c.close();
  return file;
}

const asideOf = (file: string) => fs.readdirSync(path.dirname(file)).filter((f) => f.startsWith(`${path.basename(file)}.damaged-`));

test('a new catalogue is created at the current schema version, saved atomically', async () => {
  const file = path.join(dir, 'sub/folder/new.db');
  const c = await Catalogue.open(file);
  assert.ok(fs.existsSync(file));
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  assert.equal(schemaVersion(db), SCHEMA_VERSION);
  db.close();
  c.close();
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['new.db', 'new.db.sha256'], 'no temp file left, the hash of what was saved beside it');
});

test('a temp file left by a crash during a save is removed at the next write, the catalogue intact', async () => {
  const file = await makeCatalogue('crashed.db');
  const leftover = `${file}.tmp-99999-abcd1234`;
  fs.writeFileSync(leftover, 'half a save');
  const c = await Catalogue.open(file);
  assert.equal((await c.listArchives())[0].fileCount, 300);
  await c.write((tx) => tx.setSetting('after', 'crash'));
  assert.equal(fs.existsSync(leftover), false);
  c.close();
});

test('an empty file is damage, not a new catalogue: kept aside, and the new one says it replaced it', async () => {
  const file = await makeCatalogue('empty.db');
  fs.truncateSync(file, 0);
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueDamaged') && /0 bytes/.test(e.message) && e.message.includes(`${file}.previous`));
  assert.equal(asideOf(file).length, 1);
  const c = await Catalogue.open(file);
  assert.deepEqual(await c.listVaults(), []);
  const notice = await c.recreatedNotice();
  assert.equal(notice?.damagedCopy, path.join(dir, asideOf(file)[0]));
  await c.write((tx) => tx.deleteSetting(RECREATED_SETTING));
  c.close();
  const again = await Catalogue.open(file);
  assert.equal(await again.recreatedNotice(), undefined, 'acknowledged once, quiet after');
  again.close();
});

test('garbage in a middle page is found on open, and the previous generation is sound and usable', async () => {
  const file = await makeCatalogue('middle.db');
  const c = await Catalogue.open(file);
  await c.write((tx) => tx.setSetting('generation', 'two'));
  c.close();
  const previous = `${file}.previous`;
  assert.ok(fs.existsSync(previous), 'the file a save replaced is kept');
  const bytes = fs.readFileSync(file);
  const page = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const pages = bytes.length / page;
  assert.ok(pages >= 4, `${pages} pages`);
  const mid = Math.floor(pages / 2) * page;
  bytes.fill(0xee, mid, mid + page);
  fs.writeFileSync(file, bytes); // header, size and schema page are intact
  assert.equal(damageReason(bytes), undefined, 'the cheap header checks cannot see it');
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueDamaged') && /integrity|malformed/.test(e.message) && e.message.includes(previous));
  assert.equal(asideOf(file).length, 1);
  // Recovery as docs/RECOVERY.md says: copy the previous generation back.
  fs.copyFileSync(previous, file);
  const back = await Catalogue.open(file);
  assert.equal((await back.listArchives())[0].fileCount, 300);
  assert.equal(await back.getSetting('generation'), undefined, 'one save back');
  assert.equal(await back.recreatedNotice(), undefined);
  back.close();
});

test('a file changed behind Freezer\'s back but sound is accepted after SQLite\'s full check', async () => {
  const file = await makeCatalogue('foreign-writer.db');
  const SQL = await loadSqlJs();
  const db = new SQL.Database(fs.readFileSync(file));
  db.run("INSERT INTO settings (name, value) VALUES ('edited', 'by hand')");
  fs.writeFileSync(file, db.export());
  db.close();
  const c = await Catalogue.open(file);
  assert.equal(await c.getSetting('edited'), 'by hand');
  c.close();
});

test('a truncated catalogue is refused with CatalogueDamaged and kept aside, never overwritten', async () => {
  const file = await makeCatalogue('truncated.db');
  const whole = fs.readFileSync(file);
  const half = whole.subarray(0, Math.floor(whole.length / 2) + 100);
  fs.writeFileSync(file, half);
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueDamaged') && /truncated/.test(e.message) && e.message.includes('.damaged-'));
  const aside = asideOf(file);
  assert.equal(aside.length, 1);
  assert.ok(fs.readFileSync(path.join(dir, aside[0])).equals(half), 'the damaged bytes are kept as they were');
  assert.equal(fs.existsSync(file), false);
  const again = await Catalogue.open(file); // the next start begins a new catalogue
  assert.deepEqual(await again.listVaults(), []);
  again.close();
});

test('garbage and a broken schema page are damage too', async () => {
  const junk = path.join(dir, 'junk.db');
  fs.writeFileSync(junk, Buffer.alloc(8192, 0x41));
  await assert.rejects(Catalogue.open(junk), (e) => FreezerError.is(e, 'CatalogueDamaged') && /bad header/.test(e.message));
  assert.equal(asideOf(junk).length, 1);

  const file = await makeCatalogue('schema.db');
  const bytes = fs.readFileSync(file);
  bytes.fill(0xee, 100, 4096); // page 1 past the header holds the schema
  fs.writeFileSync(file, bytes);
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueDamaged'));
  assert.equal(asideOf(file).length, 1);
});

test('damage found while reading a changed file is reported the same way', async () => {
  const file = await makeCatalogue('later.db');
  const c = await Catalogue.open(file);
  const bytes = fs.readFileSync(file);
  fs.writeFileSync(`${file}.x`, bytes.subarray(0, 5000));
  fs.renameSync(`${file}.x`, file); // another writer went wrong
  await assert.rejects(c.listVaults(), (e) => FreezerError.is(e, 'CatalogueDamaged'));
  assert.equal(asideOf(file).length, 1);
  c.close();
});

test('damageReason accepts whole databases and names what is wrong', async () => {
  const file = await makeCatalogue('ok.db');
  const bytes = fs.readFileSync(file);
  assert.equal(damageReason(bytes), undefined);
  assert.match(damageReason(bytes.subarray(0, 50)) ?? '', /50 bytes/);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const extra = Buffer.concat([bytes, Buffer.alloc(pageSize)]);
  assert.match(damageReason(extra) ?? '', /header says/);
});

test('a catalogue from a newer Freezer is refused and left byte for byte', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db);
  db.run(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
  const file = path.join(dir, 'newer.db');
  fs.writeFileSync(file, db.export());
  db.close();
  const before = fs.readFileSync(file);
  const mtime = fs.statSync(file).mtimeMs;
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueTooNew') && e.message.includes(`schema ${SCHEMA_VERSION + 1}`));
  assert.ok(fs.readFileSync(file).equals(before));
  assert.equal(fs.statSync(file).mtimeMs, mtime);
  assert.equal(asideOf(file).length, 0);
  assert.equal(fs.existsSync(`${file}.lock`), false);
});

test('an AWS Freezer database opened as the catalogue is refused, pointing to the import', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run('CREATE TABLE archive_file (archive_id, file_id, path)');
  const file = path.join(dir, 'legacy-freezer.db');
  fs.writeFileSync(file, db.export());
  db.close();
  await assert.rejects(Catalogue.open(file), (e) => FreezerError.is(e, 'CatalogueForeign') && /import/i.test(e.message));
  assert.ok(fs.existsSync(file));
});

test('a version 1 catalogue is migrated forward with its data, and saved', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, 1);
  assert.equal(schemaVersion(db), 1);
  assert.equal(db.exec("SELECT 1 FROM sqlite_schema WHERE name = 'upload_sessions'").length, 0);
  db.run("INSERT INTO vaults (name, region) VALUES ('old', 'eu-west-1')");
  db.run("INSERT INTO archives (vault_id, glacier_id, created, member_count) VALUES (1, 'G-old', '2023-01-01T00:00:00Z', 1)");
  db.run("INSERT INTO dirs (id, parent_id, name, file_count) VALUES (2, 1, 'srv', 1)");
  db.run('INSERT INTO files (name, size, sha256) VALUES (?, 3, ?)', ['x.txt', Buffer.from(sha(7), 'hex')]);
  db.run("INSERT INTO members (archive_id, file_id, dir_id, name) VALUES (1, 1, 2, 'x.txt')");
  const file = path.join(dir, 'v1.db');
  fs.writeFileSync(file, db.export());
  db.close();

  const c = await Catalogue.open(file);
  assert.deepEqual((await c.versionsOf('/srv/x.txt')).map((v) => [v.glacierId, v.vaultName, v.sha256]), [['G-old', 'old', sha(7)]]);
  await c.saveUploadSession({ archiveId: 1, vaultName: 'old', uploadId: 'U', partSize: 1048576, totalSize: 5 });
  c.close();
  const onDisk = new SQL.Database(fs.readFileSync(file));
  assert.equal(schemaVersion(onDisk), SCHEMA_VERSION);
  onDisk.close();
});

test('migration is all or nothing', async () => {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  migrate(db, 1);
  db.run('CREATE TABLE hash_cache (x)'); // makes step 2 fail
  assert.throws(() => migrate(db), /already exists/);
  assert.equal(schemaVersion(db), 1);
  assert.equal(db.exec("SELECT 1 FROM sqlite_schema WHERE name = 'upload_sessions'").length, 0);
  db.close();
});
