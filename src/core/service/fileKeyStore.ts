import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../catalogue/atomicFile';
import { acquireLock } from '../catalogue/lockFile';
import { FreezerError } from '../errors';
import { exportKeyJson, importKeyJson, type KeyMaterial } from '../crypto/keys';
import type { KeyStore } from './service';

/**
 * Keys kept in one JSON file of key exports (the CLI's `--keys FILE`, the daemon's key ring).
 * Accepted content: one export (Freezer's or the original tool's), an array of them, or `{ "keys": [...] }`.
 * The file holds key bytes, so it must be private to the user: a file readable or writable by group
 * or others is refused (on POSIX systems), and files we write are created with mode 0600.
 * Changes hold `<file>.lock`, so any number of processes may share the file.
 */
export function fileKeyStore(file: string): KeyStore {
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.catch(() => undefined).then(fn);
    queue = next;
    return next;
  };
  // Every put/delete re-reads and rewrites the whole file: without a lock shared by all processes (CLI
  // commands, the daemon) two writers at once drop a key, and with it every archive it encrypted.
  const locked = <T>(fn: () => Promise<T>): Promise<T> => serial(async () => {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const release = await acquireLock(`${file}.lock`).catch((e: unknown) => {
      if (FreezerError.is(e, 'CatalogueLocked')) throw new FreezerError('KeyFileLocked', `The key file ${file} is locked by another process. Wait for it; if none is running, delete ${file}.lock.`, { cause: e });
      throw e;
    });
    try {
      return await fn();
    } finally {
      await release();
    }
  });
  return {
    get: (id) => serial(async () => (await readKeys(file)).find((k) => k.id === id)),
    put: (key) => locked(async () => {
      const keys = (await readKeys(file)).filter((k) => k.id !== key.id);
      await writeKeys(file, [...keys, key]);
    }),
    delete: (id) => locked(async () => {
      const keys = await readKeys(file);
      const rest = keys.filter((k) => k.id !== id);
      if (rest.length !== keys.length) await writeKeys(file, rest);
    }),
  };
}

/** Every key of a key file; an absent file holds none. */
export async function readKeys(file: string): Promise<KeyMaterial[]> {
  let text: string;
  try {
    await checkPrivate(file);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  if (!text.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Never quote the content: it holds key bytes.
    throw new FreezerError('InvalidKeyFile', `The key file ${file} is not valid JSON.`);
  }
  const items = Array.isArray(parsed) ? parsed
    : parsed && typeof parsed === 'object' && Array.isArray((parsed as { keys?: unknown }).keys) ? (parsed as { keys: unknown[] }).keys
      : [parsed];
  return items.map((item, i) => {
    try {
      return importKeyJson(JSON.stringify(item));
    } catch (e) {
      throw new FreezerError('InvalidKeyFile', `Entry ${i + 1} of the key file ${file}: ${(e as Error).message}`);
    }
  });
}

/** Refuses a key file that group or others may read or write (POSIX only: Windows has no such bits). */
export async function checkPrivate(file: string): Promise<void> {
  if (process.platform === 'win32') return;
  const st = await fs.stat(file);
  if ((st.mode & 0o077) !== 0) {
    throw new FreezerError('KeyFileNotPrivate',
      `The key file ${file} can be read or written by other users (mode ${(st.mode & 0o777).toString(8)}). ` +
      `Make it private first: chmod 600 ${JSON.stringify(file)}`);
  }
}

/** Replaced atomically (temporary sibling, fsync, rename) and private (0600). Call holding the lock. */
async function writeKeys(file: string, keys: KeyMaterial[]): Promise<void> {
  const body = `[\n${keys.map((k) => exportKeyJson(k).trim()).join(',\n')}\n]\n`;
  await writeFileAtomic(file, Buffer.from(body));
  if (process.platform !== 'win32') await fs.chmod(file, 0o600);
}

/** Keys in memory only (tests, and a session that must not persist keys). */
export function memoryKeyStore(initial: readonly KeyMaterial[] = []): KeyStore {
  const keys = new Map(initial.map((k) => [k.id, k] as const));
  return {
    get: async (id) => keys.get(id),
    put: async (key) => { keys.set(key.id, key); },
    delete: async (id) => { keys.delete(id); },
  };
}
