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
      const f = await readKeyFile(file);
      await writeKeys(file, [...f.keys.filter((k) => k.id !== key.id), key], f.defaultKeyId);
    }),
    delete: (id) => locked(async () => {
      const f = await readKeyFile(file);
      const rest = f.keys.filter((k) => k.id !== id);
      if (rest.length !== f.keys.length) await writeKeys(file, rest, f.defaultKeyId === id ? undefined : f.defaultKeyId);
    }),
    list: () => serial(async () => (await readKeys(file)).map((k) => k.id)),
    getDefault: () => serial(async () => (await readKeyFile(file)).defaultKeyId),
    setDefault: (id) => locked(async () => {
      const f = await readKeyFile(file);
      if ((id ?? undefined) !== f.defaultKeyId) await writeKeys(file, f.keys, id ?? undefined);
    }),
  };
}

/** Every key of a key file; an absent file holds none. */
export async function readKeys(file: string): Promise<KeyMaterial[]> {
  return (await readKeyFile(file)).keys;
}

/** A key file's keys and the default key it names (`{ "keys": [...], "defaultKeyId": "…" }`). */
export async function readKeyFile(file: string): Promise<{ keys: KeyMaterial[]; defaultKeyId?: string }> {
  let text: string;
  try {
    await checkPrivate(file);
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [] };
    throw e;
  }
  if (!text.trim()) return { keys: [] };
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
  const keys = items.map((item, i) => {
    try {
      return importKeyJson(JSON.stringify(item));
    } catch (e) {
      throw new FreezerError('InvalidKeyFile', `Entry ${i + 1} of the key file ${file}: ${(e as Error).message}`);
    }
  });
  const def = !Array.isArray(parsed) && parsed && typeof parsed === 'object' ? (parsed as { defaultKeyId?: unknown }).defaultKeyId : undefined;
  return { keys, ...(typeof def === 'string' && keys.some((k) => k.id === def) ? { defaultKeyId: def } : {}) };
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
async function writeKeys(file: string, keys: KeyMaterial[], defaultKeyId?: string): Promise<void> {
  const list = `[\n${keys.map((k) => exportKeyJson(k).trim()).join(',\n')}\n]`;
  // A plain list unless a default is named (readers of either form: readKeyFile, `thaw --key`).
  const body = defaultKeyId ? `{\n"defaultKeyId": ${JSON.stringify(defaultKeyId)},\n"keys": ${list}\n}\n` : `${list}\n`;
  await writeFileAtomic(file, Buffer.from(body));
  if (process.platform !== 'win32') await fs.chmod(file, 0o600);
}

/** Keys in memory only (tests, and a session that must not persist keys). */
export function memoryKeyStore(initial: readonly KeyMaterial[] = []): KeyStore {
  const keys = new Map(initial.map((k) => [k.id, k] as const));
  let def: string | undefined;
  return {
    get: async (id) => keys.get(id),
    put: async (key) => { keys.set(key.id, key); },
    delete: async (id) => { keys.delete(id); if (def === id) def = undefined; },
    list: async () => [...keys.keys()],
    getDefault: async () => def,
    setDefault: async (id) => { def = id ?? undefined; },
  };
}
