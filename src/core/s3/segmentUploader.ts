import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, DeleteObjectCommand, HeadObjectCommand,
  ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { CancellationError, FreezerError } from '../errors';
import { isRetryableError, withRetry } from '../glacier/retry';
import { errText } from '../glacier/multipartUploader';
import { Logger, nullLogger } from '../log';
import type { PutProgress, SegmentLayout } from '../storage/coldStore';
import type { S3Clients } from './clients';
import { partsOf } from './layout';
import { errName, isNotFound, mapS3Error } from './s3Errors';
import { compositeSha256 } from './segmentHashes';
import type { ArchiveStorageClass } from './storageClass';

/** An upload's resumable state, kept through the SessionStore (JSON). */
export interface S3UploadState {
  v: 1;
  store: string;
  archiveId: string;
  fileSize: number;
  partSize: number;
  storageClass: ArchiveStorageClass;
  sha256: string;
  segments: SegmentLayout[];
  /** Segment index → multipart upload id, recorded before its first part is sent. */
  uploads: Record<number, string>;
  /** Segments stored and checked. */
  done: number[];
}

export interface UploadSegmentsOptions {
  clients: S3Clients;
  bucket: string;
  file: string;
  state: S3UploadState;
  /** Saves `state` durably (the session store). */
  save: () => Promise<void>;
  /** True when an earlier run may have stored some objects: every unfinished segment is HEADed first. */
  resumed: boolean;
  concurrency: number;
  signal?: AbortSignal;
  onProgress?: (p: PutProgress) => void;
  logger?: Logger;
  attempts?: number;
}

/** Counting semaphore: at most `n` parts in memory and in flight. */
class Slots {
  private waiting: (() => void)[] = [];
  constructor(private free: number) {}
  async take(): Promise<void> {
    if (this.free > 0) { this.free--; return; }
    await new Promise<void>((r) => this.waiting.push(r));
  }
  give(): void {
    const w = this.waiting.shift();
    if (w) w(); else this.free++;
  }
}

/**
 * Uploads the archive's segments: small ones in one PutObject, others as multipart uploads whose
 * parts go in parallel, each with its SHA-256 (or Content-MD5 in compat mode) for S3 to verify. A
 * PutObject or CompleteMultipartUpload whose answer is lost is settled by HEAD before anything is
 * sent again, so no segment is ever stored twice. Returns the number of parts sent by this call.
 */
export async function uploadSegments(o: UploadSegmentsOptions): Promise<{ partsSent: number; partsTotal: number }> {
  const log = o.logger ?? nullLogger;
  const { state } = o;
  const partsTotal = state.segments.reduce((n, s) => n + partsOf(s.size, state.partSize).length, 0);
  let partsDone = state.segments.filter((_, i) => state.done.includes(i)).reduce((n, s) => n + partsOf(s.size, state.partSize).length, 0);
  let bytesDone = state.segments.filter((_, i) => state.done.includes(i)).reduce((n, s) => n + s.size - (s.overlap ?? 0), 0);
  let partsSent = 0;
  const report = (parts: number, bytes: number) => {
    partsDone += parts;
    bytesDone += bytes;
    // Overlapping bytes are sent twice but are one file's bytes: the count stops at the file's size.
    o.onProgress?.({ bytesDone: Math.min(bytesDone, state.fileSize), totalBytes: state.fileSize, partsDone, partsTotal });
  };
  o.onProgress?.({ bytesDone, totalBytes: state.fileSize, partsDone, partsTotal });

  const stop = new AbortController();
  const onAbort = () => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const slots = new Slots(Math.max(1, o.concurrency));
  let failure: unknown;
  let saving: Promise<void> = Promise.resolve();
  const save = () => (saving = saving.catch(() => undefined).then(o.save));
  const fh = await fs.open(o.file, 'r');
  const readPart = async (seg: SegmentLayout, p: { start: number; end: number }, index: number) => {
    const body = Buffer.allocUnsafe(p.end - p.start);
    let off = 0;
    while (off < body.length) {
      const { bytesRead } = await fh.read(body, off, body.length - off, seg.offset + p.start + off);
      if (bytesRead === 0) throw new FreezerError('FileChanged', `${o.file} became shorter while it was being uploaded.`);
      off += bytesRead;
    }
    const sha = createHash('sha256').update(body).digest('base64');
    if (sha !== seg.partSha256[index]) throw new FreezerError('FileChanged', `${o.file} changed since its upload began (part ${index + 1} of ${seg.key}); freeze the files again.`);
    return { body, sha, md5: o.clients.compat ? createHash('md5').update(body).digest('base64') : undefined };
  };
  // BadDigest: S3 got other bytes than we hashed (a corrupted transfer): worth sending again.
  const retry = <T>(what: string, fn: () => Promise<T>) => withRetry(() => fn().catch((e: unknown) => {
    if (errName(e) === 'BadDigest' || errName(e) === 'InvalidDigest') throw new FreezerError('Transient', `S3 refused the bytes of ${what.toLowerCase()} as damaged in transit (${errName(e)}).`, { cause: e });
    throw e;
  }), {
    attempts: o.attempts ?? 4, signal: stop.signal,
    onRetry: (e, n) => log.warn('%s failed (%s), attempt %d', what, errText(e), n + 1),
  });

  /** Is the segment already stored, as we meant it? A different object at our key is an error. */
  const settled = async (seg: SegmentLayout): Promise<boolean> => {
    try {
      const h = await o.clients.s3.send(new HeadObjectCommand({ Bucket: o.bucket, Key: seg.key, ChecksumMode: 'ENABLED' }), { abortSignal: stop.signal });
      const sha = h.Metadata?.['freezer-sha256'];
      const parts = seg.partSha256;
      // Multipart: the composite value (some servers leave out its "-N"); one request: the object's SHA-256.
      const got = h.ChecksumSHA256?.replace(/-\d+$/, '');
      const checksumOk = !got || got === compositeSha256(parts).replace(/-\d+$/, '') || got === Buffer.from(seg.sha256, 'hex').toString('base64');
      if (h.ContentLength === seg.size && sha === seg.sha256 && checksumOk) return true;
      throw new FreezerError('SegmentConflict', `s3://${o.bucket}/${seg.key} exists but is not this archive's segment (size ${h.ContentLength}, expected ${seg.size}); Freezer does not overwrite it. Remove the archive and freeze again.`);
    } catch (e) {
      if (isNotFound(e)) return false;
      throw mapS3Error(e, { bucket: o.bucket, key: seg.key });
    }
  };

  const partMd5 = async (seg: SegmentLayout, p: { start: number; end: number }) => {
    const body = Buffer.allocUnsafe(p.end - p.start);
    const { bytesRead } = await fh.read(body, 0, body.length, seg.offset + p.start);
    return createHash('md5').update(body.subarray(0, bytesRead)).digest('hex');
  };

  const metadata = (seg: SegmentLayout) => ({ 'freezer-sha256': seg.sha256, 'freezer-archive': state.archiveId, 'freezer-offset': String(seg.offset), 'freezer-overlap': String(seg.overlap ?? 0) });

  const putSingle = async (seg: SegmentLayout, checkFirst: boolean) => {
    await slots.take();
    try {
      if (checkFirst && (await settled(seg))) return 0;
      const { body, sha, md5 } = await readPart(seg, { start: 0, end: seg.size }, 0);
      let first = true;
      await retry(`Storing ${seg.key}`, async () => {
        // A retry after a lost answer: the first PUT may have been stored.
        if (!first && (await settled(seg))) return;
        first = false;
        await o.clients.once.send(new PutObjectCommand({
          Bucket: o.bucket, Key: seg.key, Body: body, ContentLength: body.length, StorageClass: state.storageClass, Metadata: metadata(seg),
          ...(md5 ? { ContentMD5: md5 } : { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: sha }),
        }), { abortSignal: stop.signal });
      });
      return 1;
    } finally {
      slots.give();
    }
  };

  const putMultipart = async (index: number, seg: SegmentLayout, checkFirst: boolean) => {
    const parts = partsOf(seg.size, state.partSize);
    const have = new Map<number, { etag: string; sha?: string }>();
    let uploadId: string | undefined = state.uploads[index];
    if (checkFirst && (await settled(seg))) {
      report(parts.length, seg.size);
      return 0;
    }
    if (uploadId) {
      const listed = await listParts(o.clients, o.bucket, seg.key, uploadId, stop.signal);
      if (!listed) {
        log.warn('Multipart upload of %s is gone at S3 (expired or aborted); starting it again', seg.key);
        uploadId = undefined;
      } else {
        for (const [n, p] of listed) {
          const i = n - 1;
          if (!parts[i] || p.size !== parts[i].end - parts[i].start) continue;
          // A part S3 lists without its SHA-256 is matched by its ETag (the MD5 of its bytes).
          const same = p.sha ? p.sha === seg.partSha256[i] : p.etag.replace(/"/g, '') === (await partMd5(seg, parts[i]));
          if (same) have.set(n, { etag: p.etag, sha: p.sha });
        }
        log.info('Resuming %s: %d of %d parts already at S3', seg.key, have.size, parts.length);
      }
    }
    if (!uploadId) {
      // A Create whose answer was lost (or a kill before its id was saved) left an upload at S3 that
      // would hold billed parts for ever: adopt it rather than start a second one.
      let first = !checkFirst;
      let adopted = false;
      uploadId = await retry(`Starting the upload of ${seg.key}`, async () => {
        const open = first ? undefined : await adoptOpenUpload(o.clients, o.bucket, seg.key, stop.signal, log);
        first = false;
        adopted = open !== undefined;
        if (open) return open;
        const created = await o.clients.once.send(new CreateMultipartUploadCommand({
          Bucket: o.bucket, Key: seg.key, StorageClass: state.storageClass, Metadata: metadata(seg),
          ...(o.clients.compat ? {} : { ChecksumAlgorithm: 'SHA256' }),
        }), { abortSignal: stop.signal });
        if (!created.UploadId) throw new FreezerError('UploadFailed', `S3 returned no upload id for ${seg.key}.`);
        return created.UploadId;
      });
      state.uploads[index] = uploadId;
      await save();
      const listed = adopted ? await listParts(o.clients, o.bucket, seg.key, uploadId, stop.signal) : undefined;
      for (const [n, p] of listed ?? []) {
        const i = n - 1;
        if (parts[i] && p.size === parts[i].end - parts[i].start && p.sha === seg.partSha256[i]) have.set(n, { etag: p.etag, sha: p.sha });
      }
    }
    const id = uploadId;
    const skipped = have.size;
    if (skipped) report(skipped, [...have.keys()].reduce((n, k) => n + parts[k - 1].end - parts[k - 1].start, 0));
    let sent = 0;
    await Promise.all(parts.map(async (p, i) => {
      if (have.has(i + 1)) return;
      await slots.take();
      try {
        if (stop.signal.aborted) return;
        const { body, sha, md5 } = await readPart(seg, p, i);
        const out = await retry(`Part ${i + 1}/${parts.length} of ${seg.key}`, () => o.clients.s3.send(new UploadPartCommand({
          Bucket: o.bucket, Key: seg.key, UploadId: id, PartNumber: i + 1, Body: body, ContentLength: body.length,
          ...(md5 ? { ContentMD5: md5 } : { ChecksumAlgorithm: 'SHA256', ChecksumSHA256: sha }),
        }), { abortSignal: stop.signal }));
        if (out.ChecksumSHA256 && out.ChecksumSHA256 !== sha) throw new FreezerError('Transient', `S3 computed SHA-256 ${out.ChecksumSHA256} for part ${i + 1} of ${seg.key}, expected ${sha}.`);
        if (!out.ETag) throw new FreezerError('UploadFailed', `S3 returned no ETag for part ${i + 1} of ${seg.key}.`);
        have.set(i + 1, { etag: out.ETag, sha: md5 ? undefined : sha });
        sent++;
        report(1, body.length);
      } catch (e) {
        if (failure === undefined) failure = e;
        stop.abort();
      } finally {
        slots.give();
      }
    }));
    if (failure !== undefined || stop.signal.aborted) return sent;
    const list = parts.map((_, i) => ({ PartNumber: i + 1, ETag: have.get(i + 1)?.etag, ...(o.clients.compat ? {} : { ChecksumSHA256: seg.partSha256[i] }) }));
    let first = true;
    await retry(`Completing ${seg.key}`, async () => {
      // The first Complete may have succeeded with its answer lost: settle by HEAD before re-sending.
      // (A success here reports nothing more: every part was reported as it was sent or found.)
      if (!first && (await settled(seg))) return;
      first = false;
      try {
        const done = await o.clients.once.send(new CompleteMultipartUploadCommand({
          Bucket: o.bucket, Key: seg.key, UploadId: id, MultipartUpload: { Parts: list },
        }), { abortSignal: stop.signal });
        if (done.ChecksumSHA256 && !o.clients.compat && done.ChecksumSHA256 !== compositeSha256(seg.partSha256)) {
          throw new FreezerError('ChecksumMismatch', `S3 stored ${seg.key} with checksum ${done.ChecksumSHA256}, expected ${compositeSha256(seg.partSha256)}.`);
        }
      } catch (e) {
        if (isNotFound(e) && (await settled(seg))) return;
        throw e;
      }
    });
    return sent;
  };

  try {
    const todo = state.segments.map((s, i) => ({ s, i })).filter(({ i }) => !state.done.includes(i));
    let next = 0;
    const worker = async () => {
      while (!stop.signal.aborted) {
        const t = todo[next++];
        if (!t) return;
        try {
          const checkFirst = o.resumed;
          const n = t.s.size <= state.partSize ? await putSingle(t.s, checkFirst) : await putMultipart(t.i, t.s, checkFirst);
          if (stop.signal.aborted) return;
          partsSent += n;
          if (t.s.size <= state.partSize) report(1, t.s.size);
          state.done.push(t.i);
          delete state.uploads[t.i];
          await save();
        } catch (e) {
          if (failure === undefined) failure = e;
          stop.abort();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(Math.max(1, o.concurrency), todo.length) }, worker));
    await saving.catch(() => undefined);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    await fh.close();
  }
  if (o.signal?.aborted) throw new CancellationError();
  if (failure !== undefined) {
    if (CancellationError.is(failure)) throw failure;
    const mapped = mapS3Error(failure, { bucket: o.bucket });
    if (FreezerError.is(mapped) && mapped.code !== 'Transient') throw mapped;
    const why = isRetryableError(failure) ? 'kept failing' : 'was refused';
    throw new FreezerError('UploadPartFailed', `Uploading to s3://${o.bucket} ${why}: ${errText(mapS3Error(failure, { bucket: o.bucket }))}. The upload is kept: run it again to resume with what is missing.`, { cause: failure });
  }
  return { partsSent, partsTotal };
}

/** Part number → size, ETag, SHA-256 of the parts S3 holds; undefined when the upload is gone. */
async function listParts(c: S3Clients, bucket: string, key: string, uploadId: string, signal: AbortSignal): Promise<Map<number, { size: number; etag: string; sha?: string }> | undefined> {
  const out = new Map<number, { size: number; etag: string; sha?: string }>();
  let marker: string | undefined;
  try {
    do {
      const page = await c.s3.send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }), { abortSignal: signal });
      for (const p of page.Parts ?? []) if (p.PartNumber && p.ETag) out.set(p.PartNumber, { size: p.Size ?? -1, etag: p.ETag, sha: p.ChecksumSHA256 });
      marker = page.IsTruncated ? page.NextPartNumberMarker : undefined;
    } while (marker);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
  return out;
}

/**
 * The open multipart upload of `key` (Freezer's keys are unique per archive, so it is this upload's),
 * or undefined. Of several, the newest is kept and the others aborted.
 */
async function adoptOpenUpload(c: S3Clients, bucket: string, key: string, signal: AbortSignal, log: Logger): Promise<string | undefined> {
  const open: { id: string; at: number }[] = [];
  let keyMarker: string | undefined;
  let idMarker: string | undefined;
  do {
    const page = await c.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, UploadIdMarker: idMarker }), { abortSignal: signal });
    for (const u of page.Uploads ?? []) if (u.Key === key && u.UploadId) open.push({ id: u.UploadId, at: u.Initiated?.getTime() ?? 0 });
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    idMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker);
  if (!open.length) return undefined;
  open.sort((a, b) => b.at - a.at);
  for (const extra of open.slice(1)) {
    await c.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: extra.id }), { abortSignal: signal })
      .catch((e) => { if (!isNotFound(e)) log.warn('Could not abort the extra upload %s of %s: %s', extra.id, key, errText(e)); });
  }
  log.info('Adopting the multipart upload of %s that S3 already holds (its start was not answered or not recorded)', key);
  return open[0].id;
}

/** After a cancel: multipart uploads aborted, stored segments deleted (nothing billed is left behind). */
export async function discardUpload(c: S3Clients, bucket: string, state: S3UploadState, log: Logger = nullLogger): Promise<void> {
  for (const [i, uploadId] of Object.entries(state.uploads)) {
    await c.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: state.segments[Number(i)].key, UploadId: uploadId })).catch((e) => {
      if (!isNotFound(e)) log.warn('Could not abort the upload of %s: %s', state.segments[Number(i)].key, errText(e));
    });
  }
  for (const s of state.segments) {
    await c.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: s.key })).catch((e) => log.warn('Could not delete %s: %s', s.key, errText(e)));
  }
}
