import fs from 'node:fs/promises';
import path from 'node:path';
import { descriptionToken, formatDescription, newArchiveToken } from '../archive/description';
import { freezeArchive, type FreezeResult } from '../archive/freeze';
import type { SourceFile } from '../archive/walk';
import type { FrameIndex } from '../archive/frameIndex';
import { CatalogueSessionStore, type ArchiveRecord, type VaultRecord } from '../catalogue';
import type { S3Store } from '../s3/s3Store';
import { DEFAULT_STORAGE_CLASS, isArchiveStorageClass } from '../s3/storageClass';
import type { StoredArchive } from '../storage/coldStore';
import { bucketOfArchive, bucketStore } from './bucketStores';
import type { KeyMaterial } from '../crypto/keys';
import { assertLegacyWritable } from '../crypto/legacyCbc';
import { CancellationError, FreezerError, throwIfAborted } from '../errors';
import { CatalogueUploadSessionStore } from '../glacier/catalogueUploadSessionStore';
import { uploadArchiveFile, errText, type UploadedArchive } from '../glacier/multipartUploader';
import type { UploadSessionStore } from '../glacier/uploadSession';
import { describeVault } from '../glacier/vaults';
import { ActivityMeter } from './activityMeter';
import { FREEZE_PLAN, onPlan, UPLOAD_PLAN, type PhasePlan } from './phasePlan';
import { settleUnconfirmedUpload } from './uploadSettlement';
import { uploadCatalogueSnapshot } from './catalogueSnapshotUpload';
import { defaultKeyId } from './keyOperations';
import { exists, type ServiceContext } from './serviceContext';
import { commonRoot, effectiveFilters, scanSelection, selectedSources } from './selection';
import type { ActivityProgress, ArchiveInfo, FreezeRequest } from './types';
import { archiveName } from './viewModels';
import { count } from '../words';

/**
 * A freeze as the user sees it: the archive appears at once (`building`), is packed into the upload
 * folder ("file N of M"), then `uploading` (resumable), then `liquid`. Cancelling removes the row,
 * the local file and the multipart upload at AWS.
 */
export async function freeze(ctx: ServiceContext, req: FreezeRequest): Promise<ArchiveInfo> {
  throwIfAborted(req.signal);
  const compression = req.compression ?? 'zstd';
  const key = await resolveFreezeKey(ctx, req.keyId);
  if (key) assertLegacyWritable(key);
  // Before any work: a store that does not exist (or refuses us) would only fail at upload time.
  let vault = await ctx.vaultRecord(req.vault);
  const storageClass = vault.kind === 'bucket' ? req.storageClass ?? (isArchiveStorageClass(vault.storageClass) ? vault.storageClass : DEFAULT_STORAGE_CLASS) : undefined;
  if (req.storageClass && !isArchiveStorageClass(req.storageClass)) throw new FreezerError('InvalidStorageClass', `"${String(req.storageClass)}" is not a storage class Freezer freezes into: use DEEP_ARCHIVE, GLACIER or GLACIER_IR.`);
  if (vault.kind === 'bucket') {
    await bucketStore(ctx, vault).check(req.signal);
    // The class picked is remembered as the store's default for the next freeze.
    if (storageClass !== vault.storageClass) vault = await ctx.catalogue.write((tx) => tx.upsertBucketStore({ bucket: vault.bucket!, prefix: vault.prefix, region: vault.region, storageClass }));
  } else if (req.storageClass) {
    throw new FreezerError('InvalidStorageClass', `Vault "${req.vault}" has no storage classes: a storage class applies to S3 bucket stores only.`);
  } else {
    await describeVault(ctx.clients, req.vault);
  }
  const sources = req.sources.map((s) => path.resolve(s));
  const given = req.name ?? req.description;
  // AES-256 keys get our authenticated fzr1; a legacy cipher picked by the user means the original tool's format.
  const encryption = !key ? 'none' : key.algorithm === 'AES-256' ? 'fzr1' : 'legacy-cbc';

  // The row and its archive lock are taken under one short lock, so that a row without a live lock
  // holder is known to be abandoned (see recoverAbandoned), whatever its age.
  const releaseNew = (await ctx.lock(NEW_ARCHIVE_LOCK))!;
  let releaseArchive: () => Promise<void>;
  let created: { row: ArchiveRecord; name: string };
  try {
    created = await createRow();
    releaseArchive = (await ctx.lock(`archive-${created.row.id}`))!;
  } finally {
    await releaseNew();
  }
  const { row, name } = created;
  try {
    return await packAndUpload(ctx, req, row, { sources, name, compression, key });
  } finally {
    await releaseArchive();
  }

  function createRow(): Promise<{ row: ArchiveRecord; name: string }> {
    return ctx.catalogue.write((tx) => {
    // The user's choice stands even if this freeze fails or is cancelled.
    for (const p of req.manualExclusions ?? []) tx.addManualExclusion(path.resolve(p));
    // Picked in the same write as the row, so two freezes started together cannot take the same default name.
    const name = given ?? uniqueName(defaultName(sources), tx.listArchives({ vaultId: vault.id }).map(archiveName));
    // Named from the start: the row shows its final name while it builds (packing writes the full description).
    // The token is in the description from the start, so an archive whose upload answer was lost can be found by it.
    const description = formatDescription({ name, compression, encryption, token: newArchiveToken(), ...(key ? { algorithm: key.algorithm, keyId: key.id } : {}) });
    const a = tx.addArchive({ vaultId: vault.id, description, compression, format: encryption, keyId: key?.id ?? null, building: true, ...(storageClass ? { storageClass } : {}) });
    return { row: tx.updateArchive(a.id, { localPath: ctx.localArchivePath({ id: a.id, name, compression, encryption }) }), name };
    });
  }
}

/** Held by a freeze from creating its row until it holds the row's archive lock. */
const NEW_ARCHIVE_LOCK = 'new-archive';

async function packAndUpload(
  ctx: ServiceContext, req: FreezeRequest, row: ArchiveRecord,
  o: { sources: string[]; name: string; compression: NonNullable<FreezeRequest['compression']>; key: KeyMaterial | undefined },
): Promise<ArchiveInfo> {
  const { sources, name, compression, key } = o;
  const id = row.id;
  const report = onPlan(FREEZE_PLAN, (p: ActivityProgress) => {
    ctx.setActivity(id, p);
    req.onProgress?.(p);
  })!;
  ctx.setActivity(id, { phase: 'scanning', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0 });
  ctx.log.info('Freezing %s into archive %d "%s" of vault %s', count(sources.length, 'source'), id, name, req.vault);

  let built: FreezeResult;
  let absolutePaths: Map<string, string>;
  // A dispose stops packing too: a half-packed archive cannot be resumed, so it is removed like a cancel.
  const signal = req.signal ? AbortSignal.any([req.signal, ctx.lifetime.signal]) : ctx.lifetime.signal;
  try {
    const files = await collectSources(ctx, { ...req, signal }, sources);
    absolutePaths = new Map(files.map((f) => [f.memberPath, f.absolutePath]));
    const fileCount = files.filter((f) => f.type === 'file').length;
    if (!fileCount) throw new FreezerError('NothingToFreeze', 'No file left to freeze after the filters; check the selection.');
    await fs.mkdir(ctx.opts.uploadFolder, { recursive: true });
    const meter = new ActivityMeter('packing', { filesTotal: fileCount, bytesTotal: files.reduce((n, f) => n + f.size, 0) }, report);
    built = await freezeArchive({
      files, output: row.localPath as string, overwrite: false, name, compression, token: descriptionToken(row.description),
      encryption: key ? { format: key.algorithm === 'AES-256' ? 'fzr1' : 'legacy-cbc', key } : null,
      signal,
      onProgress: (p) => meter.update({ filesDone: p.filesDone, bytesDone: p.bytesDone, currentFile: p.currentFile || undefined }),
    });
    meter.finish();
  } catch (e) {
    await discard(ctx, row);
    throw describeFailure(e, `Freezing archive "${name}"`);
  }

  // Packed: record what it holds, then upload.
  const members = built.members.filter((m) => m.type === 'file' && m.sha256);
  const uploading = await ctx.catalogue.write((tx) => {
    const a = tx.updateArchive(id, {
      building: false, uploading: true, description: built.description, size: built.frameIndex.payloadSize,
      encryptedSize: built.size, treeHash: built.treeHash, frameIndex: built.frameIndex,
    });
    tx.addMembers(id, members.map((m) => ({
      path: absolutePaths.get(m.path) ?? m.path, size: m.size, sha256: m.sha256 as string, mtimeMs: m.mtimeMs, tarOffset: m.tarOffset,
      ...(m.changed ? { changed: true } : {}),
    })));
    for (const m of members) {
      const abs = absolutePaths.get(m.path);
      // A torn read's hash belongs to no state of the file: it must not spare the next freeze a read.
      if (abs && !m.changed) tx.rememberHash(abs, m.size, m.mtimeMs, m.sha256 as string);
    }
    return a;
  });
  ctx.emit('archives', 'files');
  const changedFiles = built.changedFiles.map((m) => absolutePaths.get(m) ?? m);
  if (changedFiles.length) {
    ctx.log.warn('Archive %d: %d file(s) changed while they were frozen and are stored as read, not as a clean copy: %s', id, changedFiles.length, changedFiles.join(', '));
  }
  const info = await upload(ctx, uploading, { signal: req.signal, onProgress: req.onProgress, cancelRemoves: true, plan: FREEZE_PLAN });
  return changedFiles.length ? { ...info, changedFiles } : info;
}

/** Uploads a packed archive (new or interrupted) and marks it uploaded. */
export async function upload(
  ctx: ServiceContext, a: ArchiveRecord,
  opts: { signal?: AbortSignal; onProgress?: (p: ActivityProgress) => void; cancelRemoves: boolean; plan?: PhasePlan },
): Promise<ArchiveInfo> {
  const file = a.localPath;
  if (!file || !(await exists(file))) {
    throw new FreezerError('LocalFileMissing', `The local file of archive ${a.id} is gone, so its upload cannot go on; remove the archive and freeze again.`);
  }
  const report = onPlan(opts.plan ?? UPLOAD_PLAN, (p: ActivityProgress) => {
    ctx.setActivity(a.id, p);
    opts.onProgress?.(p);
  })!;
  const size = (await fs.stat(file)).size;
  // Bytes only: an upload sends parts of the archive file, not files one by one.
  const meter = new ActivityMeter('uploading', { filesTotal: 0, bytesTotal: size }, report);
  meter.update({}, true);
  // Not tied to dispose(): a closing window must not abort the multipart upload at AWS. The process
  // ending (or the clients closing) interrupts it like a crash, and resumeUploads goes on from there.
  const signal = opts.signal;
  const bucket = await bucketOfArchive(ctx, a.vaultId);
  if (bucket) return uploadToBucket(ctx, a, bucket, { file, meter, cancelRemoves: opts.cancelRemoves, userSignal: opts.signal });
  let out: UploadedArchive;
  try {
    out = await uploadArchiveFile({
      clients: ctx.clients, vault: a.vaultName, file, description: a.description,
      partSize: ctx.opts.glacier.chunkSize, concurrency: ctx.opts.glacier.threads,
      sessionStore: pausedByDispose(new CatalogueUploadSessionStore(ctx.catalogue), ctx.lifetime.signal), sessionKey: String(a.id),
      signal, logger: ctx.log,
      // One report per part (at most one per MiB): parts are the upload's natural steps.
      onProgress: (p) => meter.update({ bytesDone: p.bytesDone }, true),
    });
  } catch (e) {
    ctx.setActivity(a.id, undefined);
    if (FreezerError.is(e, 'UploadCompletionUnconfirmed')) {
      const settled = await settleUnconfirmedUpload(ctx, a, e);
      ctx.emit('archives');
      return settled === 'lost' ? upload(ctx, a, opts) : settled;
    }
    // A cancel by the user removes the archive; a dispose (the window closes) keeps the session for resume.
    if (CancellationError.is(e) && opts.signal?.aborted && opts.cancelRemoves) {
      await discard(ctx, a);
      throw new CancellationError(`Freezing archive ${a.id} was cancelled: nothing was kept locally nor at AWS.`);
    }
    ctx.emit('archives');
    if (ctx.lifetime.signal.aborted) {
      ctx.log.info('Upload of archive %d paused as Freezer stops; it resumes at the next start', a.id);
      throw new CancellationError(`Uploading archive ${a.id} was paused as Freezer stopped; it resumes at the next start of Freezer.`);
    }
    // Each front end adds how to resume now (the CLI: `freezer freeze --resume`).
    throw describeFailure(e, `Uploading archive ${a.id}`, 'The parts sent are kept: the upload resumes at the next start of Freezer.', 'UploadInterrupted');
  }
  meter.finish();
  const done = await ctx.catalogue.write((tx) => {
    const r = tx.updateArchive(a.id, { glacierId: out.archiveId, uploading: false, uploaded: new Date().toISOString(), treeHash: out.treeHash, encryptedSize: out.size });
    tx.upsertVault({ name: a.vaultName, region: ctx.region, lastUpload: r.uploaded });
    return r;
  });
  ctx.setActivity(a.id, undefined);
  ctx.emit('vaults');
  ctx.log.info('Archive %d is in vault %s as %s (%d parts, %d sent by this run)', a.id, a.vaultName, out.archiveId, out.partsTotal, out.partsSent);
  // So the catalogue can be rebuilt from the vault if freezer.db is lost (docs/RECOVERY.md). Never fails the freeze.
  await uploadCatalogueSnapshot(ctx, a.vaultName, a.keyId).catch((e: unknown) => ctx.log.warn('The catalogue snapshot of vault %s was not uploaded (%s); the next freeze tries again', a.vaultName, errText(e)));
  return ctx.archiveInfo(done);
}

/** Uploads a packed archive into a bucket store: segments in the archive's class, then its manifest. */
async function uploadToBucket(
  ctx: ServiceContext, a: ArchiveRecord, bucket: { v: VaultRecord; store: S3Store },
  o: { file: string; meter: ActivityMeter; userSignal?: AbortSignal; cancelRemoves: boolean },
): Promise<ArchiveInfo> {
  const [frameIndex, members] = await Promise.all([
    ctx.catalogue.getFrameIndex(a.id) as Promise<FrameIndex | undefined>,
    ctx.catalogue.read((r) => r.archiveMembers(a.id)),
  ]);
  const key = a.keyId ? await ctx.keyStore.get(a.keyId) : undefined;
  if (a.keyId && !key) throw new FreezerError('KeyNotFound', `Key ${a.keyId} of archive ${a.id} is not in this machine's key store; its manifest cannot be sealed. Import the key's export.`);
  let out: StoredArchive;
  try {
    out = await bucket.store.putArchive({
      file: o.file, description: a.description, sessionKey: String(a.id), sessions: new CatalogueSessionStore(ctx.catalogue),
      storageClass: isArchiveStorageClass(a.storageClass) ? a.storageClass : DEFAULT_STORAGE_CLASS,
      ...(frameIndex ? { frameIndex } : {}), ...(key ? { key } : {}),
      members: members.map((m) => ({ path: m.path, size: m.size, sha256: m.sha256, mtimeMs: m.mtimeMs ?? 0, tarOffset: m.tarOffset ?? 0 })),
      // Only the user's cancel aborts (and removes) the upload; a dispose closes the sockets, which
      // interrupts it like a crash: the session stays and resumeUploads goes on from there.
      signal: o.userSignal,
      onProgress: (p) => o.meter.update({ bytesDone: p.bytesDone }, true),
    });
  } catch (e) {
    ctx.setActivity(a.id, undefined);
    if (CancellationError.is(e) && o.userSignal?.aborted && o.cancelRemoves) {
      await discard(ctx, a);
      throw new CancellationError(`Freezing archive ${a.id} was cancelled: nothing was kept locally nor in ${bucket.v.name}.`);
    }
    ctx.emit('archives');
    if (ctx.lifetime.signal.aborted) throw new CancellationError(`Uploading archive ${a.id} was paused as Freezer stopped; it resumes at the next start (or "resume uploads").`);
    throw describeFailure(e, `Uploading archive ${a.id} to ${bucket.v.name}`, 'Its upload is kept and resumes at the next start (or "resume uploads").');
  }
  o.meter.finish();
  const done = await ctx.catalogue.write((tx) => {
    const r = tx.updateArchive(a.id, {
      glacierId: out.ref.id, uploading: false, uploaded: new Date().toISOString(), encryptedSize: out.ref.size,
      storageClass: out.ref.storageClass ?? null, segments: out.ref.segments ?? null,
    });
    tx.upsertVault({ name: a.vaultName, region: bucket.v.region, lastUpload: r.uploaded });
    return r;
  });
  ctx.setActivity(a.id, undefined);
  ctx.emit('vaults');
  ctx.log.info('Archive %d is in %s as %s (%d segment object(s), %s; %d of %d parts sent by this run)',
    a.id, bucket.v.name, out.ref.id, out.ref.segments?.length ?? 0, out.ref.storageClass, out.partsSent, out.partsTotal);
  return ctx.archiveInfo(done);
}

/**
 * The upload's session store, stopping the upload once the service is disposed: the next finished
 * part fails as a cancellation the uploader does not take for the user's (it aborts nothing at AWS),
 * so the session stays for resume.
 */
function pausedByDispose(store: UploadSessionStore, lifetime: AbortSignal): UploadSessionStore {
  return {
    get: (key) => store.get(key),
    save: (s) => store.save(s),
    delete: (key) => store.delete(key),
    completing: (key, when) => store.completing(key, when),
    async partDone(key, index, hash) {
      if (lifetime.aborted) throw new CancellationError();
      await store.partDone(key, index, hash);
    },
  };
}

/**
 * What a killed or crashed run left, found by locks (not by age): an archive still `building` whose
 * lock no live process holds was being packed by a process that is gone; it cannot be resumed, so its
 * row and partial file are removed (and logged). Uploads left that way are returned: `resumeUploads`
 * goes on with them. Every front end (extension, CLI, daemon) calls this when it starts.
 */
export async function recoverAbandoned(ctx: ServiceContext): Promise<{ removed: ArchiveInfo[]; interrupted: ArchiveInfo[] }> {
  const out = { removed: [] as ArchiveInfo[], interrupted: [] as ArchiveInfo[] };
  const listed = (await ctx.catalogue.listArchives()).filter((a) => (a.building || a.uploading) && !ctx.activities.has(a.id));
  if (!listed.length) return out;
  // A freeze between creating its row and locking it is done with that once this lock is free.
  await ctx.exclusive(NEW_ARCHIVE_LOCK, async () => undefined);
  for (const a of listed) {
    await ctx.exclusive(`archive-${a.id}`, async () => {
      const now = await ctx.catalogue.getArchive(a.id);
      if (!now || ctx.activities.has(a.id)) return;
      if (now.building) {
        const info = await ctx.archiveInfo(now);
        await discard(ctx, now);
        ctx.log.warn('Archive %d "%s" was being packed by a Freezer process that is gone (killed or crashed); removed it and its partial file. Freeze those files again.',
          now.id, info.name);
        out.removed.push(info);
      } else if (now.uploading) {
        out.interrupted.push(await ctx.archiveInfo(now));
      }
    }, { wait: false });
  }
  return out;
}

/**
 * Resumes what a previous run left: uploads with a local file go on (sending only missing parts);
 * archives caught while being packed cannot be resumed and are removed (recoverAbandoned). Archives
 * another live process is working on are left alone. `signal` stops before the next archive.
 */
export async function resumeUploads(ctx: ServiceContext, signal?: AbortSignal): Promise<ArchiveInfo[]> {
  const { interrupted } = await recoverAbandoned(ctx);
  const out: ArchiveInfo[] = [];
  for (const a of interrupted) {
    throwIfAborted(signal);
    const result = await ctx.exclusive(`archive-${a.id}`, async () => {
      const now = await ctx.catalogue.getArchive(a.id);
      if (!now || !now.uploading || now.building) return undefined;
      ctx.log.info('Resuming the upload of archive %d to vault %s', a.id, now.vaultName);
      // `signal` is "stop resuming", not "cancel the freeze": it must not abort the multipart upload at
      // AWS. The upload in progress stops at its next part once the service is disposed, session kept.
      return upload(ctx, now, { cancelRemoves: false }).catch(async (e: unknown) => {
        // Not an error of this resume: the archive is at Glacier or will be told by the inventory.
        if (!FreezerError.is(e, 'UploadAwaitingInventory')) throw e;
        ctx.log.warn('%s', e.message);
        return ctx.archiveInfo((await ctx.catalogue.getArchive(a.id)) ?? now);
      });
    }, { wait: false });
    if (result) out.push(result);
  }
  return out;
}

/** Removes an archive that never made it to Glacier: its row, its local file, leftovers. */
export async function discard(ctx: ServiceContext, a: Pick<ArchiveRecord, 'id' | 'localPath'>): Promise<void> {
  ctx.setActivity(a.id, undefined);
  if (a.localPath) {
    for (const p of [a.localPath, `${a.localPath}.partial`, `${a.localPath}.partial-payload`]) await fs.rm(p, { force: true });
  }
  await ctx.catalogue.write((tx) => { if (tx.getArchive(a.id)) tx.removeArchive(a.id); });
  ctx.emit('archives', 'files');
}

async function collectSources(ctx: ServiceContext, req: FreezeRequest, sources: string[]): Promise<SourceFile[]> {
  if (req.selectedFiles) {
    const root = commonRoot([...sources, ...req.selectedFiles]);
    return selectedSources(root, req.selectedFiles);
  }
  const sel = await scanSelection(ctx.catalogue, ctx.log, sources, effectiveFilters(req.filters, ctx.opts.defaultFilters), req.signal);
  const files = sel.entries.filter((e) => e.selected).map((e) => sel.files.get(e.path) as SourceFile);
  // Keep only folders on the way to a selected file and folders that were empty, so excluded subtrees leave no shells.
  const parents = (m: string) => m.split('/').slice(0, -1).map((_, i, segs) => segs.slice(0, i + 1).join('/'));
  const needed = new Set(files.flatMap((f) => parents(f.memberPath)));
  const nonEmpty = new Set([...sel.entries.map((e) => e.memberPath), ...sel.folders.map((f) => f.memberPath)].flatMap(parents));
  const folders = sel.folders.filter((f) => needed.has(f.memberPath) || !nonEmpty.has(f.memberPath));
  return [...folders, ...files].sort((x, y) => (x.memberPath < y.memberPath ? -1 : x.memberPath > y.memberPath ? 1 : 0));
}

async function resolveFreezeKey(ctx: ServiceContext, keyId: string | null | undefined): Promise<KeyMaterial | undefined> {
  if (keyId === null) return undefined;
  const id = keyId ?? (await defaultKeyId(ctx));
  if (!id) return undefined;
  const key = await ctx.keyStore.get(id);
  if (!key) throw new FreezerError('KeyNotFound', `Key ${id} is not in this machine's key store; import its export or choose another key.`);
  return key;
}

function defaultName(sources: string[]): string {
  const base = sources.length === 1 ? path.basename(sources[0]) : `${path.basename(commonRoot(sources))}-${sources.length}-items`;
  return `${base || 'archive'}-${new Date().toISOString().slice(0, 10)}`;
}

/** `base`, or `base-2`, `base-3`, … when an archive of the vault already has that name. */
function uniqueName(base: string, taken: string[]): string {
  const names = new Set(taken);
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
  return name;
}

function describeFailure(e: unknown, what: string, hint = '', code = 'FreezeFailed'): unknown {
  if (CancellationError.is(e) || FreezerError.is(e)) return e;
  return new FreezerError(code, `${what} failed: ${errText(e)}. ${hint}`.trim(), { cause: e });
}

