import { promises as fsp } from 'node:fs';
import tar from 'tar-stream';
import { throwIfAborted } from '../errors';
import { fzr1EncryptedSize } from '../crypto/fzr1';
import { frameCodec } from './compression';
import type { Compression } from './description';
import { DEFAULT_FRAME_SIZE, fzr1ChunkSizeFor } from './freeze';
import { encodeTrailer } from './frameIndex';

/**
 * What an archive of these files will take once stored, without building it: the tar's size is exact
 * (headers, padding, end blocks), its compressibility is measured on a sample of the files compressed
 * with the archive's own codec, and the fixed parts (frames, trailer, encryption chunks) are computed
 * as the freezer writes them. Reads at most `maxBlocks` blocks and stops sampling after `maxMs`.
 */
export interface EstimatedFile {
  path: string;
  /** Path inside the archive (its length decides PAX headers and the trailer's size). */
  memberPath: string;
  size: number;
}

export interface SizeEstimateOptions {
  compression: Compression;
  /** fzr1 encryption (new archives are fzr1 when encrypted). */
  encrypted: boolean;
  /** Bytes read per sampled block (default 64 KiB). */
  blockSize?: number;
  /** Blocks read at most (default 48: 3 MiB). */
  maxBlocks?: number;
  /** Sampling stops reading after this long; what was read is used (default 1.5 s). */
  maxMs?: number;
  signal?: AbortSignal;
}

export interface SizeEstimate {
  /** Estimated bytes of the archive file (what the store keeps). */
  bytes: number;
  tarBytes: number;
  /** Bytes of file content read for the sample, and how many files they came from. */
  sampledBytes: number;
  sampledFiles: number;
  /** Compressed / uncompressed, as measured on the sample (1 for `none`). */
  ratio: number;
}

const BLOCK = 512;
const pad = (n: number): number => Math.ceil(n / BLOCK) * BLOCK;

/** A PAX header (512 + its records, padded) when ustar cannot hold the name; approximates tar-stream's rule. */
function paxBytes(memberPath: string): number {
  const bytes = Buffer.byteLength(memberPath);
  // eslint-disable-next-line no-control-regex
  const ascii = /^[\x00-\x7f]*$/.test(memberPath);
  if (ascii && bytes <= 100) return 0;
  if (ascii && bytes <= 255) {
    const slash = memberPath.lastIndexOf('/', 155);
    if (slash > 0 && bytes - slash - 1 <= 100) return 0;
  }
  return BLOCK + pad(` path=${memberPath}\n`.length + 4);
}

/** Bytes one file takes in the tar stream. */
export function tarBytesOf(f: Pick<EstimatedFile, 'memberPath' | 'size'>): number {
  return paxBytes(f.memberPath) + BLOCK + pad(f.size);
}

/** The trailer's size: encoded for no members, plus each member's and frame's JSON as the freezer writes it. */
function trailerBytes(compression: Compression, files: readonly EstimatedFile[], tarBytes: number, framesBytes: number): number {
  const frames = Math.max(1, Math.ceil(tarBytes / DEFAULT_FRAME_SIZE));
  const empty = encodeTrailer({ compression, tarSize: tarBytes, framesSize: framesBytes, frames: [], members: [] });
  if (!empty) return 0;
  const digits = (n: number): number => String(Math.max(0, Math.round(n))).length;
  let n = empty.length;
  for (const f of files) n += JSON.stringify(f.memberPath).replace(/[\u007f-\uffff]/g, '\\uXXXX').length + digits(tarBytes / 2) + digits(f.size) + 4;
  n += frames * (digits(tarBytes / 2) + digits(DEFAULT_FRAME_SIZE) + digits(framesBytes / 2) + digits(framesBytes / frames) + 6);
  return n;
}

/** Blocks spread evenly over the tar bytes of the selection: small files whole, large ones a block at a time. */
function pickSample(files: readonly EstimatedFile[], tarBytes: number, blockSize: number, maxBlocks: number): Array<{ file: number; offset: number; length: number }> {
  const picks: Array<{ file: number; offset: number; length: number }> = [];
  if (!files.length) return picks;
  // A selection that fits in the sample is read whole: its estimate is then close to exact.
  if (tarBytes <= blockSize * maxBlocks) return files.map((f, i) => ({ file: i, offset: 0, length: f.size }));
  const step = Math.max(blockSize, tarBytes / maxBlocks);
  let at = step / 2;
  let start = 0;
  let lastWhole = -1;
  for (let i = 0; i < files.length && picks.length < maxBlocks; i++) {
    const f = files[i];
    const end = start + tarBytesOf(f);
    while (at < end && picks.length < maxBlocks) {
      if (f.size <= blockSize) {
        if (lastWhole !== i) picks.push({ file: i, offset: 0, length: f.size });
        lastWhole = i;
      } else {
        const within = Math.min(f.size - blockSize, Math.max(0, Math.floor(((at - start) / (end - start)) * f.size - blockSize / 2)));
        picks.push({ file: i, offset: within, length: blockSize });
      }
      at += step;
    }
    start = end;
  }
  return picks;
}

async function readBlock(p: string, offset: number, length: number): Promise<Buffer | null> {
  const fh = await fsp.open(p, 'r').catch(() => null);
  if (!fh) return null;
  try {
    const b = Buffer.alloc(length);
    const { bytesRead } = await fh.read(b, 0, length, offset);
    return b.subarray(0, bytesRead);
  } catch {
    return null;
  } finally {
    await fh.close();
  }
}

/** The sampled pieces as the tar the freezer would write for them (headers and padding included). */
async function sampleTar(pieces: Array<{ name: string; data: Buffer }>): Promise<Buffer> {
  const pack = tar.pack();
  const out: Buffer[] = [];
  pack.on('data', (c) => { out.push(c as Buffer); });
  const done = new Promise<void>((res, rej) => { pack.on('end', res); pack.on('error', rej); });
  for (const p of pieces) await new Promise<void>((res, rej) => pack.entry({ name: p.name, size: p.data.length, mode: 0o644, mtime: new Date(0) }, p.data, (e) => (e ? rej(e) : res())));
  pack.finalize();
  await done;
  return Buffer.concat(out);
}

export async function estimateArchiveSize(files: readonly EstimatedFile[], opts: SizeEstimateOptions): Promise<SizeEstimate> {
  const blockSize = opts.blockSize ?? 64 * 1024;
  const maxBlocks = Math.max(1, opts.maxBlocks ?? 48);
  const deadline = Date.now() + (opts.maxMs ?? 1500);
  // tar-stream ends the archive with two zero blocks.
  const tarBytes = files.reduce((n, f) => n + tarBytesOf(f), 0) + 2 * BLOCK;
  const dataBytes = files.reduce((n, f) => n + f.size, 0);

  let ratio = 1;
  let sampledBytes = 0;
  const sampled = new Set<number>();
  if (opts.compression !== 'none' && files.length) {
    const pieces: Array<{ name: string; data: Buffer }> = [];
    for (const pick of pickSample(files, tarBytes, blockSize, maxBlocks)) {
      throwIfAborted(opts.signal);
      if (pieces.length && Date.now() > deadline) break;
      const data = await readBlock(files[pick.file].path, pick.offset, pick.length);
      if (!data) continue;
      pieces.push({ name: files[pick.file].memberPath, data });
      sampledBytes += data.length;
      sampled.add(pick.file);
    }
    if (pieces.length) {
      const plain = await sampleTar(pieces);
      throwIfAborted(opts.signal);
      const packed = await frameCodec(opts.compression).compressFrame(plain);
      ratio = packed.length / plain.length;
    }
  }
  const frames = Math.max(1, Math.ceil(tarBytes / DEFAULT_FRAME_SIZE));
  // A stored zstd frame per 128 KiB block costs 3 bytes; compressed frames carry a header and checksum.
  const framesBytes = Math.ceil(tarBytes * ratio) + (opts.compression === 'none' ? 0 : frames * 18);
  const payload = framesBytes + trailerBytes(opts.compression, files, tarBytes, framesBytes);
  const bytes = opts.encrypted ? fzr1EncryptedSize(payload, fzr1ChunkSizeFor(dataBytes)) : payload;
  return { bytes, tarBytes, sampledBytes, sampledFiles: sampled.size, ratio };
}
