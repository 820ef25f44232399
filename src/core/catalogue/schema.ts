import type { Database } from 'sql.js';

/**
 * The catalogue schema, versioned with `PRAGMA user_version`. Each entry migrates from the version
 * before it; never edit a released step, add a new one. docs/CATALOGUE.md describes the tables.
 */
const MIGRATIONS: readonly string[] = [
  // v1: vaults, archives, the folder tree, files and their archive memberships, jobs, keys, settings.
  `
  CREATE TABLE vaults (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, region TEXT NOT NULL DEFAULT '', arn TEXT, created TEXT,
    size_bytes INTEGER, archive_count INTEGER, last_inventory TEXT, last_upload TEXT,
    UNIQUE (name, region));
  CREATE TABLE keys (
    id TEXT PRIMARY KEY, algorithm TEXT NOT NULL, fingerprint TEXT NOT NULL, label TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL);
  CREATE INDEX keys_fingerprint ON keys (fingerprint);
  CREATE TABLE archives (
    id INTEGER PRIMARY KEY, vault_id INTEGER NOT NULL, glacier_id TEXT, size INTEGER NOT NULL DEFAULT 0,
    encrypted_size INTEGER, tree_hash TEXT, description TEXT NOT NULL DEFAULT '', created TEXT NOT NULL,
    uploaded TEXT, local_path TEXT, key_id TEXT, compression TEXT NOT NULL DEFAULT 'none',
    format TEXT NOT NULL DEFAULT '', frame_index TEXT, building INTEGER NOT NULL DEFAULT 0,
    uploading INTEGER NOT NULL DEFAULT 0, deleted_remote INTEGER NOT NULL DEFAULT 0, last_inventory TEXT,
    member_count INTEGER NOT NULL DEFAULT 0);
  CREATE UNIQUE INDEX archives_glacier_id ON archives (glacier_id) WHERE glacier_id IS NOT NULL;
  CREATE INDEX archives_vault ON archives (vault_id);
  CREATE TABLE dirs (
    id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL, name TEXT NOT NULL,
    file_count INTEGER NOT NULL DEFAULT 0, UNIQUE (parent_id, name));
  INSERT INTO dirs (id, parent_id, name) VALUES (1, 0, '');
  CREATE TABLE files (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, size INTEGER NOT NULL, sha256 BLOB NOT NULL, mtime INTEGER,
    UNIQUE (sha256, size, name));
  CREATE TABLE members (
    id INTEGER PRIMARY KEY, archive_id INTEGER NOT NULL, file_id INTEGER NOT NULL, dir_id INTEGER NOT NULL,
    name TEXT NOT NULL, tar_offset INTEGER);
  CREATE INDEX members_path ON members (dir_id, name);
  CREATE INDEX members_file ON members (file_id, archive_id);
  CREATE INDEX members_archive ON members (archive_id);
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY, glacier_job_id TEXT NOT NULL UNIQUE, vault_id INTEGER NOT NULL, archive_id INTEGER,
    action TEXT NOT NULL, tier TEXT, byte_range TEXT, status TEXT NOT NULL DEFAULT 'InProgress',
    status_message TEXT, created TEXT NOT NULL, completed TEXT, executed TEXT, output_path TEXT,
    restore_target TEXT, sns_topic TEXT, description TEXT);
  CREATE INDEX jobs_vault_status ON jobs (vault_id, status);
  CREATE INDEX jobs_archive ON jobs (archive_id);
  CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE exclusion_paths (pattern TEXT PRIMARY KEY, created TEXT NOT NULL);
  CREATE TABLE manual_exclusions (path TEXT PRIMARY KEY, created TEXT NOT NULL);
  `,
  // v2: resumable multipart uploads, and the SHA-256 cache that spares re-hashing unchanged files.
  `
  CREATE TABLE upload_sessions (
    archive_id INTEGER PRIMARY KEY, vault_name TEXT NOT NULL, upload_id TEXT NOT NULL,
    part_size INTEGER NOT NULL, total_size INTEGER NOT NULL, created TEXT NOT NULL);
  CREATE TABLE upload_parts (
    archive_id INTEGER NOT NULL, part_index INTEGER NOT NULL, tree_hash TEXT NOT NULL,
    PRIMARY KEY (archive_id, part_index)) WITHOUT ROWID;
  CREATE TABLE hash_cache (
    path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime INTEGER NOT NULL, sha256 BLOB NOT NULL) WITHOUT ROWID;
  `,
  // v3: stores. A row of `vaults` is a Glacier vault or an S3 bucket with a key prefix (its name is then
  // s3://bucket/prefix); bucket archives keep their storage class and segment objects; restores of
  // bucket archives keep the store's ticket and the restored copy's expiry; stores keep resumable state.
  `
  ALTER TABLE vaults ADD COLUMN kind TEXT NOT NULL DEFAULT 'vault';
  ALTER TABLE vaults ADD COLUMN bucket TEXT;
  ALTER TABLE vaults ADD COLUMN prefix TEXT NOT NULL DEFAULT '';
  ALTER TABLE vaults ADD COLUMN storage_class TEXT;
  ALTER TABLE archives ADD COLUMN storage_class TEXT;
  ALTER TABLE archives ADD COLUMN segments TEXT;
  ALTER TABLE jobs ADD COLUMN ticket TEXT;
  ALTER TABLE jobs ADD COLUMN expires TEXT;
  CREATE TABLE store_sessions (key TEXT PRIMARY KEY, state TEXT NOT NULL, updated TEXT NOT NULL) WITHOUT ROWID;
  `,
  // v4: members whose file changed while it was frozen (stored as read, not a clean copy).
  `
  ALTER TABLE members ADD COLUMN changed INTEGER NOT NULL DEFAULT 0;
  `,
  // v5: when CompleteMultipartUpload was first sent; its answer may be lost, so the upload is settled, never redone.
  `
  ALTER TABLE upload_sessions ADD COLUMN completing TEXT;
  `,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/**
 * Migrates forward to `target` (default: the latest) in one transaction: a failure leaves the
 * database as it was. Returns true when something was migrated.
 */
export function migrate(db: Database, target = SCHEMA_VERSION): boolean {
  const from = schemaVersion(db);
  if (from >= target) return false;
  db.run('BEGIN');
  try {
    for (let v = from; v < target; v++) db.exec(MIGRATIONS[v]);
    db.run(`PRAGMA user_version = ${target}`);
    db.run('COMMIT');
  } catch (e) {
    db.run('ROLLBACK');
    throw e;
  }
  return true;
}
