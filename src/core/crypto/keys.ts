import { createHmac, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { FreezerError } from '../errors';

/** Cipher families the original tool offered; every key belongs to one. */
export type KeyFamily = 'AES' | 'Blowfish' | 'CAST' | 'DES' | 'DES3';

/** A cipher family with a key size in bits, as the original tool labelled keys (AES-256, CAST-40…). */
export type KeyAlgorithm =
  | 'AES-128' | 'AES-192' | 'AES-256'
  | 'Blowfish-128' | 'Blowfish-192' | 'Blowfish-256'
  | 'CAST-40' | 'CAST-80' | 'CAST-128'
  | 'DES-64'
  | 'DES3-128';

export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = [
  'AES-128', 'AES-192', 'AES-256', 'Blowfish-128', 'Blowfish-192', 'Blowfish-256',
  'CAST-40', 'CAST-80', 'CAST-128', 'DES-64', 'DES3-128',
];

/**
 * Key bytes plus what identifies them. `id` is the key's fingerprint (non-secret). Objects made by this
 * module hide `key` from JSON.stringify and util.inspect so a logged key never shows its bytes.
 */
export interface KeyMaterial {
  id: string;
  algorithm: KeyAlgorithm;
  key: Buffer;
  label?: string;
  createdAt?: string;
  /** Row id in the original tool's database, kept when imported from it (descriptions refer to it). */
  legacyId?: number;
}

export function keyFamily(algorithm: KeyAlgorithm): KeyFamily {
  return algorithm.slice(0, algorithm.lastIndexOf('-')) as KeyFamily;
}

export function keyBits(algorithm: KeyAlgorithm): number {
  return Number(algorithm.slice(algorithm.lastIndexOf('-') + 1));
}

/** Cipher block size in bytes: 16 for AES, 8 for the others. */
export function blockSize(algorithm: KeyAlgorithm): number {
  return keyFamily(algorithm) === 'AES' ? 16 : 8;
}

/** AES-192 keys were labelled "196" by the original tool; accept both. */
export function parseKeyAlgorithm(family: string, bits: number): KeyAlgorithm {
  const fam = KEY_ALGORITHMS.map(keyFamily).find((f) => f.toLowerCase() === family.toLowerCase());
  const b = bits === 196 ? 192 : bits;
  const alg = `${fam}-${b}` as KeyAlgorithm;
  if (!fam || !KEY_ALGORITHMS.includes(alg)) {
    throw new FreezerError('UnsupportedCipher', `Unknown cipher "${family}" with a ${bits}-bit key; known: ${KEY_ALGORITHMS.join(', ')}.`);
  }
  return alg;
}

const FINGERPRINT_LABEL = 'freezer key fingerprint v1';

/** Short non-secret id of a key: HMAC-SHA256 keyed by the key over a fixed label, first 8 bytes as hex. */
export function keyFingerprint(key: Buffer | KeyMaterial): string {
  const bytes = Buffer.isBuffer(key) ? key : key.key;
  return createHmac('sha256', bytes).update(FINGERPRINT_LABEL).digest().subarray(0, 8).toString('hex');
}

const REDACTED = '[redacted]';

/** Builds a KeyMaterial whose bytes never appear in JSON, inspect output or string conversion. */
export function makeKeyMaterial(fields: Omit<KeyMaterial, 'id'> & { id?: string }): KeyMaterial {
  const bits = keyBits(fields.algorithm);
  if (fields.key.length * 8 !== bits) {
    throw new FreezerError('InvalidKey', `A ${fields.algorithm} key must be ${bits / 8} bytes, got ${fields.key.length}.`);
  }
  const km = {
    id: fields.id ?? keyFingerprint(fields.key),
    algorithm: fields.algorithm,
    ...(fields.label !== undefined ? { label: fields.label } : {}),
    ...(fields.createdAt !== undefined ? { createdAt: fields.createdAt } : {}),
    ...(fields.legacyId !== undefined ? { legacyId: fields.legacyId } : {}),
  } as KeyMaterial;
  const redacted = (): Record<string, unknown> => ({ ...km, key: REDACTED });
  Object.defineProperties(km, {
    key: { value: Buffer.from(fields.key), enumerable: false },
    toJSON: { value: redacted, enumerable: false },
    toString: { value: () => `KeyMaterial(${km.algorithm} ${km.id})`, enumerable: false },
    [inspect.custom]: { value: () => `KeyMaterial ${inspect(redacted())}`, enumerable: false },
  });
  return km;
}

/** A fresh random key (the original tool used random bytes too, no KDF). Default AES-256, what fzr1 uses. */
export function generateKey(algorithm: KeyAlgorithm = 'AES-256', label?: string): KeyMaterial {
  let key = randomBytes(keyBits(algorithm) / 8);
  // 2-key 3DES with K1 == K2 degrades to single DES; never hand that out.
  while (algorithm === 'DES3-128' && key.subarray(0, 8).equals(key.subarray(8))) key = randomBytes(16);
  return makeKeyMaterial({ algorithm, key, label, createdAt: new Date().toISOString() });
}

export const KEY_EXPORT_FORMAT = 'freezer-key';
export const KEY_EXPORT_VERSION = 1;

/** Our versioned key export. The output contains the key bytes: write it only where the user asked. */
export function exportKeyJson(key: KeyMaterial): string {
  return JSON.stringify({
    format: KEY_EXPORT_FORMAT,
    version: KEY_EXPORT_VERSION,
    id: key.id,
    algorithm: key.algorithm,
    key: key.key.toString('hex'),
    ...(key.label !== undefined ? { label: key.label } : {}),
    ...(key.createdAt !== undefined ? { createdAt: key.createdAt } : {}),
    ...(key.legacyId !== undefined ? { legacyId: key.legacyId } : {}),
  }, null, 2) + '\n';
}

/** The original tool's export: {"algorithm":"AES","keysize":256,"blocksize":16,"keystring":"hex"}. */
export function exportLegacyKeyJson(key: KeyMaterial): string {
  return JSON.stringify({ algorithm: keyFamily(key.algorithm), keysize: keyBits(key.algorithm), blocksize: blockSize(key.algorithm), keystring: key.key.toString('hex') });
}

function hexKey(v: unknown, what: string): Buffer {
  if (typeof v !== 'string' || !/^(?:[0-9a-fA-F]{2})+$/.test(v)) throw new FreezerError('InvalidKey', `The key export's ${what} is not a hex string.`);
  return Buffer.from(v, 'hex');
}

/** Reads our export or the original tool's; the error never quotes the file's content. */
export function importKeyJson(text: string): KeyMaterial {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new FreezerError('InvalidKey', 'The key export is not valid JSON.');
  }
  if (!o || typeof o !== 'object') throw new FreezerError('InvalidKey', 'The key export does not hold a JSON object.');
  if (o.format === KEY_EXPORT_FORMAT) {
    if (o.version !== KEY_EXPORT_VERSION) throw new FreezerError('InvalidKey', `Key export version ${String(o.version)} is newer than this Freezer understands (${KEY_EXPORT_VERSION}).`);
    if (typeof o.algorithm !== 'string' || !KEY_ALGORITHMS.includes(o.algorithm as KeyAlgorithm)) throw new FreezerError('InvalidKey', 'The key export names an unknown algorithm.');
    const km = makeKeyMaterial({
      algorithm: o.algorithm as KeyAlgorithm,
      key: hexKey(o.key, 'key'),
      label: typeof o.label === 'string' ? o.label : undefined,
      createdAt: typeof o.createdAt === 'string' ? o.createdAt : undefined,
      legacyId: typeof o.legacyId === 'number' ? o.legacyId : undefined,
    });
    if (typeof o.id === 'string' && o.id !== km.id) throw new FreezerError('InvalidKey', 'The key export is damaged: its id does not match its key bytes.');
    return km;
  }
  if (typeof o.algorithm === 'string' && typeof o.keysize === 'number' && 'keystring' in o) {
    const algorithm = parseKeyAlgorithm(o.algorithm, o.keysize);
    if (typeof o.blocksize === 'number' && o.blocksize !== blockSize(algorithm)) {
      throw new FreezerError('InvalidKey', `The key export says ${algorithm} with a ${o.blocksize}-byte block; expected ${blockSize(algorithm)}.`);
    }
    return makeKeyMaterial({ algorithm, key: hexKey(o.keystring, 'keystring') });
  }
  throw new FreezerError('InvalidKey', 'This is neither a Freezer key export nor an original Freezer key export.');
}
