import type { Database, SqlJsStatic } from 'sql.js';

/** The original AWS Freezer's freezer.db schema (docs: shared FORMATS.md), as its tests and fixtures build it. */
export const LEGACY_SCHEMA_SQL = `
  CREATE TABLE vault(id INTEGER PRIMARY KEY, name, arn, created, size, objects, lastinventory, lastupload, my_objects);
  CREATE TABLE archive(id INTEGER PRIMARY KEY, name, vault_id, size, lastupload, description, created, local_file, key_id, validate);
  CREATE TABLE file(id INTEGER PRIMARY KEY, name, path, sha256, size, date, is_dirty, in_archives, lastupload, is_excluded);
  CREATE TABLE archive_file(archive_id, file_id, path);
  CREATE TABLE job(id INTEGER PRIMARY KEY, vault_id, jobid, description, action, archiveid, vault_arn, creation_date, completed,
    status_code, status_message, archive_size, inventory_size, snstopic, completion_date, sha256, archive_hash, range, executed);
  CREATE TABLE settings(id INTEGER PRIMARY KEY, name, value, mutated);
  CREATE TABLE key(id INTEGER PRIMARY KEY, algorithm, keysize, blocksize, keystring);
  CREATE INDEX file_hash ON file(sha256, size, name);
  CREATE INDEX ix_archive_file ON archive_file(archive_id, file_id);
  CREATE INDEX ix_archive_file2 ON archive_file(file_id);
`;

/** An empty database with the legacy schema, for a test to fill with rows. */
export function emptyLegacyDatabase(SQL: SqlJsStatic): Database {
  const db = new SQL.Database();
  db.exec(LEGACY_SCHEMA_SQL);
  return db;
}
