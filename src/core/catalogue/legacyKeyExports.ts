import type { KeyMaterial } from '../crypto/keys';
import { importKeyJson } from '../crypto/keys';
import { FreezerError } from '../errors';

export interface KeyExportProblem {
  /** Position in the list given. */
  index: number;
  reason: string;
}

export interface KeyExportImport {
  /** Distinct keys, in the order first seen; their bytes go to secure storage, their facts to the catalogue. */
  keys: KeyMaterial[];
  /** How many entries repeated a key already in the list. */
  duplicates: number;
  problems: KeyExportProblem[];
}

/**
 * Reads key exports (the original tool's `{"algorithm","keysize","blocksize","keystring"}`, or
 * Freezer's own), de-duplicated as the original tool did: on algorithm, key size, block size and
 * key string together. Problems never quote the key.
 */
export function importLegacyKeyExports(jsonList: readonly string[]): KeyExportImport {
  const out: KeyExportImport = { keys: [], duplicates: 0, problems: [] };
  const seen = new Set<string>();
  const byId = new Map<string, KeyMaterial>();
  jsonList.forEach((text, index) => {
    let km: KeyMaterial;
    try {
      km = importKeyJson(text);
    } catch (e) {
      out.problems.push({ index, reason: FreezerError.is(e) ? e.message : 'not a key export' });
      return;
    }
    // The four fields, normalised: family+bits is the algorithm, the block size follows from it.
    const identity = `${km.algorithm}|${km.key.toString('hex')}`;
    if (seen.has(identity)) {
      out.duplicates++;
      return;
    }
    seen.add(identity);
    const other = byId.get(km.id);
    if (other) {
      out.problems.push({ index, reason: `same key bytes as an earlier ${other.algorithm} key but for ${km.algorithm}: Freezer names keys by their bytes, the first one is kept.` });
      return;
    }
    byId.set(km.id, km);
    out.keys.push(km);
  });
  return out;
}
