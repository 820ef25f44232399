import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import {
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { KeySource } from '../archive/keyLookup';
import { CancellationError, FreezerError } from '../errors';

import { Logger, nullLogger } from '../log';
import type {
  ArchiveManifest, ArchiveRef, ByteRange, ColdStore, DownloadedRange, DownloadOptions, PutArchiveRequest, RemoteArchive, RequestRestoreOptions,
  RestorePlan, SegmentLayout, StoredArchive, StoreTicket, StoreTraits, TicketState, TicketStatus,
} from '../storage/coldStore';
import { checkBucketName, normalizePrefix } from './bucketName';
import type { S3Clients } from './clients';
import {
  archiveIdOfManifest, checkArchiveId, checkPartSize, dataPrefix, DEFAULT_PART_SIZE, DEFAULT_SEGMENT_SIZE, manifestKey, manifestsPrefix,
  newArchiveId, segmentCuts, segmentSpans,
} from './layout';
import { decodeManifest, encodeManifest } from './manifest';
import { headRestoreState, listRestoreStates, restoreObject, type ObjectState } from './objectRestore';
import { downloadRange, partAlignedRange, piecesFor } from './rangeDownload';
import { DEFAULT_RESTORE_DAYS } from './restorePlanner';
import { isNotFound, mapS3Error } from './s3Errors';
import { hashSegments } from './segmentHashes';
import { discardUpload, uploadSegments, type S3UploadState } from './segmentUploader';
import { DEFAULT_STORAGE_CLASS, isArchiveStorageClass, needsRestore, restoreTiers, type ArchiveStorageClass } from './storageClass';

export interface S3StoreOptions {
  clients: S3Clients;
  bucket: string;
  /** Key prefix ('' or 'a/b'); normalised to end in '/'. */
  prefix?: string;
  /** Largest segment object (default 256 MiB); segments are cut where frames begin. */
  segmentSize?: number;
  /** Multipart part size, 5 MiB–5 GiB (default 16 MiB). */
  partSize?: number;
  concurrency?: number;
  /** Keys per listing page (S3's default, 1,000, when absent); tests set it small to page. */
  listPageSize?: number;
  /** Keys to open encrypted manifests (archives whose layout the caller does not have). */
  keys?: KeySource;
  logger?: Logger;
}

const TRAITS: StoreTraits = { kind: 'bucket', partialRestore: 'segments', inventory: 'listing', manifests: true };
/** Above this many units, one listing (RestoreStatus) is cheaper than a HEAD each. */
const HEADS_MAX = 4;

/** How long a restore recorded before its requests were all sent is given to send them. */
const REQUESTING_GRACE_MS = 10 * 60_000;

/** An S3 bucket (with an optional prefix) as a ColdStore: segments in an archive class, manifests in STANDARD (docs/S3.md). */
export class S3Store implements ColdStore {
  readonly traits = TRAITS;
  readonly location: string;
  readonly bucket: string;
  readonly prefix: string;
  private readonly log: Logger;
  private readonly partSize: number;
  private readonly segmentSize: number;
  private readonly concurrency: number;

  constructor(private readonly o: S3StoreOptions) {
    checkBucketName(o.bucket);
    this.bucket = o.bucket;
    this.prefix = normalizePrefix(o.prefix ?? '');
    this.location = `s3://${o.bucket}${this.prefix ? `/${this.prefix.replace(/\/$/, '')}` : ''}`;
    this.log = o.logger ?? nullLogger;
    this.partSize = o.partSize ?? DEFAULT_PART_SIZE;
    checkPartSize(this.partSize);
    this.segmentSize = o.segmentSize ?? DEFAULT_SEGMENT_SIZE;
    this.concurrency = Math.max(1, o.concurrency ?? 4);
  }

  private get c(): S3Clients {
    return this.o.clients;
  }

  async check(signal?: AbortSignal): Promise<void> {
    try {
      await this.c.s3.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: signal });
    } catch (e) {
      throw mapS3Error(e, { bucket: this.bucket });
    }
  }

  async putArchive(req: PutArchiveRequest): Promise<StoredArchive> {
    const storageClass = req.storageClass ?? DEFAULT_STORAGE_CLASS;
    if (!isArchiveStorageClass(storageClass)) throw new FreezerError('InvalidStorageClass', `"${String(storageClass)}" is not a storage class Freezer freezes into: use DEEP_ARCHIVE, GLACIER or GLACIER_IR.`);
    const encrypted = req.frameIndex ? req.frameIndex.encryption.format !== 'none' : /;e=(fzr1|legacy-cbc)(;|$)/.test(req.description);
    if (encrypted && !req.key) throw new FreezerError('KeyNotFound', 'An encrypted archive needs its key to seal its manifest in S3; none was given.');
    const size = (await fs.stat(req.file)).size;
    const stored = (await req.sessions?.get(req.sessionKey)) as S3UploadState | undefined;
    let state: S3UploadState | undefined = stored;
    if (state && (state.v !== 1 || state.store !== this.location || state.fileSize !== size || state.storageClass !== storageClass)) {
      this.log.warn('Upload session %s no longer matches %s (store, size or class changed); starting over', req.sessionKey, req.file);
      await discardUpload(this.c, this.bucket, state, this.log);
      state = undefined;
    }
    const resumed = state !== undefined;
    if (!state) {
      const archiveId = newArchiveId();
      const frames = req.frameIndex?.archiveSize === size ? req.frameIndex.frames : undefined;
      const spans = segmentSpans(size, segmentCuts(size, this.segmentSize, this.partSize, frames), frames);
      const hashed = await hashSegments(req.file, { prefix: this.prefix, archiveId, spans, partSize: this.partSize, signal: req.signal });
      state = { v: 1, store: this.location, archiveId, fileSize: size, partSize: this.partSize, storageClass, sha256: hashed.sha256, segments: hashed.segments, uploads: {}, done: [] };
      // Saved before any object exists: a kill after this resumes with the same archive id and keys.
      await req.sessions?.save(req.sessionKey, state);
    }
    const s = state;
    let sent: { partsSent: number; partsTotal: number };
    try {
      sent = await uploadSegments({
        clients: this.c, bucket: this.bucket, file: req.file, state: s, resumed, concurrency: this.concurrency,
        save: async () => { await req.sessions?.save(req.sessionKey, s); }, signal: req.signal, onProgress: req.onProgress, logger: this.log,
      });
    } catch (e) {
      if (req.signal?.aborted) {
        await discardUpload(this.c, this.bucket, s, this.log);
        await req.sessions?.delete(req.sessionKey);
        throw new CancellationError(`Upload of ${req.file} cancelled; nothing of it is left in ${this.location}.`);
      }
      throw e;
    }
    const manifest: ArchiveManifest = {
      format: 'freezer-s3-manifest', version: 1, archiveId: s.archiveId, description: req.description, created: new Date().toISOString(),
      storageClass, archive: { size, sha256: s.sha256 }, segments: s.segments, ...(req.frameIndex ? { frameIndex: req.frameIndex } : {}), members: req.members ?? [],
    };
    const body = encodeManifest(manifest, encrypted ? req.key : undefined);
    // Written last: a manifest marks a complete archive. STANDARD, so reading it never needs a restore.
    await this.c.s3.send(new PutObjectCommand({
      Bucket: this.bucket, Key: manifestKey(this.prefix, s.archiveId), Body: body, StorageClass: 'STANDARD', ContentType: 'application/octet-stream',
      Metadata: { 'freezer-description': req.description, 'freezer-size': String(size), 'freezer-sha256': s.sha256, 'freezer-class': storageClass, 'freezer-segments': String(s.segments.length) },
    }), { abortSignal: req.signal }).catch((e) => { throw mapS3Error(e, { bucket: this.bucket, key: manifestKey(this.prefix, s.archiveId) }); });
    await req.sessions?.delete(req.sessionKey);
    this.log.info('Stored %s (%d bytes, %d segments, %d parts sent now) in %s as %s', req.file, size, s.segments.length, sent.partsSent, this.location, s.archiveId);
    return {
      ref: { id: s.archiveId, size, storageClass, segments: s.segments },
      checksum: { algorithm: 'sha256', value: s.sha256 },
      partsSent: sent.partsSent, partsTotal: sent.partsTotal, resumed,
    };
  }

  async deleteArchive(ref: ArchiveRef, signal?: AbortSignal): Promise<void> {
    checkArchiveId(ref.id);
    // Segments first: a kill midway leaves a visible manifest (deleting again finishes), never hidden billed data.
    let token: string | undefined;
    try {
      do {
        const page = await this.c.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: dataPrefix(this.prefix, ref.id), ContinuationToken: token, ...(this.o.listPageSize ? { MaxKeys: this.o.listPageSize } : {}) }), { abortSignal: signal });
        const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key as string }));
        if (keys.length) await this.deleteKeys(keys, signal);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      await this.c.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: manifestKey(this.prefix, ref.id) }), { abortSignal: signal });
    } catch (e) {
      throw mapS3Error(e, { bucket: this.bucket });
    }
  }

  private async deleteKeys(keys: { Key: string }[], signal?: AbortSignal): Promise<void> {
    try {
      const out = await this.c.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: keys, Quiet: true } }), { abortSignal: signal });
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) throw new FreezerError('DeleteFailed', `S3 did not delete ${failed.length} object(s) of the archive (first: ${failed[0].Key}: ${failed[0].Code}); delete it again.`);
    } catch (e) {
      // Servers without DeleteObjects (or refusing its checksum) get one DELETE per key.
      if (FreezerError.is(e) || ['AccessDenied'].includes((e as { name?: string }).name ?? '')) throw e;
      for (const k of keys) await this.c.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: k.Key }), { abortSignal: signal });
    }
  }

  /** The archive's segments: from the ref, else from its manifest (with the store's keys). */
  private async layout(ref: ArchiveRef, signal?: AbortSignal): Promise<{ segments: SegmentLayout[]; storageClass: ArchiveStorageClass }> {
    if (ref.segments?.length) return { segments: ref.segments, storageClass: ref.storageClass ?? DEFAULT_STORAGE_CLASS };
    const m = await this.readManifest(ref, this.o.keys, signal);
    return { segments: m.segments, storageClass: m.storageClass };
  }

  async planRestore(ref: ArchiveRef, range?: ByteRange, signal?: AbortSignal): Promise<RestorePlan> {
    const { segments, storageClass } = await this.layout(ref, signal);
    const want = range ?? { start: 0, end: ref.size - 1 };
    const r = partAlignedRange(segments, want);
    const pieces = piecesFor(segments, r);
    const readBytes = new Map<string, number>();
    for (const p of pieces) readBytes.set(p.segment.key, (readBytes.get(p.segment.key) ?? 0) + p.end - p.start);
    const units = segments.filter((s) => readBytes.has(s.key)).map((s) => ({ id: s.key, bytes: s.size, readBytes: readBytes.get(s.key) as number, storageClass }));
    return {
      ref: { ...ref, storageClass, segments }, range: r, units,
      bytesRestored: needsRestore(storageClass) ? units.reduce((n, u) => n + u.bytes, 0) : 0,
      bytesToDownload: pieces.reduce((n, p) => n + p.end - p.start, 0),
      tiers: restoreTiers(storageClass),
    };
  }

  async requestRestore(plan: RestorePlan, opts: RequestRestoreOptions): Promise<StoreTicket> {
    const days = opts.days ?? DEFAULT_RESTORE_DAYS;
    const cls = plan.ref.storageClass ?? DEFAULT_STORAGE_CLASS;
    if (needsRestore(cls) && !restoreTiers(cls).includes(opts.tier)) {
      throw new FreezerError('InvalidTier', `${cls} objects cannot be restored with the ${opts.tier} tier; use ${restoreTiers(cls).join(' or ')}.`);
    }
    const { tiers: _t, ...kept } = plan;
    const ticket: StoreTicket = {
      kind: 'restore', id: `s3-restore-${plan.ref.id}-${randomBytes(4).toString('hex')}`, store: this.location, tier: opts.tier, days,
      requested: new Date().toISOString(), plan: kept,
    };
    await opts.onTicket?.({ ...ticket, requestedUnits: {}, requesting: true });
    const answers: NonNullable<StoreTicket['requestedUnits']> = {};
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      for (let u = plan.units[next++]; u && failure === undefined; u = plan.units[next++]) {
        try {
          answers[u.id] = needsRestore(cls) ? await restoreObject(this.c, this.bucket, u.id, opts.tier, days, opts.signal) : 'readable';
        } catch (e) {
          failure ??= e;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, plan.units.length) }, worker));
    if (failure !== undefined) throw failure;
    return { ...ticket, requestedUnits: answers };
  }

  async requestInventory(): Promise<StoreTicket> {
    return { kind: 'inventory', id: `s3-listing-${new Date().toISOString()}`, store: this.location, requested: new Date().toISOString() };
  }

  async status(ticket: StoreTicket, signal?: AbortSignal): Promise<TicketStatus> {
    if (ticket.kind === 'inventory') return { state: 'ready' };
    const plan = ticket.plan;
    if (!plan) throw new FreezerError('InvalidTicket', `Ticket ${ticket.id} has no plan.`);
    let states: Map<string, ObjectState & { listed?: boolean }>;
    if (plan.units.length > HEADS_MAX) {
      states = await listRestoreStates(this.c, this.bucket, dataPrefix(this.prefix, plan.ref.id), signal);
      for (const u of plan.units) {
        const s = states.get(u.id);
        if (s && !s.listed && needsRestore(s.storageClass)) states.set(u.id, await headRestoreState(this.c, this.bucket, u.id, signal));
      }
    } else {
      states = new Map();
      for (const u of plan.units) states.set(u.id, await headRestoreState(this.c, this.bucket, u.id, signal));
    }
    const units: NonNullable<TicketStatus['units']> = {};
    for (const u of plan.units) {
      const s = states.get(u.id);
      let st: { state: TicketState; expires?: string };
      if (!s?.exists) st = { state: 'failed' };
      else if (!needsRestore(s.storageClass)) st = { state: 'ready' };
      else if (s.restore?.ongoing) st = { state: 'in-progress' };
      else if (s.restore?.expiry && Date.parse(s.restore.expiry) > Date.now()) st = { state: 'ready', expires: s.restore.expiry };
      // Not requested yet by the process still sending the requests (a crashed one: expired after a while).
      else if (ticket.requesting && !ticket.requestedUnits?.[u.id] && Date.now() - Date.parse(ticket.requested) < REQUESTING_GRACE_MS) st = { state: 'in-progress' };
      // S3 shows a restore at once (strong consistency): none on an archived object means its copy expired.
      else st = { state: 'expired' };
      units[u.id] = st;
    }
    const all = Object.values(units);
    const missing = plan.units.filter((u) => units[u.id].state === 'failed').map((u) => u.id);
    if (missing.length) return { state: 'failed', units, message: `${missing.length} segment object(s) of the archive are gone from ${this.location} (first: ${missing[0]}): deleted outside Freezer.` };
    if (all.some((u) => u.state === 'expired')) return { state: 'expired', units, message: 'A restored copy expired (or the restore was never taken); request the restore again.' };
    if (all.every((u) => u.state === 'ready')) {
      const exp = all.map((u) => u.expires).filter((x): x is string => !!x).sort()[0];
      return { state: 'ready', units, ...(exp ? { expires: exp } : {}) };
    }
    return { state: 'in-progress', units };
  }

  async download(ticket: StoreTicket, dest: string, opts: DownloadOptions = {}): Promise<DownloadedRange> {
    const plan = ticket.plan;
    if (ticket.kind !== 'restore' || !plan) throw new FreezerError('InvalidTicket', `Ticket ${ticket.id} is not a restore of this bucket.`);
    const { segments } = await this.layout(plan.ref, opts.signal);
    try {
      const bytes = await downloadRange({ clients: this.c, bucket: this.bucket, segments, range: plan.range, dest, concurrency: this.concurrency, signal: opts.signal, onProgress: opts.onProgress, logger: this.log });
      return { path: dest, range: plan.range, bytesDownloaded: bytes };
    } catch (e) {
      if (FreezerError.is(e, 'TreeHashMismatch')) throw new FreezerError('ChecksumMismatch', `${e.message} Fetched again and still wrong: nothing was written; the object in S3 may be damaged.`, { cause: e });
      throw e;
    }
  }

  async *readInventory(_ticket: StoreTicket, signal?: AbortSignal): AsyncIterable<RemoteArchive> {
    let token: string | undefined;
    do {
      let page;
      try {
        page = await this.c.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: manifestsPrefix(this.prefix), ContinuationToken: token, ...(this.o.listPageSize ? { MaxKeys: this.o.listPageSize } : {}) }), { abortSignal: signal });
      } catch (e) {
        throw mapS3Error(e, { bucket: this.bucket });
      }
      const found = (page.Contents ?? []).map((o) => ({ o, id: archiveIdOfManifest(this.prefix, o.Key ?? '') })).filter((x) => x.id);
      // The archive's facts are in its manifest's metadata: one HEAD each, a few in parallel.
      const heads = await mapLimit(found, this.concurrency, async ({ o, id }) => {
        try {
          const h = await this.c.s3.send(new HeadObjectCommand({ Bucket: this.bucket, Key: o.Key }), { abortSignal: signal });
          const m = h.Metadata ?? {};
          const cls = m['freezer-class'];
          return {
            ref: { id: id as string, size: Number(m['freezer-size'] ?? NaN), ...(isArchiveStorageClass(cls) ? { storageClass: cls } : {}) },
            description: m['freezer-description'] ?? '', created: (h.LastModified ?? o.LastModified)?.toISOString(), checksum: m['freezer-sha256'],
          } satisfies RemoteArchive;
        } catch (e) {
          if (isNotFound(e)) return undefined; // deleted between the listing and the HEAD
          throw mapS3Error(e, { bucket: this.bucket, key: o.Key });
        }
      });
      for (const a of heads) if (a) yield a;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /**
   * Archive ids with segment objects but no manifest: uploads that never finished (killed with their
   * session lost) or deletions cut short. They are billed but no listing shows them; offer to delete
   * them (`deleteArchive`) once they are older than any upload still running.
   */
  async listIncomplete(signal?: AbortSignal): Promise<{ id: string; objects: number; bytes: number; oldest?: string }[]> {
    const manifests = new Set<string>();
    const data = new Map<string, { id: string; objects: number; bytes: number; oldest?: string }>();
    const root = `${this.prefix}freezer/v1/data/`;
    for (const [prefix, onKey] of [
      [manifestsPrefix(this.prefix), (k: string) => { const id = archiveIdOfManifest(this.prefix, k); if (id) manifests.add(id); }],
      [root, (k: string, o: { Size?: number; LastModified?: Date }) => {
        const id = k.slice(root.length).split('/')[0];
        const d = data.get(id) ?? { id, objects: 0, bytes: 0 };
        d.objects++;
        d.bytes += o.Size ?? 0;
        const t = o.LastModified?.toISOString();
        if (t && (!d.oldest || t < d.oldest)) d.oldest = t;
        data.set(id, d);
      }],
    ] as const) {
      let token: string | undefined;
      do {
        const page = await this.c.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token, ...(this.o.listPageSize ? { MaxKeys: this.o.listPageSize } : {}) }), { abortSignal: signal })
          .catch((e) => { throw mapS3Error(e, { bucket: this.bucket }); });
        for (const o of page.Contents ?? []) if (o.Key) onKey(o.Key, o);
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
    return [...data.values()].filter((d) => !manifests.has(d.id));
  }

  /** Whether segment objects of the archive `id` are in the bucket (its manifest may be gone while they are). */
  async holdsSegments(id: string, signal?: AbortSignal): Promise<boolean> {
    checkArchiveId(id);
    const page = await this.c.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: dataPrefix(this.prefix, id), MaxKeys: 1 }), { abortSignal: signal })
      .catch((e) => { throw mapS3Error(e, { bucket: this.bucket }); });
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  async readManifest(ref: ArchiveRef, keys?: KeySource, signal?: AbortSignal): Promise<ArchiveManifest> {
    checkArchiveId(ref.id);
    const key = manifestKey(this.prefix, ref.id);
    let body: Buffer;
    try {
      const out = await this.c.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
      body = Buffer.from(await (out.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    } catch (e) {
      throw mapS3Error(e, { bucket: this.bucket, key });
    }
    const m = await decodeManifest(body, { archiveId: ref.id, key }, keys ?? this.o.keys);
    if (Number.isFinite(ref.size) && ref.size > 0 && m.archive.size !== ref.size) {
      throw new FreezerError('ManifestTampered', `The manifest ${key} describes ${m.archive.size} bytes, but the archive has ${ref.size}; Freezer does not use it.`);
    }
    return m;
  }

  close(): void {
    this.c.destroy();
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  }));
  return out;
}

