import { Duplex, Readable } from 'node:stream';
import zlib from 'node:zlib';
import { FreezerError } from '../errors';

/**
 * zstd frame plumbing the runtime's zlib lacks: a stored (raw-block) frame for incompressible data,
 * and a decoder for a concatenation of frames (Node's zstd decoder stops after the first frame).
 * See docs/FORMAT.md §2 and RFC 8878.
 */
export const ZSTD_MAGIC = 0xfd2fb528;
const MAX_BLOCK = 128 * 1024;

/** True for the magic of a skippable frame (0x184D2A50–0x184D2A5F). */
export const isSkippableMagic = (m: number): boolean => (m & 0xfffffff0) >>> 0 === 0x184d2a50;

/** One zstd frame holding `data` in raw blocks: single segment, 4-byte content size, no checksum. */
export function storedZstdFrame(data: Buffer): Buffer[] {
  const head = Buffer.alloc(9);
  head.writeUInt32LE(ZSTD_MAGIC, 0);
  head[4] = 0xa0; // FCS field 4 bytes, single segment
  head.writeUInt32LE(data.length, 5);
  const out: Buffer[] = [head];
  let at = 0;
  do {
    const n = Math.min(MAX_BLOCK, data.length - at);
    const bh = Buffer.alloc(3);
    bh.writeUIntLE(((n << 3) | (at + n >= data.length ? 1 : 0)) >>> 0, 0, 3); // raw block, last flag
    out.push(bh, data.subarray(at, at + n));
    at += n;
  } while (at < data.length);
  return out;
}

/** A skippable frame (zstd -dc ignores it) carrying `data`. */
export function skippableFrame(nibble: number, data: Buffer): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt32LE((0x184d2a50 | (nibble & 15)) >>> 0, 0);
  h.writeUInt32LE(data.length, 4);
  return Buffer.concat([h, data]);
}

/** Pull reader over an async byte source. */
class Bytes {
  private buf: Buffer = Buffer.alloc(0);
  private done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}
  get available(): number {
    return this.buf.length;
  }
  async need(n: number): Promise<boolean> {
    while (this.buf.length < n && !this.done) {
      const r = await this.it.next();
      if (r.done) this.done = true;
      else if (r.value.length) this.buf = this.buf.length ? Buffer.concat([this.buf, r.value]) : r.value;
    }
    return this.buf.length >= n;
  }
  take(n: number): Buffer {
    const b = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return b;
  }
  peek(): Buffer {
    return this.buf;
  }
}

const truncated = (): FreezerError => new FreezerError('Truncated', 'The zstd data ends inside a frame: the archive was truncated.');

/** Bytes of one frame, parsed block by block (memory bounded by the 128 KiB block size). */
async function* oneFrame(r: Bytes): AsyncGenerator<Buffer> {
  if (!(await r.need(6))) throw truncated();
  const fhd = r.peek()[4];
  const single = (fhd >> 5) & 1;
  const fcs = fhd >> 6;
  const hdr = 5 + (single ? 0 : 1) + [0, 1, 2, 4][fhd & 3] + (fcs === 0 ? single : [0, 2, 4, 8][fcs]);
  const checksum = (fhd >> 2) & 1;
  if (!(await r.need(hdr))) throw truncated();
  yield r.take(hdr);
  for (;;) {
    if (!(await r.need(3))) throw truncated();
    const bh = r.peek().readUIntLE(0, 3);
    const type = (bh >> 1) & 3;
    if (type === 3) throw new FreezerError('Corrupt', 'The zstd data is damaged (reserved block type).');
    const size = type === 1 ? 1 : bh >>> 3;
    if (!(await r.need(3 + size))) throw truncated();
    yield r.take(3 + size);
    if (bh & 1) break;
  }
  if (checksum) {
    if (!(await r.need(4))) throw truncated();
    yield r.take(4);
  }
}

/** Decompresses a concatenation of zstd frames (skippable frames skipped), one frame at a time. */
export async function* decodeZstdFrames(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const r = new Bytes(src[Symbol.asyncIterator]());
  while (await r.need(1)) {
    if (!(await r.need(8))) throw truncated();
    const magic = r.peek().readUInt32LE(0);
    if (isSkippableMagic(magic)) {
      let left = r.peek().readUInt32LE(4);
      r.take(8);
      while (left > 0) {
        if (!(await r.need(1))) throw truncated();
        left -= r.take(Math.min(left, r.available)).length;
      }
      continue;
    }
    if (magic !== ZSTD_MAGIC) throw new FreezerError('Corrupt', 'The zstd data is damaged (no frame magic where a frame should start).');
    const d = zlib.createZstdDecompress({ chunkSize: 256 * 1024 });
    const input = Readable.from(oneFrame(r));
    input.on('error', (e) => d.destroy(e));
    input.pipe(d);
    for await (const out of d as AsyncIterable<Buffer>) yield out;
  }
}

/** Stream form of decodeZstdFrames. */
export function createZstdFramesDecompress(): Duplex {
  return Duplex.from(async function* (src: AsyncIterable<Buffer>) {
    yield* decodeZstdFrames(src);
  });
}
