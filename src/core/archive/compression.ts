import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { FreezerError } from '../errors';
import type { Compression } from './description';
import { createZstdFramesDecompress, storedZstdFrame } from './zstdFrames';

/**
 * Compression in independent frames: each frame of tar is compressed alone (a gzip member, a bzip2
 * stream, a zstd frame), so frames compress in parallel and any frame decompresses alone. The
 * concatenation is a normal .tar.gz / .tar.bz2 / .tar.zst that standard tools read.
 */
export interface FrameCodec {
  compression: Compression;
  /** `level` overrides the codec's level for this frame (the freezer adapts zstd's to the load). */
  compressFrame(tar: Buffer, level?: number): Promise<Buffer>;
  /** Levels the freezer may pick per frame: set when the caller did not fix one. */
  adaptiveLevels?: { min: number; start: number; max: number };
  /**
   * Decompresses one whole frame (gzip and bzip2 also take a concatenation of them). `size`, the
   * frame's tar length from the index, lets zlib decompress into one buffer in one pass.
   */
  decompressFrames(data: Buffer, size?: number): Promise<Buffer>;
  createDecompressStream(): Duplex;
}

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

/** zstd only where the runtime's zlib has it (Node ≥ 22.15); Node 20 does not. */
export function zstdAvailable(): boolean {
  return typeof zlib.zstdCompress === 'function' && typeof zlib.createZstdDecompress === 'function';
}

/**
 * zlib's one-call forms go back to the main thread each time their output buffer is full (16 KiB by
 * default): 256 round trips for a 4 MiB frame, each waiting while the main thread hashes and encrypts.
 */
const COMPRESS_CHUNK = 256 * 1024;
/** An output buffer of the expected size: one pass (within zlib's 64-byte minimum, and a bound a damaged index cannot push). */
const outputFor = (size: number | undefined): { chunkSize?: number } => (size !== undefined && size >= 64 && size <= 64 * 1024 * 1024 ? { chunkSize: size } : {});

const zstdCompressAsync = (b: Buffer, level: number): Promise<Buffer> => new Promise((resolve, reject) => {
  zlib.zstdCompress(b, { chunkSize: COMPRESS_CHUNK, params: { [zlib.constants.ZSTD_c_compressionLevel]: level, [zlib.constants.ZSTD_c_checksumFlag]: 1 } }, (e, r) => (e ? reject(e) : resolve(r)));
});
const zstdDecompressAsync = (b: Buffer, size?: number): Promise<Buffer> => new Promise((resolve, reject) => {
  zlib.zstdDecompress(b, outputFor(size), (e, r) => (e ? reject(e) : resolve(r)));
});

/** The bzip2 program (FREEZER_BZIP2 overrides, read at each use). */
export function bzip2Binary(): string {
  return process.env.FREEZER_BZIP2 || 'bzip2';
}

function bzip2Missing(e: unknown): FreezerError {
  return new FreezerError(
    'Bzip2Unavailable',
    `bzip2 archives need the "${bzip2Binary()}" program, which could not be started. Install bzip2 (e.g. apt install bzip2, brew install bzip2) and try again.`,
    { cause: e },
  );
}

/** Runs bzip2 over a buffer. */
function runBzip2(args: string[], input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(bzip2Binary(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.on('error', (e) => reject(bzip2Missing(e)));
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.stdin.on('error', () => undefined);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new FreezerError('Corrupt', `bzip2 failed: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`));
    });
    child.stdin.end(input);
  });
}

function bzip2DecompressStream(): Duplex {
  const child = spawn(bzip2Binary(), ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = new PassThrough();
  const err: Buffer[] = [];
  const d = Duplex.from({ writable: child.stdin, readable: out });
  child.on('error', (e) => d.destroy(bzip2Missing(e)));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  child.stdin.on('error', () => undefined);
  child.stdout.pipe(out, { end: false });
  child.on('close', (code) => {
    if (code === 0) out.end();
    else out.destroy(new FreezerError('Corrupt', `The bzip2 data is damaged: ${Buffer.concat(err).toString().trim() || `exit ${code}`}`));
  });
  d.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return d;
}

const SAMPLE = 16 * 1024;

/**
 * True when four samples of the frame do not shrink at the fastest setting (already compressed or
 * random data). Such frames are stored: compressing them would spend a core to save nothing.
 */
export async function looksIncompressible(b: Buffer, compression: Compression = 'gzip'): Promise<boolean> {
  if (b.length < 8 * SAMPLE) return false;
  const step = Math.floor((b.length - SAMPLE) / 3);
  for (let i = 0; i < 4; i++) {
    const s = b.subarray(i * step, i * step + SAMPLE);
    // zstd level 1 on 16 KiB takes a few tens of microseconds: cheaper inline than a thread-pool hop.
    const z = compression === 'zstd' ? zlib.zstdCompressSync(s, { params: { [zlib.constants.ZSTD_c_compressionLevel]: 1 } }) : await gzipAsync(s, { level: 1 });
    if (z.length < SAMPLE * 0.97) return false;
  }
  return true;
}

/** zstd levels the freezer moves between, frame by frame (3 is zstd's default). */
export const ZSTD_LEVELS = { min: 1, start: 3, max: 6 };

export function frameCodec(compression: Compression, level?: number): FrameCodec {
  switch (compression) {
    case 'gzip':
      return {
        compression,
        compressFrame: async (b, l) => gzipAsync(b, { chunkSize: COMPRESS_CHUNK, level: (await looksIncompressible(b)) ? 0 : (l ?? level ?? 6) }),
        decompressFrames: (b, size) => gunzipAsync(b, outputFor(size)),
        createDecompressStream: () => zlib.createGunzip({ chunkSize: 256 * 1024 }),
      };
    case 'bzip2':
      return {
        compression,
        compressFrame: (b) => runBzip2([`-${Math.min(9, Math.max(1, level ?? 9))}`, '-c'], b),
        decompressFrames: (b) => runBzip2(['-dc'], b),
        createDecompressStream: bzip2DecompressStream,
      };
    case 'zstd': {
      if (!zstdAvailable()) {
        throw new FreezerError('UnsupportedCompression', `zstd needs a runtime whose zlib has it (Node ≥ 22.15); this is Node ${process.versions.node}. Use gzip.`);
      }
      return {
        compression,
        compressFrame: async (b, l) => ((await looksIncompressible(b, 'zstd')) ? Buffer.concat(storedZstdFrame(b)) : zstdCompressAsync(b, l ?? level ?? ZSTD_LEVELS.start)),
        ...(level === undefined ? { adaptiveLevels: ZSTD_LEVELS } : {}),
        // Callers pass one frame (the index gives frame boundaries); the stream decoder reads concatenations.
        decompressFrames: zstdDecompressAsync,
        createDecompressStream: createZstdFramesDecompress,
      };
    }
    case 'none':
      return {
        compression,
        compressFrame: async (b) => b,
        decompressFrames: async (b) => b,
        createDecompressStream: () => new PassThrough(),
      };
    default:
      throw new FreezerError('UnsupportedCompression', `Unknown compression "${String(compression)}"; use gzip, bzip2, zstd or none.`);
  }
}

/** Recognises a compressed stream by its first bytes (tar when nothing matches). */
export function detectCompression(head: Buffer): Compression | null {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 3 && head.toString('latin1', 0, 3) === 'BZh') return 'bzip2';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'none';
  if (head.length >= 1024 && head.subarray(0, 1024).every((b) => b === 0)) return 'none'; // empty tar
  return null;
}

