import { FreezerError } from '../errors';
import { keyFingerprint, type KeyAlgorithm, type KeyMaterial } from '../crypto/keys';
import type { ArchiveDescription } from './description';

/** What the archive tells about the key it needs. */
export interface KeyHint {
  format: 'fzr1' | 'legacy-cbc';
  /** fzr1: fingerprint from the header. */
  fingerprint?: string;
  /** Legacy: cipher and size from the description. */
  algorithm?: KeyAlgorithm;
  legacyKeyId?: number;
  description?: ArchiveDescription;
}

export type KeyLookup = (hint: KeyHint) => KeyMaterial | undefined | Promise<KeyMaterial | undefined>;
export type KeySource = readonly KeyMaterial[] | KeyLookup;

/** Finds the key: fzr1 by fingerprint; legacy by algorithm (ids were database rows), then legacy id. */
export async function resolveKey(keys: KeySource | undefined, hint: KeyHint): Promise<KeyMaterial> {
  let found: KeyMaterial | undefined;
  if (typeof keys === 'function') {
    found = await keys(hint);
  } else if (keys) {
    if (hint.format === 'fzr1') {
      found = keys.find((k) => k.id === hint.fingerprint || keyFingerprint(k) === hint.fingerprint);
    } else {
      const cands = hint.algorithm ? keys.filter((k) => k.algorithm === hint.algorithm) : keys.slice();
      found = cands.find((k) => hint.legacyKeyId !== undefined && k.legacyId === hint.legacyKeyId) ?? (cands.length === 1 || hint.algorithm ? cands[0] : undefined);
    }
  }
  if (!found) {
    const what = hint.format === 'fzr1' ? `key ${hint.fingerprint}` : `a ${hint.algorithm ?? 'legacy'} key${hint.legacyKeyId !== undefined ? ` (old key id ${hint.legacyKeyId})` : ''}`;
    throw new FreezerError('WrongKey', `The archive needs ${what}, which is not available. Import the key export it was encrypted with.`);
  }
  if (hint.format === 'fzr1' && keyFingerprint(found) !== hint.fingerprint) {
    throw new FreezerError('WrongKey', `The archive was encrypted with key ${hint.fingerprint}; the key given is ${keyFingerprint(found)}.`);
  }
  return found;
}
