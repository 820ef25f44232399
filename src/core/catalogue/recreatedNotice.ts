import fs from 'node:fs/promises';
import path from 'node:path';
import type { Database } from 'sql.js';

/** Catalogue setting present while a catalogue that replaced a damaged one has not been rebuilt or acknowledged. */
export const RECREATED_SETTING = 'catalogueRecreated';

/** What a recreated catalogue tells the user until they rebuild it or acknowledge it. */
export interface RecreatedNotice {
  /** The damaged file, kept aside. */
  damagedCopy: string;
  /** When this catalogue was started in its place. */
  recreated: string;
}

/** The newest `<file>.damaged-<time>` beside the catalogue, if any (their names sort by time). */
export async function newestDamagedCopy(file: string): Promise<string | undefined> {
  const prefix = `${path.basename(file)}.damaged-`;
  const names = await fs.readdir(path.dirname(file)).catch(() => [] as string[]);
  const copies = names.filter((n) => n.startsWith(prefix)).sort();
  return copies.length ? path.join(path.dirname(file), copies[copies.length - 1]) : undefined;
}

/** Marks a brand-new database as the replacement of a damaged catalogue (call after the schema exists). */
export function markRecreated(db: Database, damagedCopy: string): void {
  const notice: RecreatedNotice = { damagedCopy, recreated: new Date().toISOString() };
  db.run('INSERT OR REPLACE INTO settings (name, value) VALUES (?, ?)', [RECREATED_SETTING, JSON.stringify(notice)]);
}

export function parseRecreatedNotice(value: string | undefined): RecreatedNotice | undefined {
  if (!value) return undefined;
  try {
    const o = JSON.parse(value) as Partial<RecreatedNotice>;
    return typeof o.damagedCopy === 'string' ? { damagedCopy: o.damagedCopy, recreated: String(o.recreated ?? '') } : undefined;
  } catch {
    return undefined;
  }
}
