import { Readable } from 'node:stream';
import { FreezerError, throwIfAborted } from '../errors';
import { Fzr1Codec, fzr1ChunkRange, FZR1_HEADER_SIZE, FZR1_LENGTH_FIELD, FZR1_TAG_SIZE, isFzr1, parseFzr1Header, unpadFinalChunk } from '../crypto/fzr1';
import { blockSize, type KeyMaterial } from '../crypto/keys';
import { legacyCbcDecryptSlice } from '../crypto/legacyCbc';
import { detectCompression, frameCodec } from './compression';
import { parseDescription } from './description';
import { archiveSizeFor, decodeIndexRecord, decodeLocator, TRAILER_LOCATOR_SIZE, withEncryptedRanges, ZSTD_LOCATOR_SIZE, type FrameIndex, type IndexEncryption } from './frameIndex';
import { resolveKey, type KeySource } from './keyLookup';
import type { OnExisting } from './placeFile';
import { extractTar, type RestoredFile } from './safeExtract';

/** Reads archive bytes [start, endExclusive) — from a local file, a Glacier ranged retrieval, etc. */
export type ReadRange = (start: number, endExclusive: number) => Readable | Buffer | Promise<Buffer | Readable>;

async function readBuf(readRange: ReadRange, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const r = await readRange(start, end);
  let b: Buffer;
  if (Buffer.isBuffer(r)) b = r;
  else {
    const parts: Buffer[] = [];
    for await (const c of r as AsyncIterable<Buffer>) parts.push(c);
    b = Buffer.concat(parts);
  }
  if (b.length !== end - start) throw new FreezerError('Truncated', `Asked for archive bytes ${start}–${end}, got ${b.length} bytes: the archive is shorter than its index says.`);
  return b;
}

/** Random access to the decrypted payload (compressed frames + trailer) through archive byte ranges. */
export interface PayloadReader {
  encryption: IndexEncryption;
  payloadSize: number;
  read(start: number, end: number): Promise<Buffer>;
}

export async function openPayloadReader(opts: { readRange: ReadRange; archiveSize: number; keys?: KeySource; description?: string; encryption?: IndexEncryption; payloadSize?: number }): Promise<PayloadReader> {
  const { readRange, archiveSize } = opts;
  const desc = opts.description ? parseDescription(opts.description) : undefined;
  if (opts.encryption?.format === 'none') return { encryption: { format: 'none' }, payloadSize: archiveSize, read: (s, e) => readBuf(readRange, s, e) };
  // With a known legacy layout nothing needs reading up front (ranged retrievals cost money).
  const known = opts.encryption?.format === 'fzr1' && opts.encryption.header ? Buffer.from(opts.encryption.header, 'hex') : undefined;
  const head = opts.encryption?.format === 'legacy-cbc' ? Buffer.alloc(0) : known?.length === FZR1_HEADER_SIZE ? known : await readBuf(readRange, 0, Math.min(archiveSize, FZR1_HEADER_SIZE));
  if (isFzr1(head)) {
    const header = parseFzr1Header(head);
    const key = await resolveKey(opts.keys, { format: 'fzr1', fingerprint: header.keyFingerprint, description: desc });
    const codec = new Fzr1Codec(header, key);
    const cs = header.chunkSize;
    const sealed = cs + FZR1_TAG_SIZE;
    const finalSealed = cs + FZR1_LENGTH_FIELD + FZR1_TAG_SIZE;
    const full = (archiveSize - FZR1_HEADER_SIZE - finalSealed) / sealed;
    if (!Number.isInteger(full) || full < 0) throw new FreezerError('Truncated', 'The archive size does not fit whole fzr1 chunks: it was truncated.');
    const finalIndex = full;
    const finalStart = FZR1_HEADER_SIZE + full * sealed;
    // The payload size is known from an index; otherwise the final chunk's length field tells it.
    const payloadSize = opts.payloadSize ?? full * cs + unpadFinalChunk(codec.decryptChunk(finalIndex, await readBuf(readRange, finalStart, archiveSize), true), cs).length;
    return {
      encryption: { format: 'fzr1', chunkSize: cs, headerSize: FZR1_HEADER_SIZE, header: head.toString('hex') },
      payloadSize,
      async read(start, end) {
        if (end <= start) return Buffer.alloc(0);
        const first = Math.floor(start / cs);
        const last = Math.floor((end - 1) / cs);
        const [rs, re] = fzr1ChunkRange(first, last, payloadSize, cs);
        const enc = await readBuf(readRange, rs, re);
        const plain: Buffer[] = [];
        for (let i = first; i <= last; i++) {
          const off = (i - first) * sealed;
          plain.push(i === finalIndex ? unpadFinalChunk(codec.decryptChunk(i, enc.subarray(off, off + finalSealed), true), cs) : codec.decryptChunk(i, enc.subarray(off, off + sealed), false));
        }
        const all = Buffer.concat(plain);
        return all.subarray(start - first * cs, end - first * cs);
      },
    };
  }
  const looksPlain = detectCompression(head) !== null && desc?.encryption !== 'legacy-cbc' && opts.encryption?.format !== 'legacy-cbc';
  if (looksPlain) {
    return { encryption: { format: 'none' }, payloadSize: archiveSize, read: (s, e) => readBuf(readRange, s, e) };
  }
  const key: KeyMaterial = await resolveKey(opts.keys, { format: 'legacy-cbc', algorithm: desc?.algorithm, legacyKeyId: desc?.legacyKeyId, description: desc });
  const B = blockSize(key.algorithm);
  let dataOffset: number;
  if (opts.encryption?.format === 'legacy-cbc') dataOffset = opts.encryption.dataOffset;
  else {
    const first = await readBuf(readRange, 0, 2 * B);
    dataOffset = B + 1 + legacyCbcDecryptSlice(key, first.subarray(0, B), first.subarray(B))[0];
  }
  return {
    encryption: { format: 'legacy-cbc', blockSize: B, dataOffset },
    payloadSize: archiveSize - dataOffset,
    async read(start, end) {
      if (end <= start) return Buffer.alloc(0);
      const s = Math.floor((dataOffset + start) / B) * B;
      const e = Math.ceil((dataOffset + end) / B) * B;
      const enc = await readBuf(readRange, s - B, e);
      const plain = legacyCbcDecryptSlice(key, enc.subarray(0, B), enc.subarray(B));
      return plain.subarray(dataOffset + start - s, dataOffset + end - s);
    },
  };
}

/** Rebuilds the frame index from the archive alone (its trailer): gzip and zstd archives written by Freezer. */
export async function readArchiveIndex(opts: { readRange: ReadRange; archiveSize: number; keys?: KeySource; description?: string }): Promise<FrameIndex> {
  const reader = await openPayloadReader(opts);
  const P = reader.payloadSize;
  if (P < ZSTD_LOCATOR_SIZE) throw new FreezerError('NoFrameIndex', 'The archive is too small to hold a frame index.');
  const loc = decodeLocator(await reader.read(Math.max(0, P - TRAILER_LOCATOR_SIZE), P));
  const locSize = loc.compression === 'zstd' ? ZSTD_LOCATOR_SIZE : TRAILER_LOCATOR_SIZE;
  if (loc.offset + loc.length + locSize !== P) throw new FreezerError('Corrupt', 'The frame index locator points outside the archive.');
  const idx = decodeIndexRecord(loc.compression, await reader.read(loc.offset, loc.offset + loc.length));
  return {
    ...idx,
    encryption: reader.encryption,
    payloadSize: P,
    archiveSize: archiveSizeFor(reader.encryption, P),
    frames: withEncryptedRanges(idx.frames, reader.encryption, P),
  };
}

export interface RangeRestoreOptions {
  index: FrameIndex;
  /** Member path as stored (see FreezeResult.members / FrameIndex.members). */
  member: string;
  readRange: ReadRange;
  keys?: KeySource;
  description?: string;
  to: string;
  overwrite?: boolean;
  onExisting?: OnExisting;
  expectedSha256?: string;
  signal?: AbortSignal;
}

/**
 * The archive byte range [start, end) that restoring `member` reads (e.g. for a Glacier ranged
 * retrieval). fzr1 archives also need their first 48 bytes (the header), unless the index holds them.
 */
export function memberArchiveRange(index: FrameIndex, member: string): { start: number; end: number; tarStart: number; tarEnd: number; frames: [number, number] } {
  const i = index.members.findIndex((m) => m.path === member);
  if (i < 0) throw new FreezerError('MemberNotFound', `"${member}" is not in this archive.`);
  const tarStart = index.members[i].tarOffset;
  const tarEnd = i + 1 < index.members.length ? index.members[i + 1].tarOffset : index.tarSize - 1024;
  const a = index.frames.findIndex((f) => tarStart >= f.tarOffset && tarStart < f.tarOffset + f.tarLength);
  const b = index.frames.findIndex((f) => tarEnd - 1 >= f.tarOffset && tarEnd - 1 < f.tarOffset + f.tarLength);
  if (a < 0 || b < a) throw new FreezerError('Corrupt', `The frame index does not cover "${member}".`);
  return { start: index.frames[a].encryptedStart, end: index.frames[b].encryptedEnd, tarStart, tarEnd, frames: [a, b] };
}

/** Restores one member reading only its frames (plus the fzr1 header) from the archive. */
export async function restoreMemberFromRange(opts: RangeRestoreOptions): Promise<RestoredFile[]> {
  const { index } = opts;
  const range = memberArchiveRange(index, opts.member);
  const reader = await openPayloadReader({ readRange: opts.readRange, archiveSize: index.archiveSize, keys: opts.keys, description: opts.description, encryption: index.encryption, payloadSize: index.payloadSize });
  const codec = frameCodec(index.compression);
  async function* tarBytes(): AsyncGenerator<Buffer> {
    for (let f = range.frames[0]; f <= range.frames[1]; f++) {
      throwIfAborted(opts.signal);
      const fr = index.frames[f];
      const tar = await codec.decompressFrames(await reader.read(fr.offset, fr.offset + fr.length), fr.tarLength);
      if (tar.length !== fr.tarLength) throw new FreezerError('Corrupt', `Frame ${f} decompressed to ${tar.length} bytes, the index says ${fr.tarLength}.`);
      const s = Math.max(range.tarStart, fr.tarOffset) - fr.tarOffset;
      const e = Math.min(range.tarEnd, fr.tarOffset + fr.tarLength) - fr.tarOffset;
      yield tar.subarray(s, e);
    }
    yield Buffer.alloc(1024); // end-of-archive blocks
  }
  return extractTar(Readable.from(tarBytes()), {
    to: opts.to,
    members: [opts.member],
    overwrite: opts.overwrite,
    onExisting: opts.onExisting,
    expectedSha256: opts.expectedSha256 ? new Map([[opts.member, opts.expectedSha256]]) : undefined,
    signal: opts.signal,
  });
}
