import fs from 'node:fs/promises';
import type { Database, SqlJsStatic } from 'sql.js';
import { FreezerError } from '../errors';
import { previousOf } from './catalogueGenerations';
import { SCHEMA_VERSION, schemaVersion } from './schema';

const MAGIC = 'SQLite format 3\0';

/** Why the bytes are not a whole SQLite database, or undefined when the header and size agree. */
export function damageReason(bytes: Uint8Array): string | undefined {
  if (bytes.length < 100) return `only ${bytes.length} bytes long`;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1') !== MAGIC) return 'not an SQLite database (bad header)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const rawPage = view.getUint16(16);
  const pageSize = rawPage === 1 ? 65536 : rawPage;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `bad page size ${rawPage}`;
  if (bytes.length % pageSize !== 0) return `size ${bytes.length} is not a whole number of ${pageSize}-byte pages (truncated?)`;
  // The in-header page count is valid when the change counter matches "version-valid-for".
  if (view.getUint32(24) === view.getUint32(92)) {
    const pages = view.getUint32(28);
    if (pages * pageSize !== bytes.length) return `holds ${bytes.length / pageSize} pages but its header says ${pages} (truncated?)`;
  }
  return undefined;
}

/** SQLite's own full check: the problems it finds (none for a sound database). */
export function integrityProblems(db: Database): string[] {
  const rows = db.exec('PRAGMA integrity_check(10)')[0]?.values ?? [];
  const msgs = rows.map((r) => String(r[0]));
  return msgs.length === 1 && msgs[0] === 'ok' ? [] : msgs;
}

/**
 * Opens catalogue bytes read from `file`. `verified`: the bytes are exactly what a save recorded
 * (their hash matched); otherwise SQLite checks every page first, so damage inside the file (garbage
 * in a middle page) is found before anything reads or writes it. A damaged file is renamed aside
 * (`.damaged-<time>`) and reported; a file from a newer Freezer or an AWS Freezer database is refused
 * and left untouched.
 */
export async function openCatalogueBytes(SQL: SqlJsStatic, file: string, bytes: Uint8Array, opts: { verified?: boolean } = {}): Promise<Database> {
  let reason = damageReason(bytes);
  let db: Database | undefined;
  if (!reason) {
    try {
      db = new SQL.Database(bytes);
      db.exec('SELECT count(*) FROM sqlite_schema');
      const problems = opts.verified ? [] : integrityProblems(db);
      if (problems.length) throw new Error(`integrity check: ${problems.slice(0, 3).join('; ')}`);
    } catch (e) {
      db?.close();
      db = undefined;
      reason = (e as Error).message;
    }
  }
  if (!db) {
    const aside = `${file}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await fs.rename(file, aside).catch(() => undefined);
    const previous = previousOf(file);
    const prevAt = await fs.stat(previous).then((st) => st.mtime.toISOString().slice(0, 19).replace('T', ' '), () => undefined);
    throw new FreezerError('CatalogueDamaged', `The catalogue ${file} is damaged (${reason}). It was kept aside as ${aside}; Freezer will start a new catalogue at the next start. ` +
      (prevAt
        ? `Its previous generation ${previous} (saved ${prevAt}) is likely sound: to go back to it, stop Freezer and copy it to ${file} before the next start (see docs/RECOVERY.md).`
        : 'An inventory of your vaults can rebuild the archive list (see docs/RECOVERY.md).'));
  }
  const version = schemaVersion(db);
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new FreezerError('CatalogueTooNew', `The catalogue ${file} was written by a newer Freezer (schema ${version}, this one knows up to ${SCHEMA_VERSION}). Update Freezer; the file was not changed.`);
  }
  if (version === 0 && db.exec("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").length) {
    const legacy = db.exec("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'archive_file'").length > 0;
    db.close();
    throw new FreezerError('CatalogueForeign', legacy
      ? `${file} is an AWS Freezer database: import it (Freezer: Import AWS Freezer Database) instead of opening it as the catalogue.`
      : `${file} is an SQLite database that is not a Freezer catalogue; choose another file. It was not changed.`);
  }
  return db;
}
