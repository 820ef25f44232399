import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { FreezerError, throwIfAborted } from '../errors';
import { withRetry } from '../glacier/retry';
import { errText } from '../glacier/multipartUploader';
import { Logger, nullLogger } from '../log';
import type { ByteRange, SegmentLayout } from '../storage/coldStore';
import type { S3Clients } from './clients';
import { partsOf } from './layout';
import { mapS3Error } from './s3Errors';

/** One verified GET: block (or, for layouts without blocks, part) `index` of `segment`. */
interface Piece { segment: SegmentLayout; index: number; start: number; end: number }

/** The units a segment's ranged GETs are checked in: its blocks, else its parts. */
function unitsOf(seg: SegmentLayout): { size: number; sha256: string[] } {
  return seg.blockSize && seg.blockSha256?.length ? { size: seg.blockSize, sha256: seg.blockSha256 } : { size: seg.partSize, sha256: seg.partSha256 };
}

/**
 * The part-aligned pieces covering archive bytes [range.start, range.end], from as few segments as
 * possible: one segment when one holds the whole range (segments overlap by a chunk for that), else
 * each next segment from where the previous one ends.
 */
export function piecesFor(segments: readonly SegmentLayout[], range: ByteRange): Piece[] {
  const holds = (s: SegmentLayout, a: number) => s.offset <= a && a < s.offset + s.size;
  const out: Piece[] = [];
  let pos = range.start;
  while (pos <= range.end) {
    // The segment holding `pos` that reaches furthest (the earlier one when both hold the rest).
    let seg: SegmentLayout | undefined;
    for (const s of segments) {
      if (!holds(s, pos)) continue;
      const reach = Math.min(range.end + 1, s.offset + s.size);
      if (!seg || reach > Math.min(range.end + 1, seg.offset + seg.size)) seg = s;
    }
    if (!seg) break;
    const from = pos - seg.offset;
    const to = Math.min(range.end + 1, seg.offset + seg.size) - seg.offset;
    partsOf(seg.size, unitsOf(seg).size).forEach((p, index) => {
      if (p.end > from && p.start < to) out.push({ segment: seg as SegmentLayout, index, start: p.start, end: p.end });
    });
    pos = seg.offset + to;
  }
  return out;
}

/** The block-aligned archive range that holds [range.start, range.end]. */
export function partAlignedRange(segments: readonly SegmentLayout[], range: ByteRange): ByteRange {
  const pieces = piecesFor(segments, range);
  if (!pieces.length) throw new FreezerError('InvalidRange', `Bytes ${range.start}-${range.end} are not in this archive.`);
  return { start: Math.min(...pieces.map((p) => p.segment.offset + p.start)), end: Math.max(...pieces.map((p) => p.segment.offset + p.end)) - 1 };
}

/**
 * GETs archive bytes `range` (block-aligned) from restored segments into `dest`: each block's bytes are
 * checked against the SHA-256 recorded at upload before they are written; a short or wrong body is
 * fetched again, then `ChecksumMismatch`. Bytes land in `<dest>.partial`, renamed once all are in.
 */
export async function downloadRange(o: {
  clients: S3Clients; bucket: string; segments: readonly SegmentLayout[]; range: ByteRange; dest: string; concurrency: number;
  signal?: AbortSignal; onProgress?: (p: { bytesDone: number; totalBytes: number }) => void; logger?: Logger;
}): Promise<number> {
  const log = o.logger ?? nullLogger;
  const pieces = runsOf(piecesFor(o.segments, o.range));
  const total = o.range.end - o.range.start + 1;
  const partial = `${o.dest}.partial`;
  const fh = await fs.open(partial, 'w');
  let done = 0;
  const arriving = new Map<Piece[], number>();
  const report = () => o.onProgress?.({ bytesDone: Math.min(total, done + [...arriving.values()].reduce((n, b) => n + b, 0)), totalBytes: total });
  let next = 0;
  let failure: unknown;
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await fh.truncate(total);
    const worker = async () => {
      while (!stop.signal.aborted) {
        const run = pieces[next++];
        if (!run) return;
        const p = { segment: run[0].segment, start: run[0].start, end: run[run.length - 1].end };
        try {
          // Bytes of runs still arriving count too, so the bar moves within a run of up to MAX_RUN.
          const body = await withRetry(() => fetchRun(o.clients, o.bucket, run, stop.signal, (n) => {
            arriving.set(run, n);
            report();
          }), {
            attempts: 4, signal: stop.signal, onRetry: (e, n) => log.warn('Reading bytes %d-%d of %s failed (%s), attempt %d', p.start, p.end - 1, p.segment.key, errText(e), n + 1),
          });
          const at = p.segment.offset + p.start - o.range.start;
          if (at < 0 || at + body.length > total) throw new FreezerError('InvalidRange', `Bytes ${p.start}-${p.end - 1} of ${p.segment.key} fall outside the range being downloaded.`);
          await fh.write(body, 0, body.length, at);
          arriving.delete(run);
          done += body.length;
          report();
        } catch (e) {
          arriving.delete(run);
          if (failure === undefined) failure = e;
          stop.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, o.concurrency), pieces.length) }, worker));
    throwIfAborted(o.signal);
    if (failure !== undefined) throw failure;
    await fh.sync();
  } catch (e) {
    await fh.close();
    await fs.rm(partial, { force: true });
    throw e;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
  await fh.close();
  await fs.rename(partial, o.dest);
  return done;
}

/** Longest single GET: consecutive blocks of one segment are fetched together up to this size. */
const MAX_RUN = 16 * 1024 * 1024;

function runsOf(pieces: Piece[]): Piece[][] {
  const runs: Piece[][] = [];
  for (const p of pieces) {
    const last = runs[runs.length - 1];
    const prev = last?.[last.length - 1];
    if (prev && prev.segment === p.segment && prev.end === p.start && p.end - last[0].start <= MAX_RUN) last.push(p);
    else runs.push([p]);
  }
  return runs;
}

/** One GET for a run of blocks; each block's SHA-256 is checked before any byte is used. */
async function fetchRun(c: S3Clients, bucket: string, run: Piece[], signal: AbortSignal, onBytes: (received: number) => void): Promise<Buffer> {
  const seg = run[0].segment;
  const start = run[0].start;
  const end = run[run.length - 1].end;
  let body: Buffer;
  try {
    const out = await c.s3.send(new GetObjectCommand({ Bucket: bucket, Key: seg.key, Range: `bytes=${start}-${end - 1}` }), { abortSignal: signal });
    if (!out.Body) throw new FreezerError('ShortRead', `S3 returned no body for ${seg.key}.`);
    // Read chunk by chunk (not transformToByteArray) to tell how far the body has come.
    onBytes(0);
    const chunks: Uint8Array[] = [];
    let received = 0;
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) {
      chunks.push(chunk);
      received += chunk.length;
      // The run's last bytes are reported once checked and written, not on arrival.
      if (received < end - start) onBytes(received);
    }
    body = Buffer.concat(chunks, received);
  } catch (e) {
    throw mapS3Error(e, { bucket, key: seg.key });
  }
  if (body.length !== end - start) throw new FreezerError('ShortRead', `Got ${body.length} bytes of ${seg.key} (bytes ${start}-${end - 1}), expected ${end - start}.`);
  const hashes = unitsOf(seg).sha256;
  for (const p of run) {
    const sha = createHash('sha256').update(body.subarray(p.start - start, p.end - start)).digest('base64');
    // Retryable (TreeHashMismatch is our retry loop's "wrong bytes" code): a damaged transfer is fetched again.
    if (sha !== hashes[p.index]) throw new FreezerError('TreeHashMismatch', `Bytes ${p.start}-${p.end - 1} of ${seg.key} have SHA-256 ${sha}, but Freezer stored ${hashes[p.index]}.`);
  }
  return body;
}
