import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { CancellationError, FreezerError, throwIfAborted } from '../errors';
import { TreeHasher } from '../hash/treeHash';
import { Fzr1Encryptor, FZR1_DEFAULT_CHUNK_SIZE, FZR1_HEADER_SIZE } from '../crypto/fzr1';
import { blockSize, type KeyMaterial } from '../crypto/keys';
import { createLegacyCbcEncryptStream } from '../crypto/legacyCbc';
import { frameCodec, type FrameCodec } from './compression';
import { formatDescription, type Compression } from './description';
import { archiveSizeFor, encodeTrailer, withEncryptedRanges, type FrameEntry, type FrameIndex, type IndexEncryption } from './frameIndex';
import { ProgressReporter, type PipelineProgress } from './progress';
import { openForArchive, readSmallFile, readSmallFilesBatch, SMALL_FILE, streamFile, SYNC_READ, type SmallRead } from './stableRead';
import { tarHeaderFor } from './tarHeader';
import { walkSources, type SourceFile, type WalkOptions } from './walk';

export const DEFAULT_FRAME_SIZE = 4 * 1024 * 1024;

/**
 * fzr1 chunk size for an archive of about `bytes` source bytes: the final chunk is always padded to
 * a whole chunk, so small archives get small chunks (1 KiB for a few bytes) and others 64 KiB.
 */
export function fzr1ChunkSizeFor(bytes: number): number {
  let c = 1024;
  while (c < FZR1_DEFAULT_CHUNK_SIZE && c * 16 < bytes) c *= 2;
  return c;
}

export interface FreezeEncryption {
  /** 'fzr1' (authenticated, default) or the original tool's unauthenticated CBC layout. */
  format?: 'fzr1' | 'legacy-cbc';
  key: KeyMaterial;
  /** fzr1 plaintext chunk size (default: 64 KiB, smaller for small archives so they stay small). */
  chunkSize?: number;
}

export type FreezeProgress = PipelineProgress;

export interface FreezeOptions {
  /** Entries from walkSources, or paths to walk (with `walk` options). */
  files: Array<SourceFile | string>;
  walk?: WalkOptions;
  /** Archive file to write; written as `<output>.partial` and renamed on success. */
  output: string;
  overwrite?: boolean;
  /** Archive name (goes into the description). */
  name: string;
  /** Default zstd. */
  compression?: Compression;
  /** Compression level (zstd 1–19, default: adapted per frame from 3; gzip 1–9, default 6; bzip2 default 9). */
  level?: number;
  encryption?: FreezeEncryption | null;
  /** Tar bytes per compressed frame (default 4 MiB). */
  frameSize?: number;
  /** Frames compressed at once (default: CPU count, at least 2). */
  concurrency?: number;
  /** Recorded in the description (ISO time); default now. Pass null to leave it out. */
  created?: string | null;
  /** The archive's unique token, recorded in the description (see ArchiveDescription.token). */
  token?: string;
  signal?: AbortSignal;
  onProgress?: (p: FreezeProgress) => void;
}

export interface FrozenMember {
  path: string;
  type: 'file' | 'directory';
  size: number;
  sha256: string | null;
  mtimeMs: number;
  mode: number;
  tarOffset: number;
  /** The file changed while it was read: the archive holds the bytes as read, not a clean copy. */
  changed?: true;
}

export interface FreezeResult {
  output: string;
  size: number;
  /** Glacier SHA-256 tree hash of the archive file (hex). */
  treeHash: string;
  /** SHA-256 of the whole archive file (hex). */
  sha256: string;
  description: string;
  frameIndex: FrameIndex;
  members: FrozenMember[];
  /** Member paths of files that changed while they were read (also marked in members and the index). */
  changedFiles: string[];
}

interface ByteSink {
  write(b: Buffer): Promise<void>;
  /** Several pieces in one system call. */
  writev(bs: Buffer[]): Promise<void>;
}

/** Walk output or paths → a list with totals (for "file N of M" and the byte-based ETA). */
async function collect(files: Array<SourceFile | string>, walk: WalkOptions | undefined, signal: AbortSignal | undefined): Promise<SourceFile[]> {
  const out: SourceFile[] = [];
  const paths = files.filter((f): f is string => typeof f === 'string');
  for (const f of files) if (typeof f !== 'string') out.push(f);
  if (paths.length) for await (const s of walkSources(paths, { ...walk, signal })) out.push(s);
  const seen = new Set<string>();
  for (const f of out) {
    if (seen.has(f.memberPath)) throw new FreezerError('DuplicateMember', `"${f.memberPath}" is selected twice.`);
    seen.add(f.memberPath);
  }
  return out;
}

/** Freezes files into one archive file: tar → framed compression → encryption, hashed as written. */
export async function freezeArchive(opts: FreezeOptions): Promise<FreezeResult> {
  const { signal } = opts;
  throwIfAborted(signal);
  const compression = opts.compression ?? 'zstd';
  const codec = frameCodec(compression, opts.level);
  const frameSize = opts.frameSize ?? DEFAULT_FRAME_SIZE;
  if (!(frameSize >= 64 * 1024)) throw new FreezerError('InvalidArgument', 'Frame size must be at least 64 KiB.');
  const concurrency = Math.max(1, opts.concurrency ?? Math.max(2, os.availableParallelism?.() ?? os.cpus().length));
  const enc = opts.encryption ?? null;
  const encFormat = enc ? (enc.format ?? 'fzr1') : 'none';
  const output = path.resolve(opts.output);
  const partial = `${output}.partial`;
  const plainTemp = `${output}.partial-payload`;

  if (!opts.overwrite && (await exists(output))) throw new FreezerError('TargetExists', `${output} already exists; choose another name or allow overwriting.`);
  const sources = await collect(opts.files, opts.walk, signal);
  // Folders are members too, but "file N of M" counts files only.
  const filesTotal = sources.filter((s) => s.type === 'file').length;
  const bytesTotal = sources.reduce((n, s) => n + (s.type === 'file' ? s.size : 0), 0);
  const progress = new ProgressReporter(opts.onProgress, filesTotal, bytesTotal);

  const out = await fsp.open(partial, 'w');
  let tmp: fsp.FileHandle | null = null;
  const tree = new TreeHasher();
  const whole = createHash('sha256');
  let written = 0;
  const fileSink: ByteSink = {
    async write(b) {
      if (b.length) await this.writev([b]);
    },
    async writev(bs) {
      for (const b of bs) {
        tree.update(b);
        whole.update(b);
        written += b.length;
      }
      // writev takes at most IOV_MAX (1024) buffers per call.
      for (let i = 0; i < bs.length; i += 1024) await out.writev(bs.slice(i, i + 1024));
    },
  };
  try {
    // The payload goes straight through fzr1 into the file; legacy CBC needs its size first, so it goes to a temp file.
    let payloadSink: ByteSink;
    let finishPayload: () => Promise<void>;
    let indexEnc: IndexEncryption = { format: 'none' };
    if (encFormat === 'fzr1') {
      const e = new Fzr1Encryptor(enc!.key, enc!.chunkSize ?? fzr1ChunkSizeFor(bytesTotal));
      indexEnc = { format: 'fzr1', chunkSize: e.header.chunkSize, headerSize: FZR1_HEADER_SIZE, header: e.header.bytes.toString('hex') };
      payloadSink = { write: (b) => fileSink.writev(e.update(b)), writev: async (bs) => { for (const b of bs) await fileSink.writev(e.update(b)); } };
      finishPayload = () => fileSink.writev(e.finish());
    } else if (encFormat === 'legacy-cbc') {
      tmp = await fsp.open(plainTemp, 'w');
      const t = tmp;
      payloadSink = { write: async (b) => { await t.write(b); }, writev: async (bs) => { await t.writev(bs); } };
      finishPayload = async () => undefined;
    } else {
      payloadSink = fileSink;
      finishPayload = async () => undefined;
    }

    const built = await buildPayload(sources, codec, frameSize, concurrency, payloadSink, progress, signal);

    let payloadSize = built.framesSize;
    const trailer = encodeTrailer({ compression, tarSize: built.tarSize, framesSize: built.framesSize, frames: built.frames, members: built.indexMembers, changed: built.changed });
    if (trailer) {
      await payloadSink.write(trailer);
      payloadSize += trailer.length;
    }
    await finishPayload();

    if (encFormat === 'legacy-cbc') {
      await tmp!.close();
      tmp = null;
      const key = enc!.key;
      const B = blockSize(key.algorithm);
      const cipher = createLegacyCbcEncryptStream(key, payloadSize);
      await pipeline(createReadStream(plainTemp, { highWaterMark: 1024 * 1024, signal }), cipher, async (src: AsyncIterable<Buffer>) => {
        for await (const b of src) await fileSink.write(b);
      });
      // Everything before the payload is IV + RHL byte + random header.
      indexEnc = { format: 'legacy-cbc', blockSize: B, dataOffset: written - payloadSize };
      await fsp.rm(plainTemp, { force: true });
    }
    await out.sync();
    await out.close();
    throwIfAborted(signal);
    await moveIntoPlace(partial, output, !!opts.overwrite);

    const frameIndex: FrameIndex = {
      version: 1,
      compression,
      encryption: indexEnc,
      tarSize: built.tarSize,
      framesSize: built.framesSize,
      payloadSize,
      archiveSize: archiveSizeFor(indexEnc, payloadSize),
      frames: withEncryptedRanges(built.frames, indexEnc, payloadSize),
      members: built.indexMembers,
      ...(built.changed.length ? { changed: built.changed } : {}),
    };
    if (frameIndex.archiveSize !== written) throw new FreezerError('InternalError', `Archive size ${written} differs from the computed ${frameIndex.archiveSize}.`);
    const description = formatDescription({
      name: opts.name,
      compression,
      encryption: encFormat,
      ...(enc ? { algorithm: enc.key.algorithm, keyId: enc.key.id } : {}),
      ...(opts.created === null ? {} : { created: opts.created ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') }),
      ...(opts.token ? { token: opts.token } : {}),
    });
    progress.update({ currentFile: '' }, true);
    return {
      output,
      size: written,
      treeHash: tree.digest().toString('hex'),
      sha256: whole.digest('hex'),
      description,
      frameIndex,
      members: built.members,
      changedFiles: built.changed.map((i) => built.members[i].path),
    };
  } catch (e) {
    await out.close().catch(() => undefined);
    await tmp?.close().catch(() => undefined);
    await fsp.rm(partial, { force: true });
    await fsp.rm(plainTemp, { force: true });
    if (signal?.aborted && !(e instanceof CancellationError)) throw new CancellationError();
    throw e;
  }
}

async function exists(p: string): Promise<boolean> {
  return fsp.access(p).then(() => true, () => false);
}

interface BuiltPayload {
  tarSize: number;
  framesSize: number;
  frames: Omit<FrameEntry, 'encryptedStart' | 'encryptedEnd'>[];
  members: FrozenMember[];
  indexMembers: FrameIndex['members'];
  changed: number[];
}

/** Tar producer and framed compressor running side by side; compressed frames are written in order. */
async function buildPayload(
  sources: SourceFile[],
  codec: FrameCodec,
  frameSize: number,
  concurrency: number,
  sink: ByteSink,
  progress: ProgressReporter,
  signal: AbortSignal | undefined,
): Promise<BuiltPayload> {
  const pack = tar.pack();
  pack.on('error', () => undefined); // reported through the producer and consumer promises
  // Count what tar-stream emits so each member's header offset is exact (PAX headers included).
  let pushed = 0;
  const origPush = pack.push.bind(pack) as (c: Buffer | null) => boolean;
  (pack as unknown as { push: (c: Buffer | null) => boolean }).push = (c) => {
    if (c) pushed += c.length;
    return origPush(c);
  };

  const members: FrozenMember[] = [];
  const changed: number[] = [];
  // The producer waits while the consumer is this far behind (a small file goes in as one piece).
  let consumed = 0;
  let wakeProducer: (() => void) | null = null;
  const caughtUp = async (): Promise<void> => {
    while (pushed - consumed > 2 * 1024 * 1024) await new Promise<void>((res) => { wakeProducer = res; });
  };
  const produce = async (): Promise<void> => {
    let bytesDone = 0;
    let filesDone = 0;
    // The next files up to SYNC_READ, read together (bounded in count and bytes).
    const batch = new Map<number, SmallRead | null>();
    const readBatch = async (i: number): Promise<void> => {
      const at: number[] = [];
      let bytes = 0;
      for (let j = i; j < sources.length && at.length < 64 && bytes < 4 * 1024 * 1024 && j - i < 512; j++) {
        const s = sources[j];
        if (s.type === 'file' && s.size <= SYNC_READ) {
          at.push(j);
          bytes += s.size;
        }
      }
      const reads = await readSmallFilesBatch(at.map((j) => sources[j].absolutePath), signal);
      at.forEach((j, k) => batch.set(j, reads[k]));
    };
    // Small files are read ahead, several at once on the thread pool, bounded in count and bytes.
    const ahead = new Map<number, Promise<SmallRead | null>>();
    let nextAhead = 0;
    let aheadBytes = 0;
    const refill = (i: number): void => {
      nextAhead = Math.max(nextAhead, i);
      while (nextAhead < sources.length && ahead.size < 32 && aheadBytes < 4 * 1024 * 1024 && nextAhead - i < 512) {
        const s = sources[nextAhead];
        if (s.type === 'file' && s.size > SYNC_READ && s.size <= SMALL_FILE) {
          const p = readSmallFile(s.absolutePath, signal);
          p.catch(() => undefined); // awaited in order below
          ahead.set(nextAhead, p);
          aheadBytes += s.size;
        }
        nextAhead++;
      }
    };
    try {
      for (const [i, s] of sources.entries()) {
        throwIfAborted(signal);
        refill(i);
        progress.update({ currentFile: s.memberPath, filesDone });
        const tarOffset = pushed;
        if (s.type === 'directory') {
          await new Promise<void>((res, rej) => pack.entry(tarHeaderFor(s), (err) => (err ? rej(err) : res())));
          members.push({ path: s.memberPath, type: 'directory', size: 0, sha256: null, mtimeMs: s.mtimeMs, mode: s.mode, tarOffset });
          continue;
        }
        const pending = ahead.get(i);
        let small: SmallRead | null = null;
        if (pending) {
          ahead.delete(i);
          aheadBytes -= s.size;
          small = await pending;
        } else if (s.size <= SYNC_READ) {
          if (!batch.has(i)) await readBatch(i);
          small = batch.get(i) ?? null;
          batch.delete(i);
        }
        if (small) {
          const data = small.data;
          await new Promise<void>((res, rej) => pack.entry(tarHeaderFor({ ...s, size: data.length, mtimeMs: small.before.mtimeMs }), data, (err) => (err ? rej(err) : res())));
          bytesDone += data.length;
          filesDone++;
          progress.update({ bytesDone, filesDone });
          if (small.changed) changed.push(members.length);
          members.push({ path: s.memberPath, type: 'file', size: data.length, sha256: small.sha256, mtimeMs: small.before.mtimeMs, mode: s.mode, tarOffset, ...(small.changed ? { changed: true } : {}) });
          await caughtUp();
          continue;
        }
        const { fh, before } = await openForArchive(s.absolutePath);
        try {
          let done!: () => void;
          let failed!: (e: Error) => void;
          const finished = new Promise<void>((res, rej) => { done = res; failed = rej; });
          finished.catch(() => undefined); // awaited below unless an earlier error wins
          const entry = pack.entry(tarHeaderFor({ ...s, size: before.size, mtimeMs: before.mtimeMs }), (err) => (err ? failed(err) : done()));
          entry.on('error', () => undefined); // its failure arrives through `finished`
          let r;
          try {
            r = await streamFile(s.absolutePath, fh, before, async (chunk) => {
              if (!entry.write(chunk)) await new Promise<void>((res) => entry.once('drain', res));
            }, (n) => {
              bytesDone += n;
              progress.update({ bytesDone });
            }, signal);
          } catch (e) {
            entry.destroy(e as Error);
            throw e;
          }
          (entry as unknown as { end(): void }).end();
          await finished;
          filesDone++;
          if (r.changed) changed.push(members.length);
          members.push({ path: s.memberPath, type: 'file', size: before.size, sha256: r.sha256, mtimeMs: before.mtimeMs, mode: s.mode, tarOffset, ...(r.changed ? { changed: true } : {}) });
        } finally {
          await fh.close().catch(() => undefined);
        }
      }
    } finally {
      for (const p of ahead.values()) void p.then((r) => r, () => undefined);
    }
    progress.update({ filesDone, currentFile: '' }, true);
    pack.finalize();
  };

  const frames: BuiltPayload['frames'] = [];
  let tarPos = 0;
  let outPos = 0;
  const inflight: Array<{ tarOffset: number; tarLength: number; job: Promise<Buffer>; frame: Buffer }> = [];
  // Full-size frame buffers are reused once their frame is compressed and written (less garbage, lower RSS).
  const pool: Buffer[] = [];
  const drainOne = async (): Promise<void> => {
    const f = inflight.shift()!;
    const z = await f.job;
    frames.push({ tarOffset: f.tarOffset, tarLength: f.tarLength, offset: outPos, length: z.length });
    outPos += z.length;
    await sink.write(z);
    if (f.frame.length === frameSize) pool.push(f.frame);
  };
  // zstd without a fixed level: one level lower when compression is what holds the pipeline back,
  // one higher when the compressors wait for tar, so both cores stay busy at the best ratio they allow.
  const levels = codec.adaptiveLevels;
  let level = levels?.start;
  const submit = async (frame: Buffer): Promise<void> => {
    if (levels && level !== undefined) {
      if (inflight.length >= concurrency) level = Math.max(levels.min, level - 1);
      else if (inflight.length === 0) level = Math.min(levels.max, level + 1);
    }
    const job = codec.compressFrame(frame, level);
    job.catch(() => undefined); // awaited in order by drainOne
    inflight.push({ tarOffset: tarPos, tarLength: frame.length, job, frame });
    tarPos += frame.length;
    while (inflight.length > concurrency) await drainOne();
  };
  const consume = async (): Promise<void> => {
    let parts: Buffer[] = [];
    let len = 0;
    for await (const c of pack as AsyncIterable<Buffer>) {
      consumed += c.length;
      if (wakeProducer) {
        const w = wakeProducer;
        wakeProducer = null;
        w();
      }
      let chunk = c;
      while (len + chunk.length >= frameSize) {
        const take = frameSize - len;
        parts.push(chunk.subarray(0, take));
        chunk = chunk.subarray(take);
        const frame = pool.pop() ?? Buffer.allocUnsafeSlow(frameSize);
        let at = 0;
        for (const p of parts) at += p.copy(frame, at);
        await submit(frame);
        parts = [];
        len = 0;
      }
      if (chunk.length) {
        parts.push(chunk);
        len += chunk.length;
      }
    }
    if (len > 0 || tarPos === 0) await submit(Buffer.concat(parts, len));
    while (inflight.length) await drainOne();
  };

  const producing = produce().catch((e: unknown) => {
    pack.destroy(e as Error);
    throw e;
  });
  const consuming = consume();
  try {
    await Promise.all([producing, consuming]);
  } catch (e) {
    pack.destroy(e as Error);
    await Promise.allSettled([producing, consuming, ...inflight.map((f) => f.job)]);
    const first = await producing.then(() => e, (pe: unknown) => pe);
    throw first;
  }
  return {
    tarSize: tarPos,
    framesSize: outPos,
    frames,
    members,
    indexMembers: members.map((m) => ({ path: m.path, tarOffset: m.tarOffset, size: m.size })),
    changed,
  };
}

/**
 * Renames the finished file into place. Without `overwrite` an existing file is never replaced, even
 * one that appeared meanwhile: a hard link fails atomically when the name is taken (plain rename after
 * a check where links are not supported).
 */
async function moveIntoPlace(from: string, to: string, overwrite: boolean): Promise<void> {
  if (overwrite) return fsp.rename(from, to);
  const taken = (): FreezerError => new FreezerError('TargetExists', `${to} already exists; it was not replaced (choose another name).`);
  try {
    await fsp.link(from, to);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw taken();
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV' && code !== 'ENOSYS') throw e;
    if (await exists(to)) throw taken();
    return fsp.rename(from, to);
  }
  await fsp.rm(from, { force: true });
}
