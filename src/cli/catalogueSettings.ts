import fs from 'node:fs/promises';
import { loadSqlJs } from '../core/catalogue/sqlJs';

/** Secrets never come from the catalogue (the original tool kept some there; they belong in a key file or the environment). */
const SECRET = /secret|password|passphrase|keystring|token|credential/i;

/**
 * The settings table of a catalogue (ours, or the original tool's freezer.db), read from a copy in
 * memory: no lock, no migration, the file is left as it is. An absent file has no settings.
 */
export async function readCatalogueSettings(database: string): Promise<Record<string, string>> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(database);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  if (bytes.length === 0) return {};
  const SQL = await loadSqlJs();
  const db = new SQL.Database(bytes);
  try {
    const hasTable = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'");
    if (!hasTable.length) return {};
    const out: Record<string, string> = {};
    for (const row of db.exec('SELECT name, value FROM settings')[0]?.values ?? []) {
      const [name, value] = row;
      if (typeof name === 'string' && value !== null && !SECRET.test(name)) out[name] = String(value);
    }
    return out;
  } catch {
    // A damaged catalogue is reported when the service opens it; settings just do not apply.
    return {};
  } finally {
    db.close();
  }
}
