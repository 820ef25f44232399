import { acquireLock } from '../core/catalogue/lockFile';
import type { KeyStore } from '../core/service/service';

/**
 * Serialises changes to a key file across processes (several `freezer` commands, the daemon): each
 * put/delete re-reads and rewrites the whole file, so two processes writing at once would drop a key
 * (and with it every archive encrypted with it). Holds `<file>.lock` for the read-modify-write.
 */
export function lockedKeyStore(inner: KeyStore, file: string): KeyStore {
  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await acquireLock(`${file}.lock`);
    try {
      return await fn();
    } finally {
      await release();
    }
  };
  return {
    get: (id) => inner.get(id),
    put: (key) => locked(() => inner.put(key)),
    delete: (id) => locked(() => inner.delete(id)),
  };
}
