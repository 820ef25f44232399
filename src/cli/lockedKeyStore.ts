import type { KeyStore } from '../core/service/service';

/**
 * Kept for callers: `fileKeyStore` itself now holds `<file>.lock` for each change, so wrapping it
 * adds nothing (and locking here too would wait on our own lock).
 */
export function lockedKeyStore(inner: KeyStore, _file: string): KeyStore {
  return inner;
}
