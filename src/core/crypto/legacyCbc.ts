import { createCipheriv, createDecipheriv, randomBytes, randomInt, type Cipher, type Decipher } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FreezerError } from '../errors';
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

function openCipher<T extends Cipher | Decipher>(key: KeyMaterial, iv: Buffer, make: (name: string) => T): T {
  const name = legacyCipherName(key);
  let c: T;
  try {
    c = make(name);
  } catch (e) {
    throw new FreezerError(
      'UnsupportedCipher',
      `This Node runtime cannot use the ${key.algorithm} cipher (OpenSSL ${name}): OpenSSL 3 keeps it in its legacy provider. ` +
        `Run the Freezer CLI with NODE_OPTIONS=--openssl-legacy-provider, or decrypt with openssl as docs/RECOVERY.md shows.`,
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

/** Encrypting stream for a payload whose size is known up front (the layout needs it). */
export function createLegacyCbcEncryptStream(key: KeyMaterial, payloadSize: number): Transform {
  const block = blockSize(key.algorithm);
  const iv = randomBytes(block);
  const cipher = openCipher(key, iv, (n) => createCipheriv(n, key.key, iv));
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
  let decipher: Decipher | null = null;
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
          decipher = openCipher(key, iv, (n) => createDecipheriv(n, key.key, iv));
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
  const d = openCipher(key, prev, (n) => createDecipheriv(n, key.key, prev));
  return Buffer.concat([d.update(blocks), d.final()]);
}
