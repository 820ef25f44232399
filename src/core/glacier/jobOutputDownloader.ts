import fs from 'node:fs/promises';
import { GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { CancellationError, FreezerError, throwIfAborted } from '../errors';
import { MIB, TreeHasher, combineTreeHashes, isValidPartSize, treeHash } from '../hash/treeHash';
import { Logger, nullLogger } from '../log';
import { GlacierClients } from './clients';
import { DEFAULT_THREADS } from './config';
import { errText } from './multipartUploader';
import { withRetry } from './retry';
import { count } from '../words';

export const DEFAULT_RANGE_SIZE = 16 * MIB;

export interface DownloadJobOutputOptions {
  clients: GlacierClients;
  vault: string;
  jobId: string;
  /** Size of the job output (the archive, or the retrieved range). */
  size: number;
  /** Tree hash (hex) the whole output must have: the job's SHA256TreeHash. */
  expectedTreeHash: string;
  /** Final path; bytes go to `<dest>.partial` and are renamed only once verified. */
  dest: string;
  /** Bytes per request, 1 MiB × 2^n so each range is tree-hash aligned (default 16 MiB). */
  rangeSize?: number;
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (p: { bytesDone: number; totalBytes: number }) => void;
  logger?: Logger;
  /** Attempts per range on top of the SDK's per-request retries (default 4). */
  rangeAttempts?: number;
}

export interface DownloadedJobOutput {
  path: string;
  treeHash: string;
  /** Ranges fetched by this call (a resume fetches only the missing ones). */
  rangesFetched: number;
  rangesTotal: number;
}

/** Kept beside the `.partial` file: which ranges are written and verified. */
interface DownloadState {
  jobId: string;
  size: number;
  rangeSize: number;
  expectedTreeHash: string;
  done: Record<number, string>;
}

export const partialPath = (dest: string) => `${dest}.partial`;
export const statePath = (dest: string) => `${dest}.partial.json`;

/**
 * Downloads a completed job's output in parallel tree-hash-aligned ranges. Each range is checked
 * against the tree hash Glacier sends with it, then the whole file (re-read from disk) against the
 * expected tree hash. Mismatches are retried, then reported as 'TreeHashMismatch'; unverified bytes
 * stay in `.partial` (or are removed) and never appear at `dest`. Interrupted downloads resume.
 */
export async function downloadJobOutput(opts: DownloadJobOutputOptions): Promise<DownloadedJobOutput> {
  const log = opts.logger ?? nullLogger;
  const rangeSize = opts.rangeSize ?? DEFAULT_RANGE_SIZE;
  if (!isValidPartSize(rangeSize)) throw new FreezerError('InvalidRangeSize', `Range size ${rangeSize} must be 1 MiB times a power of two.`);
  const expected = opts.expectedTreeHash.toLowerCase();
  const nRanges = Math.ceil(opts.size / rangeSize);
  const ranges = Array.from({ length: nRanges }, (_, i) => ({ index: i, start: i * rangeSize, length: Math.min(rangeSize, opts.size - i * rangeSize) }));
  const partial = partialPath(opts.dest);

  let state = await readState(opts.dest);
  const fresh = !state || state.jobId !== opts.jobId || state.size !== opts.size || state.rangeSize !== rangeSize || state.expectedTreeHash !== expected;
  if (fresh || !(await exists(partial))) state = { jobId: opts.jobId, size: opts.size, rangeSize, expectedTreeHash: expected, done: {} };
  const st = state as DownloadState;
  if (Object.keys(st.done).length) log.info('Resuming download of job %s: %d of %d ranges already verified', opts.jobId, Object.keys(st.done).length, nRanges);

  let fetched = 0;
  for (let round = 0; ; round++) {
    fetched += await fetchMissing(opts, ranges, st, log);
    const verdict = await verifyFile(partial, ranges, st, expected);
    if (verdict.ok) break;
    // Bytes on disk that differ from what was verified in memory are fetched again; if everything
    // matches what Glacier sent but not the archive's hash, one full re-download decides.
    const bad = verdict.badRanges.length ? verdict.badRanges : ranges.map((r) => r.index);
    if (round >= 1) {
      await fs.rm(partial, { force: true });
      await fs.rm(statePath(opts.dest), { force: true });
      throw new FreezerError('TreeHashMismatch',
        `The downloaded output of job ${opts.jobId} has tree hash ${verdict.actual}, but the archive's is ${expected}. ` +
        'The bytes were discarded; start a new retrieval, and if this persists the archive at AWS may be damaged.');
    }
    log.warn('Job %s output failed the whole-file tree-hash check; fetching %s again', opts.jobId, count(bad.length, 'range'));
    for (const i of bad) delete st.done[i];
    await writeState(opts.dest, st);
  }
  await fs.rename(partial, opts.dest);
  await fs.rm(statePath(opts.dest), { force: true });
  log.info('Downloaded job %s output to %s (%d bytes, verified)', opts.jobId, opts.dest, opts.size);
  return { path: opts.dest, treeHash: expected, rangesFetched: fetched, rangesTotal: nRanges };
}

type Range = { index: number; start: number; length: number };

async function fetchMissing(opts: DownloadJobOutputOptions, ranges: Range[], st: DownloadState, log: Logger): Promise<number> {
  const partial = partialPath(opts.dest);
  const fh = await fs.open(partial, (await exists(partial)) ? 'r+' : 'w+');
  try {
    await fh.truncate(opts.size);
    const missing = ranges.filter((r) => st.done[r.index] === undefined);
    let bytesDone = ranges.reduce((n, r) => n + (st.done[r.index] ? r.length : 0), 0);
    // Bytes of ranges still arriving count too: a range is up to 16 MiB, the bar should not wait for it.
    const arriving = new Map<number, number>();
    const report = () => opts.onProgress?.({ bytesDone: bytesDone + [...arriving.values()].reduce((n, b) => n + b, 0), totalBytes: opts.size });
    report();
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    let failure: unknown;
    let stateWrites: Promise<void> = Promise.resolve();
    const worker = async () => {
      while (!stop.signal.aborted) {
        const r = missing[next++];
        if (!r) return;
        try {
          const { body, hash } = await fetchRange(opts, r, stop.signal, log, (n) => {
            arriving.set(r.index, n);
            report();
          });
          await writeAll(fh, body, r.start);
          await fh.datasync();
          st.done[r.index] = hash;
          stateWrites = stateWrites.then(() => writeState(opts.dest, st));
          await stateWrites;
          arriving.delete(r.index);
          bytesDone += r.length;
          report();
        } catch (e) {
          arriving.delete(r.index);
          if (failure === undefined) failure = e;
          stop.abort();
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DEFAULT_THREADS, missing.length) }, worker));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    throwIfAborted(opts.signal);
    if (failure !== undefined) throw failure;
    return missing.length;
  } finally {
    await fh.close();
  }
}

async function fetchRange(opts: DownloadJobOutputOptions, r: Range, signal: AbortSignal, log: Logger, onBytes: (received: number) => void): Promise<{ body: Buffer; hash: string }> {
  const end = r.start + r.length - 1;
  const attempts = opts.rangeAttempts ?? 4;
  try {
    // Our loop, not only the SDK's: the SDK cannot retry a body that breaks off or carries wrong bytes.
    return await withRetry(async () => {
      const out = await opts.clients.glacier.send(new GetJobOutputCommand({
        accountId: opts.clients.accountId, vaultName: opts.vault, jobId: opts.jobId, range: `bytes=${r.start}-${end}`,
      }), { abortSignal: signal });
      // Each attempt counts from zero: a broken-off body's bytes are fetched again.
      onBytes(0);
      const body = await readBody(out.body as AsyncIterable<Uint8Array> | undefined, r.length, onBytes);
      const hash = treeHash(body).toString('hex');
      if (out.checksum && out.checksum.toLowerCase() !== hash) {
        throw new FreezerError('TreeHashMismatch', `Bytes ${r.start}–${end} of job ${opts.jobId} hash to ${hash}, Glacier says ${out.checksum}.`);
      }
      return { body, hash };
    }, { attempts, signal, onRetry: (e, n) => log.warn('Range %d–%d of job %s failed (%s), attempt %d of %d', r.start, end, opts.jobId, errText(e), n + 1, attempts) });
  } catch (e) {
    if (signal.aborted) throw new CancellationError();
    if (FreezerError.is(e, 'TreeHashMismatch')) {
      throw new FreezerError('TreeHashMismatch', `${e.message} Still wrong after ${attempts} attempts; the partial download is kept, try again later.`, { cause: e });
    }
    throw e;
  }
}

/** The whole body into one exact-size buffer; a short or long body is a retryable 'ShortRead'. */
async function readBody(body: AsyncIterable<Uint8Array> | undefined, length: number, onBytes: (received: number) => void): Promise<Buffer> {
  if (!body) throw new FreezerError('ShortRead', 'Glacier returned no body.');
  const buf = Buffer.allocUnsafe(length);
  let off = 0;
  for await (const chunk of body) {
    if (off + chunk.length > length) {
      (body as { destroy?: () => void }).destroy?.();
      throw new FreezerError('ShortRead', `Glacier returned more than the ${length} bytes asked for.`);
    }
    buf.set(chunk, off);
    off += chunk.length;
    // The range's last bytes are reported once verified and written, not on arrival.
    if (off < length) onBytes(off);
  }
  if (off !== length) throw new FreezerError('ShortRead', `Glacier returned ${off} of ${length} bytes.`);
  return buf;
}

async function writeAll(fh: fs.FileHandle, buf: Buffer, position: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off, position + off);
    off += bytesWritten;
  }
}

/** Re-reads the partial file: whole tree hash, and the ranges whose bytes differ from what was verified. */
async function verifyFile(partial: string, ranges: Range[], st: DownloadState, expected: string): Promise<{ ok: boolean; actual: string; badRanges: number[] }> {
  const hasher = new TreeHasher();
  const fh = await fs.open(partial, 'r');
  try {
    const buf = Buffer.allocUnsafe(4 * MIB);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hasher.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  const actual = hasher.digest().toString('hex');
  const leaves = hasher.leafHashes();
  const perRange = st.rangeSize / MIB;
  const badRanges = ranges
    .filter((r) => combineTreeHashes(leaves.slice(r.index * perRange, (r.index + 1) * perRange)).toString('hex') !== st.done[r.index])
    .map((r) => r.index);
  return { ok: actual === expected, actual, badRanges };
}

async function readState(dest: string): Promise<DownloadState | undefined> {
  try {
    return JSON.parse(await fs.readFile(statePath(dest), 'utf8')) as DownloadState;
  } catch {
    return undefined;
  }
}

async function writeState(dest: string, st: DownloadState): Promise<void> {
  const tmp = `${statePath(dest)}.tmp`;
  await fs.writeFile(tmp, JSON.stringify(st));
  await fs.rename(tmp, statePath(dest));
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(() => true, () => false);
}
