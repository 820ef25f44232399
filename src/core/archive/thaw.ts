import { createReadStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import { Readable, Transform } from 'node:stream';
import { FreezerError, throwIfAborted, CancellationError } from '../errors';
import { createFzr1DecryptStream, isFzr1 } from '../crypto/fzr1';
import { createLegacyCbcDecryptStream } from '../crypto/legacyCbc';
import { detectCompression, frameCodec } from './compression';
import { parseDescription, type ArchiveDescription, type Compression, type EncryptionFormat } from './description';
import { resolveKey, type KeySource } from './keyLookup';
import { ProgressReporter, type PipelineProgress } from './progress';
import type { OnExisting } from './placeFile';
import { extractTar, isSelected, type RestoredFile } from './safeExtract';
import { openPayloadReader, readArchiveIndex, type PayloadReader } from './rangeRestore';
import type { FrameIndex } from './frameIndex';
import { peekStream } from './streamPeek';

export type ThawProgress = PipelineProgress;

export interface ThawOptions {
  /** Archive file path, or its bytes as a stream. */
  input: string | Readable;
  /** Folder to restore into (created if missing). */
  to: string;
  /** Keys to choose from, or a lookup called with what the archive says about its key. */
  keys?: KeySource;
  /** The Glacier description: needed for legacy encrypted archives (it names the cipher). */
  description?: string;
  members?: readonly string[];
  overwrite?: boolean;
  /** Existing entries that differ: fail (default), replace, keep both, skip, or ask. */
  onExisting?: OnExisting;
  /** Member path → expected SHA-256 (hex); a mismatch fails with ChecksumMismatch and leaves no file. */
  expectedSha256?: ReadonlyMap<string, string>;
  /** Total input bytes, for progress when `input` is a stream. */
  inputSize?: number;
  /** Number of files expected, for "file N of M" (e.g. from the catalogue). */
  filesTotal?: number;
  signal?: AbortSignal;
  onProgress?: (p: ThawProgress) => void;
}

export interface ArchiveFormat {
  encryption: EncryptionFormat;
  compression: Compression;
}

const isTarLike = (c: Compression | null): boolean => c !== null;

/** Decrypts, decompresses and safely extracts an archive (ours or the original tool's). */
export async function thawArchive(opts: ThawOptions): Promise<RestoredFile[]> {
  const { signal } = opts;
  throwIfAborted(signal);
  const desc: ArchiveDescription | undefined = opts.description ? parseDescription(opts.description) : undefined;
  let inputSize = opts.inputSize ?? 0;
  let source: Readable;
  if (typeof opts.input === 'string') {
    const st = await fsp.stat(opts.input).catch((e: unknown) => {
      throw new FreezerError('NotFound', `Cannot read the archive ${opts.input as string}: ${(e as Error).message}`, { cause: e });
    });
    inputSize = st.size;
    source = createReadStream(opts.input, { highWaterMark: 1024 * 1024 });
  } else {
    source = opts.input;
  }
  const progress = new ProgressReporter(opts.onProgress, opts.filesTotal ?? opts.members?.length ?? 0, inputSize);
  if (typeof opts.input === 'string') {
    const indexed = await thawIndexed(opts.input, inputSize, opts, progress);
    if (indexed) return indexed;
  }
  let bytesRead = 0;
  const counter = new Transform({
    transform(c: Buffer, _e, cb) {
      bytesRead += c.length;
      progress.update({ bytesDone: bytesRead });
      cb(null, c);
    },
  });
  source.on('error', (e) => counter.destroy(e));
  counter.on('error', () => undefined);
  source.pipe(counter);

  const [head, peeked] = await peekStream(counter, 512);
  let stream = peeked;
  let encryption: EncryptionFormat;
  if (isFzr1(head)) {
    encryption = 'fzr1';
    const keys = opts.keys;
    stream = stream.pipe(createFzr1DecryptStream((fp) => resolveKey(keys, { format: 'fzr1', fingerprint: fp, description: desc })));
  } else if (isTarLike(detectCompression(head)) && desc?.encryption !== 'legacy-cbc') {
    encryption = 'none';
  } else if (desc?.encryption === 'legacy-cbc' || (opts.keys && head.length > 0)) {
    encryption = 'legacy-cbc';
    const key = await resolveKey(opts.keys, { format: 'legacy-cbc', algorithm: desc?.algorithm, legacyKeyId: desc?.legacyKeyId, description: desc });
    stream = forward(stream, createLegacyCbcDecryptStream(key));
  } else if (head.length === 0) {
    throw new FreezerError('Truncated', 'The archive is empty.');
  } else {
    throw new FreezerError('UnknownFormat', 'The archive is neither fzr1, tar, gzip, bzip2 nor zstd; if it is an encrypted archive of the original Freezer, give its description and key.');
  }
  const wrongKeyHint = encryption === 'legacy-cbc' ? ' Legacy archives have no authentication: a wrong key shows up like this.' : '';

  const [plainHead, plain] = await peekStream(stream, 1024);
  stream = plain;
  const compression = detectCompression(plainHead);
  if (!compression) {
    if (encryption === 'legacy-cbc') throw new FreezerError('WrongKey', `The archive did not decrypt to tar, gzip or bzip2 data: the key is wrong or the archive is damaged.${wrongKeyHint}`);
    throw new FreezerError('Corrupt', 'The archive content is not tar, gzip, bzip2 or zstd data.');
  }
  const codec = frameCodec(compression);
  const tarStream = forward(stream, codec.createDecompressStream());

  let filesDone = 0;
  try {
    return await extractTar(tarStream, {
      to: opts.to,
      members: opts.members,
      overwrite: opts.overwrite,
      onExisting: opts.onExisting,
      expectedSha256: opts.expectedSha256,
      signal,
      onEntry: (m) => progress.update({ currentFile: m }),
      onRestored: () => progress.update({ filesDone: ++filesDone }),
    }).then((r) => {
      progress.update({ filesDone, currentFile: '', bytesDone: bytesRead }, true);
      return r;
    });
  } catch (e) {
    source.destroy();
    if (signal?.aborted && !(e instanceof CancellationError)) throw new CancellationError();
    throw mapStreamError(e, encryption, wrongKeyHint);
  }
}

/**
 * Fast path for local files Freezer wrote with a frame index: frames are read, decrypted and
 * decompressed several at a time (zlib runs on the thread pool) and fed to the extractor in order.
 * Returns null when the archive has no usable index (the caller then streams it).
 */
async function thawIndexed(file: string, size: number, opts: ThawOptions, progress: ProgressReporter): Promise<RestoredFile[] | null> {
  const fh = await fsp.open(file, 'r');
  try {
    const readRange = async (s: number, e: number): Promise<Buffer> => {
      const b = Buffer.allocUnsafe(e - s);
      let got = 0;
      while (got < b.length) {
        const { bytesRead } = await fh.read(b, got, b.length - got, s + got);
        if (!bytesRead) break;
        got += bytesRead;
      }
      return b.subarray(0, got);
    };
    let index: FrameIndex;
    let reader: PayloadReader;
    try {
      index = await readArchiveIndex({ readRange, archiveSize: size, keys: opts.keys, description: opts.description });
      reader = await openPayloadReader({ readRange, archiveSize: size, keys: opts.keys, description: opts.description, encryption: index.encryption, payloadSize: index.payloadSize });
    } catch (e) {
      // fzr1 errors are final (and found before anything is written); anything else is left to the streaming path.
      const fzr1 = (await readRange(0, 4)).toString('latin1') === 'FZR1';
      if (fzr1 && ['WrongKey', 'Tampered', 'Truncated'].some((c) => FreezerError.is(e, c))) throw e;
      return null;
    }
    if (progress.state.filesTotal === 0 && !opts.members) progress.state.filesTotal = index.members.length;
    const codec = frameCodec(index.compression);
    const ahead = Math.max(2, os.availableParallelism?.() ?? os.cpus().length);
    // Tar ranges to restore: everything, or only the selected members (then only their frames are read).
    const ranges: Array<[number, number]> = [];
    if (!opts.members) ranges.push([0, index.tarSize]);
    else {
      index.members.forEach((m, i) => {
        if (!isSelected(m.path, opts.members)) return;
        const end = i + 1 < index.members.length ? index.members[i + 1].tarOffset : index.tarSize - 1024;
        const last = ranges.at(-1);
        if (last && last[1] === m.tarOffset) last[1] = end;
        else ranges.push([m.tarOffset, end]);
      });
    }
    const frames = index.frames.filter((f) => ranges.some(([s, e]) => s < f.tarOffset + f.tarLength && e > f.tarOffset));
    async function* tarBytes(): AsyncGenerator<Buffer> {
      const jobs: Array<Promise<Buffer>> = [];
      let next = 0;
      const start = (): void => {
        const f = frames[next++];
        const job = reader.read(f.offset, f.offset + f.length).then((z) => codec.decompressFrames(z, f.tarLength)).then((t) => {
          if (t.length !== f.tarLength) throw new FreezerError('Corrupt', `A frame decompressed to ${t.length} bytes, the index says ${f.tarLength}.`);
          return t;
        });
        job.catch(() => undefined);
        jobs.push(job);
      };
      for (const f of frames) {
        throwIfAborted(opts.signal);
        while (next < frames.length && jobs.length < ahead) start();
        const t = await jobs.shift()!;
        progress.update({ bytesDone: f.encryptedEnd });
        for (const [s, e] of ranges) {
          const from = Math.max(s, f.tarOffset);
          const to = Math.min(e, f.tarOffset + f.tarLength);
          if (from < to) yield from === f.tarOffset && to === f.tarOffset + f.tarLength ? t : t.subarray(from - f.tarOffset, to - f.tarOffset);
        }
      }
      if (opts.members) yield Buffer.alloc(1024); // end-of-archive blocks
    }
    let filesDone = 0;
    try {
      const r = await extractTar(Readable.from(tarBytes()), {
        to: opts.to,
        members: opts.members,
        overwrite: opts.overwrite,
        onExisting: opts.onExisting,
        expectedSha256: opts.expectedSha256,
        signal: opts.signal,
        onEntry: (m) => progress.update({ currentFile: m }),
        onRestored: () => progress.update({ filesDone: ++filesDone }),
      });
      progress.update({ filesDone, currentFile: '', bytesDone: size }, true);
      return r;
    } catch (e) {
      if (opts.signal?.aborted && !(e instanceof CancellationError)) throw new CancellationError();
      throw mapStreamError(e, index.encryption.format);
    }
  } finally {
    await fh.close();
  }
}

/** Pipes a into b, forwarding a's errors to b (so the consumer of b sees them). */
function forward(a: Readable, b: Transform | import('node:stream').Duplex): Readable {
  a.on('error', (e) => b.destroy(e));
  // The consumer's pipeline reports b's errors; this keeps a late second error from going uncaught.
  b.on('error', () => undefined);
  return a.pipe(b) as unknown as Readable;
}

/** zlib / tar errors → FreezerError codes a user can act on. */
export function mapStreamError(e: unknown, encryption: EncryptionFormat, hint = ''): unknown {
  if (e instanceof FreezerError) return e;
  const err = e as NodeJS.ErrnoException;
  const msg = err?.message ?? String(e);
  if (encryption === 'legacy-cbc' && (err?.code?.startsWith('Z_') || /tar header|incorrect header|invalid/i.test(msg))) {
    return new FreezerError('WrongKey', `The archive did not decrypt to valid data (${msg}): the key is wrong or the archive is damaged.${hint}`, { cause: e });
  }
  if (err?.code === 'Z_BUF_ERROR' || /unexpected end/i.test(msg)) return new FreezerError('Truncated', `The archive ends too early (${msg}): it was truncated.`, { cause: e });
  if (err?.code?.startsWith('Z_') || /tar header|Unexpected end of data|corrupt/i.test(msg)) {
    return new FreezerError('Corrupt', `The archive is damaged: ${msg}`, { cause: e });
  }
  return e;
}
