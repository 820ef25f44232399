import fs from 'node:fs/promises';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  InitiateMultipartUploadCommand,
  ListPartsCommand,
  UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { CancellationError, FreezerError, throwIfAborted } from '../errors';
import { combineTreeHashes, treeHash } from '../hash/treeHash';
import { Logger, nullLogger } from '../log';
import { GlacierClients } from './clients';
import { DEFAULT_THREADS } from './config';
import { choosePartSize, partCount } from './partSize';
import { isRetryableError, withRetry } from './retry';
import { UploadSession, UploadSessionStore } from './uploadSession';

export interface UploadProgress {
  bytesDone: number;
  totalBytes: number;
  partsDone: number;
  partsTotal: number;
}

export interface UploadArchiveFileOptions {
  clients: GlacierClients;
  vault: string;
  /** The local archive file; its bytes are exactly what is uploaded. */
  file: string;
  description: string;
  /** Part size override (1 MiB × 2^n); chosen from the size when absent. */
  partSize?: number;
  /** Parts in flight at once (default 4); memory is about partSize × concurrency. */
  concurrency?: number;
  /** Where the multipart session is kept for resume; without it a crash restarts from zero. */
  sessionStore?: UploadSessionStore;
  /** Key of this upload in the store (e.g. the catalogue's archive id). Defaults to the file path. */
  sessionKey?: string;
  signal?: AbortSignal;
  onProgress?: (p: UploadProgress) => void;
  logger?: Logger;
  /** Attempts per part on top of the SDK's own per-request retries (default 4). */
  partAttempts?: number;
}

export interface UploadedArchive {
  archiveId: string;
  /** SHA-256 tree hash of the whole archive, hex; AWS returned the same. */
  treeHash: string;
  location: string;
  size: number;
  /** Parts sent by this call (a resume sends only the missing ones). */
  partsSent: number;
  partsTotal: number;
  resumed: boolean;
}

interface Part { index: number; start: number; length: number }

/**
 * Uploads a local archive file to a vault: one request when it fits in one part, else a multipart
 * upload with parts read from the file in parallel. The session is saved before the first part and
 * after each acknowledged part, so a later call with the same key resumes (ListParts, then only
 * missing parts). Cancelling aborts the upload at AWS; a failure keeps the session for resume.
 */
export async function uploadArchiveFile(opts: UploadArchiveFileOptions): Promise<UploadedArchive> {
  const log = opts.logger ?? nullLogger;
  throwIfAborted(opts.signal);
  checkDescription(opts.description);
  const stat = await fs.stat(opts.file);
  const totalSize = stat.size;
  const key = opts.sessionKey ?? opts.file;

  let session = opts.sessionStore ? await opts.sessionStore.get(key) : undefined;
  if (session && (session.vault !== opts.vault || session.totalSize !== totalSize || (session.description && session.description !== opts.description))) {
    log.warn('Upload session %s no longer matches %s (vault, size or description changed); starting over', key, opts.file);
    await abortQuietly(opts.clients, session, log);
    await opts.sessionStore?.delete(key);
    session = undefined;
  }
  const partSize = session?.partSize ?? choosePartSize(totalSize, opts.partSize);
  if (!session && totalSize <= partSize) return uploadSingle(opts, totalSize, log);
  return uploadMultipart(opts, key, totalSize, partSize, session, log);
}

async function uploadSingle(opts: UploadArchiveFileOptions, totalSize: number, log: Logger): Promise<UploadedArchive> {
  const body = await fs.readFile(opts.file);
  if (body.length !== totalSize) throw new FreezerError('FileChanged', `${opts.file} changed while it was being uploaded.`);
  const hash = treeHash(body).toString('hex');
  const out = await withRetry(
    () => opts.clients.glacier.send(new UploadArchiveCommand({
      accountId: opts.clients.accountId, vaultName: opts.vault, archiveDescription: opts.description, checksum: hash, body,
    }), { abortSignal: opts.signal }),
    { attempts: opts.partAttempts ?? 4, signal: opts.signal, onRetry: (e, n) => log.warn('Upload of %s failed (%s), attempt %d', opts.file, errText(e), n + 1) },
  ).catch((e) => { throw opts.signal?.aborted ? new CancellationError() : e; });
  const result = checkResult(opts.file, hash, out);
  opts.onProgress?.({ bytesDone: totalSize, totalBytes: totalSize, partsDone: 1, partsTotal: 1 });
  log.info('Uploaded %s (%d bytes) as archive %s', opts.file, totalSize, result.archiveId);
  return { ...result, size: totalSize, partsSent: 1, partsTotal: 1, resumed: false };
}

async function uploadMultipart(
  opts: UploadArchiveFileOptions, key: string, totalSize: number, partSize: number, existing: UploadSession | undefined, log: Logger,
): Promise<UploadedArchive> {
  const { clients, vault } = opts;
  const store = opts.sessionStore;
  const nParts = partCount(totalSize, partSize);
  const parts: Part[] = Array.from({ length: nParts }, (_, index) => ({ index, start: index * partSize, length: Math.min(partSize, totalSize - index * partSize) }));
  const hashes: (string | undefined)[] = new Array(nParts).fill(undefined);
  const fh = await fs.open(opts.file, 'r');
  let session = existing;
  try {
    // Parts AWS already holds are re-hashed from the file, never trusted from the record alone: a
    // file changed since the first attempt must not be completed with stale parts.
    if (session) {
      const listed = await listUploadedParts(clients, session, opts.signal);
      if (listed === undefined && session.completing) throw completionUnconfirmed(opts.file, session);
      if (listed === undefined) {
        log.warn('Multipart upload %s for %s expired or was aborted at AWS; starting over', session.uploadId, opts.file);
        await store?.delete(key);
        session = undefined;
      } else {
        for (const [start, remoteHash] of listed) {
          throwIfAborted(opts.signal);
          const part = parts[start / partSize];
          if (!part || part.start !== start) continue;
          if ((await readPart(fh, part, opts.file)).hash !== remoteHash) continue;
          hashes[part.index] = remoteHash;
          if (session.parts[part.index] !== remoteHash) await store?.partDone(key, part.index, remoteHash);
        }
        log.info('Resuming upload of %s: %d of %d parts already at AWS', opts.file, hashes.filter(Boolean).length, nParts);
      }
    }
    const resumed = session !== undefined;
    if (!session) {
      throwIfAborted(opts.signal);
      const init = await clients.glacier.send(new InitiateMultipartUploadCommand({
        accountId: clients.accountId, vaultName: vault, archiveDescription: opts.description, partSize: String(partSize),
      }), { abortSignal: opts.signal });
      if (!init.uploadId) throw new FreezerError('UploadFailed', `Glacier did not return an upload id for ${opts.file}.`);
      session = { key, vault, uploadId: init.uploadId, partSize, totalSize, description: opts.description, parts: {} };
      await store?.save(session);
      log.info('Started multipart upload %s of %s: %d parts of %d bytes', session.uploadId, opts.file, nParts, partSize);
    }
    const uploadId = session.uploadId;

    const missing = parts.filter((p) => hashes[p.index] === undefined);
    let bytesDone = parts.reduce((n, p) => n + (hashes[p.index] ? p.length : 0), 0);
    let partsDone = nParts - missing.length;
    opts.onProgress?.({ bytesDone, totalBytes: totalSize, partsDone, partsTotal: nParts });

    // Workers stop at the first failure (or cancel); in-flight requests are aborted with them.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (!stop.signal.aborted) {
        const part = missing[next++];
        if (!part) return;
        try {
          const hash = await sendPart(opts, fh, uploadId, part, nParts, stop.signal, log);
          hashes[part.index] = hash;
          await store?.partDone(key, part.index, hash);
          bytesDone += part.length;
          partsDone++;
          opts.onProgress?.({ bytesDone, totalBytes: totalSize, partsDone, partsTotal: nParts });
        } catch (e) {
          if (failure === undefined) failure = e;
          stop.abort();
          return;
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? DEFAULT_THREADS, missing.length) }, worker));
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted) {
      await abortQuietly(clients, session, log);
      await store?.delete(key);
      throw new CancellationError(`Upload of ${opts.file} cancelled; the multipart upload was aborted at AWS.`);
    }
    if (failure !== undefined) throw failure;

    const hash = combineTreeHashes(hashes.map((h) => Buffer.from(h as string, 'hex'))).toString('hex');
    // Recorded before it is sent: from here on Glacier may create the archive and the answer (its only
    // mention of the archive id) may be lost, so a resume settles the upload instead of redoing it.
    if (!session.completing) {
      session.completing = new Date().toISOString();
      await store?.completing(key, session.completing);
    }
    const completing = session;
    const done = await withRetry(
      () => clients.glacier.send(new CompleteMultipartUploadCommand({
        accountId: clients.accountId, vaultName: vault, uploadId, archiveSize: String(totalSize), checksum: hash,
      }), { abortSignal: opts.signal }),
      { attempts: opts.partAttempts ?? 4, signal: opts.signal, onRetry: (e, n) => log.warn('Completing upload of %s failed (%s), attempt %d', opts.file, errText(e), n + 1) },
    ).catch((e: unknown) => {
      // An earlier attempt (whose answer was lost) or run completed it: the upload is gone, the archive most likely exists.
      if ((e as { name?: string }).name === 'ResourceNotFoundException') throw completionUnconfirmed(opts.file, completing, e);
      throw e;
    });
    const result = checkResult(opts.file, hash, done);
    await store?.delete(key);
    log.info('Uploaded %s (%d bytes, %d parts, %d sent now) as archive %s', opts.file, totalSize, nParts, missing.length, result.archiveId);
    return { ...result, size: totalSize, partsSent: missing.length, partsTotal: nParts, resumed };
  } finally {
    await fh.close();
  }
}

/**
 * Glacier no longer knows an upload whose completion was sent: it most likely completed (the answer
 * was lost), or it was aborted or expired. Only an inventory can tell, by the archive's token.
 */
function completionUnconfirmed(file: string, s: UploadSession, cause?: unknown): FreezerError {
  return new FreezerError('UploadCompletionUnconfirmed',
    `Glacier's answer to completing the upload of ${file} was lost, and it no longer knows multipart upload ${s.uploadId.slice(0, 16)}…: ` +
    'the archive was most likely created. It is not uploaded again: the vault\'s next inventory identifies it by the token in its description.',
    cause === undefined ? undefined : { cause });
}

async function sendPart(
  opts: UploadArchiveFileOptions, fh: fs.FileHandle, uploadId: string, part: Part, nParts: number, signal: AbortSignal, log: Logger,
): Promise<string> {
  const attempts = opts.partAttempts ?? 4;
  // Read once per part; the Buffer is re-sent as-is by the SDK's and our retries.
  const { body, hash } = await readPart(fh, part, opts.file);
  const end = part.start + part.length - 1;
  try {
    return await withRetry(async () => {
      const out = await opts.clients.glacier.send(new UploadMultipartPartCommand({
        accountId: opts.clients.accountId, vaultName: opts.vault, uploadId, range: `bytes ${part.start}-${end}/*`, checksum: hash, body,
      }), { abortSignal: signal });
      if (out.checksum && out.checksum !== hash) {
        throw new FreezerError('TreeHashMismatch', `Glacier computed tree hash ${out.checksum} for part ${part.index + 1}, expected ${hash}.`);
      }
      return hash;
    }, { attempts, signal, onRetry: (e, n) => log.warn('Part %d/%d of %s failed (%s), attempt %d of %d', part.index + 1, nParts, opts.file, errText(e), n + 1, attempts) });
  } catch (e) {
    if (signal.aborted || CancellationError.is(e)) throw new CancellationError();
    const why = isRetryableError(e) ? `failed ${attempts} times` : 'was rejected';
    throw new FreezerError('UploadPartFailed',
      `Part ${part.index + 1} of ${nParts} (bytes ${part.start}–${end}) of ${opts.file} ${why}: ${errText(e)}. ` +
      'The upload session is kept: start the upload again to resume with the missing parts.', { cause: e });
  }
}

async function readPart(fh: fs.FileHandle, part: Part, file: string): Promise<{ body: Buffer; hash: string }> {
  const body = Buffer.allocUnsafe(part.length);
  let off = 0;
  while (off < part.length) {
    const { bytesRead } = await fh.read(body, off, part.length - off, part.start + off);
    if (bytesRead === 0) throw new FreezerError('FileChanged', `${file} became shorter while it was being uploaded.`);
    off += bytesRead;
  }
  return { body, hash: treeHash(body).toString('hex') };
}

/** Start offset → tree hash of parts AWS holds; undefined when the upload no longer exists. */
async function listUploadedParts(clients: GlacierClients, s: UploadSession, signal?: AbortSignal): Promise<Map<number, string> | undefined> {
  const out = new Map<number, string>();
  let marker: string | undefined;
  try {
    do {
      const page = await clients.glacier.send(new ListPartsCommand({ accountId: clients.accountId, vaultName: s.vault, uploadId: s.uploadId, marker }), { abortSignal: signal });
      for (const p of page.Parts ?? []) {
        const start = Number((p.RangeInBytes ?? '').split('-')[0]);
        if (Number.isFinite(start) && p.SHA256TreeHash) out.set(start, p.SHA256TreeHash);
      }
      marker = page.Marker ?? undefined;
    } while (marker);
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
  return out;
}

async function abortQuietly(clients: GlacierClients, s: UploadSession, log: Logger): Promise<void> {
  try {
    await clients.glacier.send(new AbortMultipartUploadCommand({ accountId: clients.accountId, vaultName: s.vault, uploadId: s.uploadId }));
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') log.warn('Could not abort multipart upload %s: %s', s.uploadId, errText(e));
  }
}

function checkResult(file: string, ourHash: string, out: { archiveId?: string; checksum?: string; location?: string }): { archiveId: string; treeHash: string; location: string } {
  if (!out.archiveId || !/^[A-Za-z0-9_-]{1,200}$/.test(out.archiveId)) {
    throw new FreezerError('UploadFailed', `Glacier returned no usable archive id for ${file}.`);
  }
  if (out.checksum && out.checksum !== ourHash) {
    throw new FreezerError('TreeHashMismatch', `Glacier stored ${file} with tree hash ${out.checksum} but the local file hashes to ${ourHash}; the archive does not count as uploaded.`);
  }
  if (out.location && !out.location.endsWith(`/archives/${out.archiveId}`)) {
    throw new FreezerError('UploadFailed', `Glacier returned location ${out.location} that does not name archive ${out.archiveId}.`);
  }
  return { archiveId: out.archiveId, treeHash: ourHash, location: out.location ?? '' };
}

/** Glacier accepts up to 1,024 printable ASCII characters. */
export function checkDescription(description: string): void {
  if (description.length > 1024 || !/^[\x20-\x7e]*$/.test(description)) {
    throw new FreezerError('InvalidDescription', 'An archive description must be at most 1,024 printable ASCII characters.');
  }
}

export function errText(e: unknown): string {
  if (e instanceof Error) return `${e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`;
  return String(e);
}
