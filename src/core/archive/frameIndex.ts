import { FreezerError } from '../errors';
import { FZR1_HEADER_SIZE, fzr1ChunkRange, fzr1EncryptedSize } from '../crypto/fzr1';
import type { Compression } from './description';

/** One independently compressed frame: a slice of the tar and where its compressed bytes lie. */
export interface FrameEntry {
  /** Offset and length in the tar stream. */
  tarOffset: number;
  tarLength: number;
  /** Offset and length in the payload (the compressed stream, before encryption). */
  offset: number;
  length: number;
  /** Byte range [start, end) of the archive file to read to get this frame (whole chunks / blocks). */
  encryptedStart: number;
  encryptedEnd: number;
}

export interface IndexedMember {
  path: string;
  /** Offset of the member's first header block (a PAX header when it has one) in the tar stream. */
  tarOffset: number;
  size: number;
}

export type IndexEncryption =
  | { format: 'none' }
  /** `header`: the archive's 48 header bytes (hex; public) so a ranged retrieval need not include them. */
  | { format: 'fzr1'; chunkSize: number; headerSize: number; header?: string }
  | { format: 'legacy-cbc'; blockSize: number; /** Archive offset of payload byte 0: IV + 1 + random header. */ dataOffset: number };

/** Everything needed to restore one member from a byte range of the archive. */
export interface FrameIndex {
  version: 1;
  compression: Compression;
  encryption: IndexEncryption;
  tarSize: number;
  /** Compressed bytes of the frames (the trailer follows them). */
  framesSize: number;
  /** Plaintext payload: frames + trailer. */
  payloadSize: number;
  archiveSize: number;
  frames: FrameEntry[];
  members: IndexedMember[];
  /** Indexes into `members` of files that changed while they were read: stored as read, not a clean copy. */
  changed?: number[];
}

/** Archive byte range holding payload bytes [start, end). */
export function encryptedRange(enc: IndexEncryption, payloadSize: number, start: number, end: number): [number, number] {
  switch (enc.format) {
    case 'none':
      return [start, end];
    case 'fzr1':
      return fzr1ChunkRange(Math.floor(start / enc.chunkSize), Math.floor(Math.max(start, end - 1) / enc.chunkSize), payloadSize, enc.chunkSize);
    case 'legacy-cbc': {
      const B = enc.blockSize;
      // One block earlier: CBC needs the previous ciphertext block (or the IV) to decrypt a block.
      const s = Math.floor((enc.dataOffset + start) / B) * B;
      const e = Math.ceil((enc.dataOffset + end) / B) * B;
      return [s - B, e];
    }
  }
}

export function withEncryptedRanges(frames: Omit<FrameEntry, 'encryptedStart' | 'encryptedEnd'>[], enc: IndexEncryption, payloadSize: number): FrameEntry[] {
  return frames.map((f) => {
    const [encryptedStart, encryptedEnd] = encryptedRange(enc, payloadSize, f.offset, f.offset + f.length);
    return { ...f, encryptedStart, encryptedEnd };
  });
}

export function archiveSizeFor(enc: IndexEncryption, payloadSize: number): number {
  switch (enc.format) {
    case 'none': return payloadSize;
    case 'fzr1': return fzr1EncryptedSize(payloadSize, enc.chunkSize);
    case 'legacy-cbc': return enc.dataOffset + payloadSize;
  }
}

// ---- Trailer (gzip): two empty gzip members after the frames; gunzip outputs nothing for them. ----

export const TRAILER_INDEX_TAG = 'FREEZER-FRAME-INDEX/1 ';
export const TRAILER_LOCATOR_SIZE = 42;

interface TrailerJson {
  format: 'freezer-frame-index';
  version: 1;
  compression: Compression;
  tarSize: number;
  framesSize: number;
  frames: Array<[number, number, number, number]>;
  members: Array<[string, number, number]>;
  /** Indexes into members of files that changed while they were read (stored as read, not clean). */
  changed?: number[];
}

// JSON with every non-ASCII character escaped, so it is valid Latin-1 without NUL (a gzip comment).
function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

const EMPTY_DEFLATE_AND_FOOTER = Buffer.from([0x03, 0x00, 0, 0, 0, 0, 0, 0, 0, 0]);

type TrailerInput = Pick<FrameIndex, 'compression' | 'tarSize' | 'framesSize' | 'members' | 'changed'> & { frames: Array<Pick<FrameEntry, 'tarOffset' | 'tarLength' | 'offset' | 'length'>> };

function trailerText(index: TrailerInput): string {
  const json: TrailerJson = {
    format: 'freezer-frame-index',
    version: 1,
    compression: index.compression,
    tarSize: index.tarSize,
    framesSize: index.framesSize,
    frames: index.frames.map((f) => [f.tarOffset, f.tarLength, f.offset, f.length]),
    members: index.members.map((m) => [m.path, m.tarOffset, m.size]),
    ...(index.changed?.length ? { changed: index.changed } : {}),
  };
  return TRAILER_INDEX_TAG + asciiJson(json);
}

/** The trailer after the frames: gzip and zstd payloads carry one (bzip2 and none do not). */
export function encodeTrailer(index: TrailerInput): Buffer | null {
  if (index.compression === 'gzip') return encodeGzipTrailer(index);
  if (index.compression === 'zstd') return encodeZstdTrailer(index);
  return null;
}

// ---- Trailer (zstd): two skippable frames after the frames; zstd -dc skips them. ----

export const ZSTD_LOCATOR_SIZE = 28;
const ZSTD_INDEX_MAGIC = 0x184d2a5e;
const ZSTD_LOCATOR_MAGIC = 0x184d2a5f;

/** Index frame (tag + JSON) then the fixed-size locator frame ('FZIX' with offset+length). */
export function encodeZstdTrailer(index: TrailerInput): Buffer {
  const text = Buffer.from(trailerText(index), 'latin1');
  const indexFrame = Buffer.alloc(8 + text.length);
  indexFrame.writeUInt32LE(ZSTD_INDEX_MAGIC, 0);
  indexFrame.writeUInt32LE(text.length, 4);
  text.copy(indexFrame, 8);
  const loc = Buffer.alloc(ZSTD_LOCATOR_SIZE);
  loc.writeUInt32LE(ZSTD_LOCATOR_MAGIC, 0);
  loc.writeUInt32LE(20, 4);
  loc.write('FZIX', 8, 'latin1');
  loc.writeBigUInt64BE(BigInt(index.framesSize), 12);
  loc.writeBigUInt64BE(BigInt(indexFrame.length), 20);
  return Buffer.concat([indexFrame, loc]);
}

/** Index member (FCOMMENT = tag + JSON) then the fixed-size locator member (FEXTRA 'FZ' with offset+length). */
export function encodeGzipTrailer(index: TrailerInput): Buffer {
  const comment = Buffer.from(trailerText(index) + '\0', 'latin1');
  const indexMember = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x10, 0, 0, 0, 0, 0, 0xff]), comment, EMPTY_DEFLATE_AND_FOOTER]);
  const loc = Buffer.alloc(TRAILER_LOCATOR_SIZE);
  Buffer.from([0x1f, 0x8b, 8, 0x04, 0, 0, 0, 0, 0, 0xff]).copy(loc, 0);
  loc.writeUInt16LE(20, 10); // XLEN
  loc.write('FZ', 12, 'latin1');
  loc.writeUInt16LE(16, 14);
  loc.writeBigUInt64BE(BigInt(index.framesSize), 16);
  loc.writeBigUInt64BE(BigInt(indexMember.length), 24);
  EMPTY_DEFLATE_AND_FOOTER.copy(loc, 32);
  return Buffer.concat([indexMember, loc]);
}

/** The trailer's locator at the end of the payload (last 28 bytes for zstd, 42 for gzip). */
export function decodeLocator(tail: Buffer): { offset: number; length: number; compression: 'gzip' | 'zstd' } {
  const z = tail.subarray(tail.length - ZSTD_LOCATOR_SIZE);
  if (z.length === ZSTD_LOCATOR_SIZE && z.readUInt32LE(0) === ZSTD_LOCATOR_MAGIC && z.readUInt32LE(4) === 20 && z.toString('latin1', 8, 12) === 'FZIX') {
    return { offset: Number(z.readBigUInt64BE(12)), length: Number(z.readBigUInt64BE(20)), compression: 'zstd' };
  }
  return { ...decodeGzipLocator(tail), compression: 'gzip' };
}

/** Parses the index frame or member; the caller adds encryption facts. */
export function decodeIndexRecord(compression: 'gzip' | 'zstd', record: Buffer): ReturnType<typeof decodeGzipIndexMember> {
  if (compression === 'gzip') return decodeGzipIndexMember(record);
  if (record.length < 8 || record.readUInt32LE(0) !== ZSTD_INDEX_MAGIC || record.readUInt32LE(4) !== record.length - 8) throw new FreezerError('Corrupt', 'The frame index frame is damaged.');
  return parseTrailerText(record.toString('latin1', 8));
}

/** Reads the locator (the last 42 payload bytes): where the index member starts and how long it is. */
export function decodeGzipLocator(tail: Buffer): { offset: number; length: number } {
  const b = tail.subarray(tail.length - TRAILER_LOCATOR_SIZE);
  if (b.length !== TRAILER_LOCATOR_SIZE || b[0] !== 0x1f || b[1] !== 0x8b || b[3] !== 0x04 || b.toString('latin1', 12, 14) !== 'FZ') {
    throw new FreezerError('NoFrameIndex', 'The archive has no frame index trailer (written by an older tool or not gzip): restore it whole.');
  }
  return { offset: Number(b.readBigUInt64BE(16)), length: Number(b.readBigUInt64BE(24)) };
}

/** Parses the index member; the caller adds encryption facts. */
export function decodeGzipIndexMember(member: Buffer): Omit<FrameIndex, 'encryption' | 'payloadSize' | 'archiveSize' | 'frames'> & { frames: Omit<FrameEntry, 'encryptedStart' | 'encryptedEnd'>[] } {
  if (member[0] !== 0x1f || member[1] !== 0x8b || member[3] !== 0x10) throw new FreezerError('Corrupt', 'The frame index member is damaged.');
  const end = member.indexOf(0, 10);
  if (end < 0) throw new FreezerError('Corrupt', 'The frame index member is damaged.');
  return parseTrailerText(member.toString('latin1', 10, end));
}

function parseTrailerText(text: string): Omit<FrameIndex, 'encryption' | 'payloadSize' | 'archiveSize' | 'frames'> & { frames: Omit<FrameEntry, 'encryptedStart' | 'encryptedEnd'>[] } {
  if (!text.startsWith(TRAILER_INDEX_TAG)) throw new FreezerError('Corrupt', 'The frame index is damaged.');
  let j: TrailerJson;
  try {
    j = JSON.parse(text.slice(TRAILER_INDEX_TAG.length)) as TrailerJson;
  } catch (e) {
    throw new FreezerError('Corrupt', 'The frame index is not valid JSON.', { cause: e });
  }
  if (j.format !== 'freezer-frame-index' || j.version !== 1) throw new FreezerError('UnsupportedFormat', 'The frame index has an unknown version.');
  return {
    version: 1,
    compression: j.compression,
    tarSize: j.tarSize,
    framesSize: j.framesSize,
    frames: j.frames.map(([tarOffset, tarLength, offset, length]) => ({ tarOffset, tarLength, offset, length })),
    members: j.members.map(([path, tarOffset, size]) => ({ path, tarOffset, size })),
    ...(Array.isArray(j.changed) && j.changed.length ? { changed: j.changed } : {}),
  };
}

export { FZR1_HEADER_SIZE };
