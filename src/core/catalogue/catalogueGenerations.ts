import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { writeFileAtomic } from './atomicFile';

/**
 * The catalogue's cheap integrity check and its previous generation. Every save records the SHA-256
 * of the file it writes (and of the one it replaces, for a crash between the two renames) in
 * `<file>.sha256`; an open that finds the file's hash there knows it is exactly what Freezer wrote,
 * without reading every page through SQLite. Before a save replaces the file, the file (checked when
 * it was loaded) is kept as `<file>.previous`.
 */
export const sumFileOf = (file: string): string => `${file}.sha256`;
export const previousOf = (file: string): string => `${file}.previous`;

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Hashes the last saves recorded for `file` (none when the record is missing or unreadable). */
export async function recordedHashes(file: string): Promise<string[]> {
  try {
    const o = JSON.parse(await fs.readFile(sumFileOf(file), 'utf8')) as { sha256?: unknown };
    return Array.isArray(o.sha256) ? o.sha256.filter((h): h is string => typeof h === 'string') : [];
  } catch {
    return [];
  }
}

/** Records the hash of the file about to be written, keeping the current one's until the rename is done. */
export async function recordHashes(file: string, next: string, current: string | undefined): Promise<void> {
  const list = [next, ...(current && current !== next ? [current] : [])];
  await writeFileAtomic(sumFileOf(file), Buffer.from(`${JSON.stringify({ sha256: list })}\n`));
}

/** Adds the hash of a file that passed SQLite's full check (kept with the ones saves recorded). */
export async function addRecordedHash(file: string, hash: string): Promise<void> {
  const list = await recordedHashes(file);
  if (!list.includes(hash)) await writeFileAtomic(sumFileOf(file), Buffer.from(`${JSON.stringify({ sha256: [...list.slice(0, 2), hash] })}\n`));
}

/**
 * Keeps the file as it is now as `<file>.previous`: a hard link (no copy) renamed into place, so the
 * previous generation is replaced atomically too; a copy where links are not supported.
 */
export async function keepPreviousGeneration(file: string): Promise<void> {
  const tmp = `${file}.tmp-prev-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await fs.link(file, tmp).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') throw e;
      await fs.copyFile(file, tmp);
    });
    await fs.rename(tmp, previousOf(file));
  } catch (e) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
