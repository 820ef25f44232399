import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { FreezerError } from '../errors';
import { keyFingerprint, type KeyMaterial } from './keys';

/**
 * fzr1: our authenticated streaming encryption (see docs/FORMAT.md). AES-256-GCM over fixed plaintext
 * chunks with a per-archive HKDF subkey; nonce = random prefix ‖ chunk counter ‖ final flag (STREAM).
 * The header is the AAD of every chunk, so any chunk decrypts alone given its index and whether it is last.
 */
export const FZR1_MAGIC = Buffer.from('FZR1', 'ascii');
export const FZR1_VERSION = 1;
export const FZR1_CIPHER_AES256GCM = 1;
export const FZR1_HEADER_SIZE = 48;
export const FZR1_TAG_SIZE = 16;
export const FZR1_DEFAULT_CHUNK_SIZE = 64 * 1024;
const HKDF_INFO = Buffer.from('freezer fzr1 chunk key', 'ascii');

export interface Fzr1Header {
  chunkSize: number;
  keyFingerprint: string;
  salt: Buffer;
  noncePrefix: Buffer;
  bytes: Buffer;
}

export function createFzr1Header(key: KeyMaterial, chunkSize = FZR1_DEFAULT_CHUNK_SIZE): Fzr1Header {
  if (key.algorithm !== 'AES-256') throw new FreezerError('UnsupportedCipher', `fzr1 needs an AES-256 key; ${key.algorithm} keys can only be used with the legacy format.`);
  if (!Number.isInteger(chunkSize) || chunkSize < 1024 || chunkSize > 16 * 1024 * 1024) throw new FreezerError('InvalidArgument', 'fzr1 chunk size must be 1 KiB to 16 MiB.');
  const b = Buffer.alloc(FZR1_HEADER_SIZE);
  FZR1_MAGIC.copy(b, 0);
  b[4] = FZR1_VERSION;
  b[5] = FZR1_CIPHER_AES256GCM;
  b.writeUInt16BE(FZR1_HEADER_SIZE, 6);
  b.writeUInt32BE(chunkSize, 8);
  Buffer.from(keyFingerprint(key), 'hex').copy(b, 12);
  randomBytes(16).copy(b, 20);
  randomBytes(7).copy(b, 36);
  return parseFzr1Header(b);
}

export function isFzr1(prefix: Buffer): boolean {
  return prefix.length >= 4 && prefix.subarray(0, 4).equals(FZR1_MAGIC);
}

export function parseFzr1Header(b: Buffer): Fzr1Header {
  if (b.length < FZR1_HEADER_SIZE) throw new FreezerError('Truncated', 'The archive is shorter than an fzr1 header: it was truncated.');
  if (!isFzr1(b)) throw new FreezerError('NotFzr1', 'The data does not start with the fzr1 magic "FZR1".');
  if (b[4] !== FZR1_VERSION) throw new FreezerError('UnsupportedFormat', `fzr1 version ${b[4]} is not supported by this Freezer (knows ${FZR1_VERSION}).`);
  if (b[5] !== FZR1_CIPHER_AES256GCM) throw new FreezerError('UnsupportedCipher', `fzr1 cipher ${b[5]} is unknown.`);
  if (b.readUInt16BE(6) !== FZR1_HEADER_SIZE) throw new FreezerError('UnsupportedFormat', `fzr1 header size ${b.readUInt16BE(6)} is not supported.`);
  const chunkSize = b.readUInt32BE(8);
  if (chunkSize < 1024 || chunkSize > 16 * 1024 * 1024) throw new FreezerError('Tampered', `fzr1 header claims a chunk size of ${chunkSize}: the header is damaged.`);
  return {
    chunkSize,
    keyFingerprint: b.subarray(12, 20).toString('hex'),
    salt: Buffer.from(b.subarray(20, 36)),
    noncePrefix: Buffer.from(b.subarray(36, 43)),
    bytes: Buffer.from(b.subarray(0, FZR1_HEADER_SIZE)),
  };
}

/** Per-chunk encryption and decryption under one header. */
export class Fzr1Codec {
  private readonly subkey: Buffer;

  constructor(readonly header: Fzr1Header, key: KeyMaterial) {
    if (keyFingerprint(key) !== header.keyFingerprint) {
      throw new FreezerError('WrongKey', `The archive was encrypted with key ${header.keyFingerprint}; the key given is ${keyFingerprint(key)}.`);
    }
    this.subkey = Buffer.from(hkdfSync('sha256', key.key, header.salt, HKDF_INFO, 32));
  }

  get chunkSize(): number {
    return this.header.chunkSize;
  }

  private nonce(index: number, final: boolean): Buffer {
    if (index > 0xffffffff) throw new FreezerError('TooLarge', 'fzr1 supports at most 2^32 chunks.');
    const n = Buffer.alloc(12);
    this.header.noncePrefix.copy(n, 0);
    n.writeUInt32BE(index, 7);
    n[11] = final ? 1 : 0;
    return n;
  }

  encryptChunk(index: number, plain: Buffer, final: boolean): Buffer {
    return Buffer.concat(this.sealChunk(index, plain, final));
  }

  /** Ciphertext and tag as two buffers (no copy; write them with writev). */
  sealChunk(index: number, plain: Buffer, final: boolean): [Buffer, Buffer] {
    const c = createCipheriv('aes-256-gcm', this.subkey, this.nonce(index, final));
    c.setAAD(this.header.bytes);
    const body = c.update(plain);
    c.final();
    return [body, c.getAuthTag()];
  }

  /** Returns null when authentication fails (caller decides between Tampered and Truncated). */
  tryDecryptChunk(index: number, sealed: Buffer, final: boolean): Buffer | null {
    if (sealed.length < FZR1_TAG_SIZE) return null;
    const d = createDecipheriv('aes-256-gcm', this.subkey, this.nonce(index, final));
    d.setAAD(this.header.bytes);
    d.setAuthTag(sealed.subarray(sealed.length - FZR1_TAG_SIZE));
    const body = d.update(sealed.subarray(0, sealed.length - FZR1_TAG_SIZE));
    try {
      d.final();
    } catch {
      return null;
    }
    return body;
  }

  decryptChunk(index: number, sealed: Buffer, final: boolean): Buffer {
    const p = this.tryDecryptChunk(index, sealed, final);
    if (p) return p;
    throw new FreezerError('Tampered', `fzr1 chunk ${index} failed authentication: the archive was altered or damaged.`);
  }
}

/** The final chunk's plaintext: data (0..chunkSize bytes) ‖ zero padding ‖ u32 data length: always chunkSize + 4. */
export const FZR1_LENGTH_FIELD = 4;

/** Number of chunks holding `plainSize` bytes: all full except the final one, which holds 0..chunkSize. */
export function fzr1ChunkCount(plainSize: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(plainSize / chunkSize));
}

/** Size of the fzr1 file holding `plainSize` bytes. */
export function fzr1EncryptedSize(plainSize: number, chunkSize: number): number {
  return FZR1_HEADER_SIZE + (fzr1ChunkCount(plainSize, chunkSize) - 1) * (chunkSize + FZR1_TAG_SIZE) + chunkSize + FZR1_LENGTH_FIELD + FZR1_TAG_SIZE;
}

/** Byte range [start, end) of the fzr1 file holding chunks first..last. */
export function fzr1ChunkRange(first: number, last: number, plainSize: number, chunkSize: number): [number, number] {
  const sealed = chunkSize + FZR1_TAG_SIZE;
  const final = fzr1ChunkCount(plainSize, chunkSize) - 1;
  const end = last >= final ? fzr1EncryptedSize(plainSize, chunkSize) : FZR1_HEADER_SIZE + (last + 1) * sealed;
  return [FZR1_HEADER_SIZE + first * sealed, end];
}

/** Pads the final chunk's data to the fixed final size. */
export function padFinalChunk(data: Buffer, chunkSize: number): Buffer {
  const b = Buffer.alloc(chunkSize + FZR1_LENGTH_FIELD);
  data.copy(b, 0);
  b.writeUInt32BE(data.length, chunkSize);
  return b;
}

/** Data of an authenticated final chunk's plaintext. */
export function unpadFinalChunk(plain: Buffer, chunkSize: number): Buffer {
  const n = plain.length === chunkSize + FZR1_LENGTH_FIELD ? plain.readUInt32BE(chunkSize) : -1;
  if (n < 0 || n > chunkSize) throw new FreezerError('Tampered', 'The final fzr1 chunk has an invalid length field.');
  return plain.subarray(0, n);
}

/** Synchronous streaming encryptor: push plaintext, get sealed bytes; `finish()` seals the final chunk. */
export class Fzr1Encryptor {
  private readonly codec: Fzr1Codec;
  private pending: Buffer[] = [];
  private pendingLen = 0;
  private index = 0;
  private started = false;

  constructor(key: KeyMaterial, chunkSize = FZR1_DEFAULT_CHUNK_SIZE) {
    this.codec = new Fzr1Codec(createFzr1Header(key, chunkSize), key);
  }

  get header(): Fzr1Header {
    return this.codec.header;
  }

  /** Sealed output for `data` (pieces to write in order); only the first chunk of a call is copied. */
  update(data: Buffer): Buffer[] {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.codec.header.bytes);
    }
    const cs = this.codec.chunkSize;
    // Up to one full chunk is held back: it may turn out to be the final one.
    if (this.pendingLen + data.length <= cs) {
      this.pending.push(Buffer.from(data));
      this.pendingLen += data.length;
      return out;
    }
    let off = 0;
    if (this.pendingLen > 0) {
      off = cs - this.pendingLen;
      out.push(...this.codec.sealChunk(this.index++, Buffer.concat([...this.pending, data.subarray(0, off)], cs), false));
    }
    while (data.length - off > cs) {
      out.push(...this.codec.sealChunk(this.index++, data.subarray(off, off + cs), false));
      off += cs;
    }
    // Copied: the caller may reuse `data` once this returns.
    const rest = Buffer.from(data.subarray(off));
    this.pending = [rest];
    this.pendingLen = rest.length;
    return out;
  }

  finish(): Buffer[] {
    const out: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      out.push(this.codec.header.bytes);
    }
    const rest = Buffer.concat(this.pending, this.pendingLen);
    out.push(this.codec.encryptChunk(this.index++, padFinalChunk(rest, this.codec.chunkSize), true));
    this.pending = [];
    this.pendingLen = 0;
    return out;
  }
}

export function createFzr1EncryptStream(key: KeyMaterial, chunkSize?: number): Transform {
  const enc = new Fzr1Encryptor(key, chunkSize);
  return new Transform({
    transform(chunk: Buffer, _e, cb: TransformCallback) {
      try {
        for (const b of enc.update(chunk)) this.push(b);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        for (const b of enc.finish()) this.push(b);
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}

export type KeyResolver = (fingerprint: string) => KeyMaterial | undefined | Promise<KeyMaterial | undefined>;

/**
 * Streaming decryptor. Emits only authenticated plaintext; errors: WrongKey (fingerprint differs or no
 * key), Tampered (a chunk fails authentication, data after the final chunk), Truncated (ends early).
 */
export function createFzr1DecryptStream(resolveKey: KeyResolver): Transform {
  let head: Buffer | null = Buffer.alloc(0);
  let codec: Fzr1Codec | null = null;
  let buf: Buffer[] = [];
  let bufLen = 0;
  let index = 0;
  const sealedSize = (): number => codec!.chunkSize + FZR1_TAG_SIZE;
  const finalSize = (): number => codec!.chunkSize + FZR1_LENGTH_FIELD + FZR1_TAG_SIZE;

  return new Transform({
    async transform(chunk: Buffer, _e, cb: TransformCallback) {
      try {
        if (head) {
          head = Buffer.concat([head, chunk]);
          if (head.length < FZR1_HEADER_SIZE) return cb();
          const header = parseFzr1Header(head);
          const key = await resolveKey(header.keyFingerprint);
          if (!key) throw new FreezerError('WrongKey', `The archive needs key ${header.keyFingerprint}, which is not available. Import the key export it was made with.`);
          codec = new Fzr1Codec(header, key);
          chunk = head.subarray(FZR1_HEADER_SIZE);
          head = null;
        }
        buf.push(chunk);
        bufLen += chunk.length;
        const ss = sealedSize();
        const fs = finalSize();
        // A chunk is known not to be final only once more than a final chunk's worth follows it.
        if (bufLen > fs) {
          const all = Buffer.concat(buf, bufLen);
          let off = 0;
          while (all.length - off > fs) {
            this.push(codec!.decryptChunk(index++, all.subarray(off, off + ss), false));
            off += ss;
          }
          buf = [all.subarray(off)];
          bufLen = all.length - off;
        }
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
    flush(cb) {
      try {
        if (head) throw new FreezerError('Truncated', 'The archive is shorter than an fzr1 header: it was truncated.');
        const last = Buffer.concat(buf, bufLen);
        if (last.length !== finalSize()) {
          throw new FreezerError('Truncated', `The archive ends inside chunk ${index} (the final chunk is ${finalSize()} bytes, ${last.length} remain): it was truncated.`);
        }
        const p = codec!.tryDecryptChunk(index, last, true);
        if (!p) {
          if (codec!.tryDecryptChunk(index, last.subarray(0, sealedSize()), false)) {
            throw new FreezerError('Truncated', `The archive ends after chunk ${index} without its final chunk: it was truncated.`);
          }
          throw new FreezerError('Tampered', `The final fzr1 chunk (${index}) failed authentication: the archive was altered or damaged.`);
        }
        this.push(unpadFinalChunk(p, codec!.chunkSize));
        cb();
      } catch (e) {
        cb(e as Error);
      }
    },
  });
}
