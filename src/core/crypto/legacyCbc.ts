import { createCipheriv, createDecipheriv, randomBytes, randomInt, type Cipher, type Decipher } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FreezerError } from '../errors';
import { Blowfish } from './blowfish';
import { Cast128 } from './cast128';
import { cbc64, type CbcStream } from './cbcMode';
import { blockSize, keyFamily, type KeyMaterial } from './keys';

/**
 * The original tool's layout: IV ‖ CBC(key, IV)(RHL ‖ RHL random bytes ‖ payload), no padding; RHL aligns
 * the plaintext to the block size (docs/FORMAT.md). No MAC: a wrong key only shows as garbage downstream.
 */
export function legacyCipherName(key: KeyMaterial): string {
  switch (keyFamily(key.algorithm)) {
    case 'AES': return `aes-${key.key.length * 8}-cbc`;
    case 'DES3': return 'des-ede-cbc';
    case 'Blowfish': return 'bf-cbc';
    case 'CAST': return 'cast5-cbc';
    case 'DES': return 'des-cbc';
  }
}

/**
 * CBC without padding for the key's cipher. Blowfish and CAST-128 are our own (OpenSSL 3 keeps them in
 * its legacy provider, which Node and VS Code do not load); single DES is two-key triple DES with both
 * keys equal (E_K(D_K(E_K(x))) = E_K(x)), which OpenSSL's default provider still has.
 */
function openCipher(key: KeyMaterial, iv: Buffer, direction: 'encrypt' | 'decrypt'): CbcStream {
  const family = keyFamily(key.algorithm);
  if (family === 'Blowfish') return cbc64(new Blowfish(key.key), iv, direction);
  if (family === 'CAST') return cbc64(new Cast128(key.key), iv, direction);
  const name = family === 'DES' ? 'des-ede-cbc' : legacyCipherName(key);
  const bytes = family === 'DES' ? Buffer.concat([key.key, key.key]) : key.key;
  let c: Cipher | Decipher;
  try {
    c = direction === 'encrypt' ? createCipheriv(name, bytes, iv) : createDecipheriv(name, bytes, iv);
  } catch (e) {
    throw new FreezerError(
      'UnsupportedCipher',
      `This Node runtime cannot use the ${key.algorithm} cipher (OpenSSL ${name}). Decrypt with openssl as docs/RECOVERY.md shows.`,
      { cause: e },
    );
  }
  c.setAutoPadding(false);
  return c;
}

/** Random-header length for a payload: random 0–255, then aligned so 1 + RHL + size is a multiple of B. */
export function legacyRandomHeaderLength(payloadSize: number, block: number, pick = randomInt(0, 256)): number {
  let rhl = pick;
  const diff = (block - ((1 + rhl + payloadSize) % block)) % block;
  while (rhl + diff > 255) rhl -= block;
  return rhl + diff;
}

export function legacyEncryptedSize(payloadSize: number, rhl: number, block: number): number {
  return block + 1 + rhl + payloadSize;
}

/** Blowfish, CAST and DES are read-only: only the original tool's archives use them. */
export function assertLegacyWritable(key: KeyMaterial): void {
  const family = keyFamily(key.algorithm);
  if (family === 'Blowfish' || family === 'CAST' || family === 'DES') {
    throw new FreezerError('UnsupportedCipher', `${key.algorithm} keys only read archives of the original tool; new archives are encrypted with an AES-256 key.`);
  }
}

/** Encrypting stream for a payload whose size is known up front (the layout needs it). */
export function createLegacyCbcEncryptStream(key: KeyMaterial, payloadSize: number): Transform {
  assertLegacyWritable(key);
  const block = blockSize(key.algorithm);
  const iv = randomBytes(block);
  const cipher = openCipher(key, iv, 'encrypt');
  const rhl = legacyRandomHeaderLength(payloadSize, block);
  let seen = 0;
  let started = false;
  const start = (t: Transform): void => {
    if (started) return;
    started = true;
    t.push(iv);
    t.push(cipher.update(Buffer.concat([Buffer.from([rhl]), randomBytes(rhl)])));
  };
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      start(this);
      seen += chunk.length;
      if (seen > payloadSize) return cb(new FreezerError('InternalError', 'Legacy encryption got more bytes than announced.'));
      this.push(cipher.update(chunk));
      cb();
    },
    flush(cb) {
      start(this);
      if (seen !== payloadSize) return cb(new FreezerError('InternalError', `Legacy encryption got ${seen} bytes, announced ${payloadSize}.`));
      this.push(cipher.final());
      cb();
    },
  });
}

/** Decrypting stream: drops IV and random header, emits the payload. */
export function createLegacyCbcDecryptStream(key: KeyMaterial): Transform {
  const block = blockSize(key.algorithm);
  let head: Buffer | null = Buffer.alloc(0);
  let decipher: CbcStream | null = null;
  let skip = -1; // bytes of random header still to drop; -1 until RHL is known
  let total = 0;
  const emit = (t: Transform, plain: Buffer): void => {
    let p = plain;
    if (skip < 0 && p.length > 0) {
      skip = 1 + p[0];
    }
    if (skip > 0) {
      const n = Math.min(skip, p.length);
      p = p.subarray(n);
      skip -= n;
    }
    if (p.length) t.push(p);
  };
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      try {
        total += chunk.length;
        if (head) {
          head = Buffer.concat([head, chunk]);
          if (head.length < block) return cb();
          const iv = head.subarray(0, block);
          decipher = openCipher(key, iv, 'decrypt');
          chunk = head.subarray(block);
          head = null;
        }
        emit(this, decipher!.update(chunk));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      if (head || (total - block) % block !== 0 || skip !== 0) {
        return cb(new FreezerError('Truncated', `The legacy archive's size is not IV + whole ${block}-byte blocks with its random header: it was truncated or is not encrypted with ${key.algorithm}.`));
      }
      try {
        emit(this, decipher!.final());
        cb();
      } catch (e) {
        cb(new FreezerError('Truncated', 'The legacy archive ends inside a cipher block: it was truncated.', { cause: e }));
      }
    },
  });
}

/** Decrypts a block-aligned slice of a legacy archive: `prev` is the ciphertext block before it (or the IV). */
export function legacyCbcDecryptSlice(key: KeyMaterial, prev: Buffer, blocks: Buffer): Buffer {
  const d = openCipher(key, prev, 'decrypt');
  return Buffer.concat([d.update(blocks), d.final()]);
}
