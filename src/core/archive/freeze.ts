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
import { frameCodec } from './compression';
import { formatDescription, type Compression } from './description';
import { archiveSizeFor, encodeGzipTrailer, withEncryptedRanges, type FrameEntry, type FrameIndex, type IndexEncryption } from './frameIndex';
import { ProgressReporter, type PipelineProgress } from './progress';
import { tarHeaderFor } from './tarHeader';
import { walkSources, type SourceFile, type WalkOptions } from './walk';

export const DEFAULT_FRAME_SIZE = 4 * 1024 * 1024;

export interface FreezeEncryption {
  /** 'fzr1' (authenticated, default) or the original tool's unauthenticated CBC layout. */
  format?: 'fzr1' | 'legacy-cbc';
  key: KeyMaterial;
  /** fzr1 plaintext chunk size (default 64 KiB). */
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
  compression?: Compression;
  /** Compression level (gzip 1–9, default 6; bzip2 default 9). */
  level?: number;
  encryption?: FreezeEncryption | null;
  /** Tar bytes per compressed frame (default 4 MiB). */
  frameSize?: number;
  /** Frames compressed at once (default: CPU count, at least 2). */
  concurrency?: number;
  /** Recorded in the description (ISO time); default now. Pass null to leave it out. */
  created?: string | null;
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
  const compression = opts.compression ?? 'gzip';
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
  const filesTotal = sources.length;
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
      const e = new Fzr1Encryptor(enc!.key, enc!.chunkSize ?? FZR1_DEFAULT_CHUNK_SIZE);
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

    const built = await buildPayload(sources, codec.compressFrame, frameSize, concurrency, payloadSink, progress, signal);

    let payloadSize = built.framesSize;
    if (compression === 'gzip') {
      const trailer = encodeGzipTrailer({ compression, tarSize: built.tarSize, framesSize: built.framesSize, frames: built.frames, members: built.indexMembers });
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
    };
    if (frameIndex.archiveSize !== written) throw new FreezerError('InternalError', `Archive size ${written} differs from the computed ${frameIndex.archiveSize}.`);
    const description = formatDescription({
      name: opts.name,
      compression,
      encryption: encFormat,
      ...(enc ? { algorithm: enc.key.algorithm, keyId: enc.key.id } : {}),
      ...(opts.created === null ? {} : { created: opts.created ?? new Date().toISOString().replace(/\.\d+Z$/, 'Z') }),
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
}

/** Tar producer and framed compressor running side by side; compressed frames are written in order. */
async function buildPayload(
  sources: SourceFile[],
  compressFrame: (b: Buffer) => Promise<Buffer>,
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
  const produce = async (): Promise<void> => {
    let bytesDone = 0;
    for (const [i, s] of sources.entries()) {
      throwIfAborted(signal);
      progress.update({ currentFile: s.memberPath, filesDone: i });
      const tarOffset = pushed;
      const header = tarHeaderFor(s);
      if (s.type === 'directory') {
        await new Promise<void>((res, rej) => pack.entry(header, (err) => (err ? rej(err) : res())));
        members.push({ path: s.memberPath, type: 'directory', size: 0, sha256: null, mtimeMs: s.mtimeMs, mode: s.mode, tarOffset });
        continue;
      }
      const h = createHash('sha256');
      let done!: () => void;
      let failed!: (e: Error) => void;
      const finished = new Promise<void>((res, rej) => { done = res; failed = rej; });
      finished.catch(() => undefined); // awaited below unless an earlier error wins
      const entry = pack.entry(header, (err) => (err ? failed(err) : done()));
      entry.on('error', () => undefined); // its failure arrives through `finished`
      let got = 0;
      if (s.size > 0) {
        const rs = createReadStream(s.absolutePath, { start: 0, end: s.size - 1, highWaterMark: 1024 * 1024 });
        try {
          for await (const chunk of rs as AsyncIterable<Buffer>) {
            throwIfAborted(signal);
            h.update(chunk);
            got += chunk.length;
            bytesDone += chunk.length;
            progress.update({ bytesDone });
            if (!entry.write(chunk)) await new Promise<void>((res) => entry.once('drain', res));
          }
        } catch (e) {
          rs.destroy();
          entry.destroy(e as Error);
          if (e instanceof FreezerError) throw e;
          throw new FreezerError('ReadFailed', `Cannot read ${s.absolutePath}: ${(e as Error).message}`, { cause: e });
        }
      }
      if (got !== s.size) {
        const err = new FreezerError('FileChanged', `${s.absolutePath} shrank from ${s.size} to ${got} bytes while being archived; try again when it is not being written.`);
        entry.destroy(err);
        throw err;
      }
      (entry as unknown as { end(): void }).end();
      await finished;
      members.push({ path: s.memberPath, type: 'file', size: s.size, sha256: h.digest('hex'), mtimeMs: s.mtimeMs, mode: s.mode, tarOffset });
    }
    progress.update({ filesDone: sources.length, currentFile: '' }, true);
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
  const submit = async (frame: Buffer): Promise<void> => {
    const job = compressFrame(frame);
    job.catch(() => undefined); // awaited in order by drainOne
    inflight.push({ tarOffset: tarPos, tarLength: frame.length, job, frame });
    tarPos += frame.length;
    while (inflight.length > concurrency) await drainOne();
  };
  const consume = async (): Promise<void> => {
    let parts: Buffer[] = [];
    let len = 0;
    for await (const c of pack as AsyncIterable<Buffer>) {
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
