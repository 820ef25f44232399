/**
 * Restores from S3 bucket stores: priced by the restore planner first, requested per segment
 * object (RestoreObject), followed by S3 events on the shared queue or by status polling, then
 * downloaded with ranged GETs (only the bytes one file needs) and thawed, verified like a vault's.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { FrameIndex } from '../archive/frameIndex';
import { memberArchiveRange, restoreMemberFromRange } from '../archive/rangeRestore';
import type { ArchiveRecord, JobRecord, VaultRecord } from '../catalogue';
import { CancellationError, FreezerError } from '../errors';
import { errText } from '../glacier/multipartUploader';
import type { S3RestoreEvent } from '../s3/notifications';
import { describeRemovalPlan, describeRestorePlan } from '../s3/planText';
import { NEAR_EXPIRY_MS, planRemoval, planRestore, type RestorePlan as PricedPlan } from '../s3/restorePlanner';
import type { S3Store } from '../s3/s3Store';
import { DEFAULT_STORAGE_CLASS, isArchiveStorageClass, type ArchiveStorageClass } from '../s3/storageClass';
import type { ArchiveRef, ByteRange, RestorePlan, SegmentLayout, StoreTicket } from '../storage/coldStore';
import { ActivityMeter } from './activityMeter';
import { decodePlan, encodePlan, type RetrievalPlan } from './archiveOperations';
import { bucketStore } from './bucketStores';
import { catalogueMembers, flattenInto, keyLookup, restoreLocal } from './restoreOperation';
import { exists, type ServiceContext } from './serviceContext';
import type { ActivityProgress, JobInfo, RemovalEstimate, RetrievalEstimate, Tier } from './types';
import { describe, toJobInfo } from './viewModels';

const classOf = (a: ArchiveRecord): ArchiveStorageClass => (isArchiveStorageClass(a.storageClass) ? a.storageClass : DEFAULT_STORAGE_CLASS);

export async function archiveRef(ctx: ServiceContext, a: ArchiveRecord): Promise<ArchiveRef> {
  if (!a.glacierId || a.deletedRemote) throw new FreezerError('NotInGlacier', `Archive ${a.id} is not in its S3 store (never uploaded, or removed), so it cannot be restored.`);
  const segments = (await ctx.catalogue.read((r) => r.getSegments(a.id))) as SegmentLayout[] | undefined;
  return { id: a.glacierId, size: a.encryptedSize ?? a.size, storageClass: classOf(a), ...(segments?.length ? { segments } : {}) };
}

/** The archive bytes (inclusive) restoring `member` reads, from the catalogued frame index. */
export async function memberRange(ctx: ServiceContext, a: ArchiveRecord, member: string): Promise<ByteRange | undefined> {
  const index = (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined;
  if (!index || index.archiveSize !== (a.encryptedSize ?? a.size)) return undefined;
  try {
    const r = memberArchiveRange(index, member);
    const start = index.encryption.format === 'fzr1' && !index.encryption.header ? 0 : r.start;
    return { start, end: r.end - 1 };
  } catch {
    return undefined;
  }
}

/** The store's plan priced by the planner, for the store's region. */
function price(v: VaultRecord, a: ArchiveRecord, plan: RestorePlan, days?: number): PricedPlan {
  return planRestore({
    region: v.region, days, archiveBytes: a.encryptedSize ?? a.size,
    objects: plan.units.map((u) => ({ key: u.id, bytes: u.bytes, readBytes: u.readBytes, storageClass: u.storageClass ?? classOf(a) })),
  });
}

/** What restoring the archive (or the one file `member`) requests, moves and costs, per tier. */
export async function estimateBucketRestore(ctx: ServiceContext, v: VaultRecord, a: ArchiveRecord, o: { member?: string; days?: number } = {}): Promise<RetrievalEstimate> {
  const store = bucketStore(ctx, v);
  const ref = await archiveRef(ctx, a);
  const range = o.member ? await memberRange(ctx, a, o.member) : undefined;
  const plan = await store.planRestore(ref, range);
  const priced = price(v, a, plan, o.days ?? ctx.opts.restoreDays);
  const available = priced.tiers.filter((t) => t.available);
  const segments = plan.ref.segments?.length ?? plan.units.length;
  return {
    archiveId: a.id,
    sizeBytes: priced.restoreBytes || plan.bytesToDownload,
    ...(range ? { archiveBytes: a.encryptedSize ?? a.size } : {}),
    pricesAsOf: priced.pricesAsOf, region: priced.region,
    tiers: available.length
      ? available.map((t) => ({ tier: t.tier, costUsd: t.totalUsd, typicalHours: t.waitText }))
      : [{ tier: 'Standard', costUsd: priced.readNowUsd, typicalHours: 'at once (no restore needed)' }],
    plan: {
      objects: plan.units.length, archiveObjects: segments, restoreBytes: priced.restoreBytes, downloadBytes: plan.bytesToDownload,
      days: priced.days, storageClass: classOf(a), approximate: priced.approximate,
      unavailable: priced.tiers.filter((t) => !t.available).map((t) => ({ tier: t.tier, reason: t.note ?? 'not offered' })),
      lines: [`${segments > 1 ? `${plan.units.length} of the archive's ${segments} segment objects` : 'The archive object'}${o.member ? ` hold ${o.member}` : ''}.`, ...describeRestorePlan(priced)],
    },
  };
}

/**
 * Requests the restore of the segments holding `members[0]` (one file, `flatten`) or the whole
 * archive; recorded as a job holding the store's ticket, so any process (the daemon too) finishes it.
 */
export async function startBucketRestore(
  ctx: ServiceContext, v: VaultRecord, a: ArchiveRecord,
  o: { tier: Tier; days?: number; restoreTo?: string; members?: string[]; flatten?: boolean; onExisting?: RetrievalPlan['onExisting'] },
): Promise<JobInfo> {
  const store = bucketStore(ctx, v);
  const one = o.flatten && o.members?.length === 1 ? o.members[0] : undefined;
  const range = one ? await memberRange(ctx, a, one) : undefined;
  const plan = await store.planRestore(await archiveRef(ctx, a), range);
  const priced = price(v, a, plan, o.days ?? ctx.opts.restoreDays);
  ctx.log.info('Restore plan for archive %d%s: %s', a.id, one ? ` (${one})` : '', describeRestorePlan(priced).join(' '));
  let recorded: string | undefined;
  let ticket: StoreTicket;
  try {
    ticket = await store.requestRestore(plan, {
      tier: o.tier, days: priced.days,
      // Recorded before the first RestoreObject: its completion event may come before the last is sent.
      onTicket: async (t) => {
        await ctx.catalogue.write((tx) => tx.upsertJob({
          jobId: t.id, vaultId: v.id, archiveId: a.id, action: 'ArchiveRetrieval', tier: o.tier, status: 'InProgress', ticket: t,
          byteRange: range ? `${plan.range.start}-${plan.range.end}` : null,
          restoreTarget: o.restoreTo ? path.resolve(o.restoreTo) : null,
          description: encodePlan({ members: o.members, flatten: o.flatten, ...(o.onExisting ? { onExisting: o.onExisting } : {}) }),
        }));
        recorded = t.id;
      },
    });
  } catch (e) {
    // Not all requested: nothing pending is left behind (the caller may offer another tier).
    const id = recorded;
    if (id) await ctx.catalogue.write((tx) => tx.removeJob(id)).catch(() => undefined);
    throw e;
  }
  // Only the ticket: a listening process may have completed the job meanwhile.
  const rec = await ctx.catalogue.write((tx) => tx.updateJob(ticket.id, { ticket }));
  ctx.emit('jobs', 'archives');
  ctx.log.info('Requested a %s restore %s of %d segment object(s) (%d bytes) of archive %d from %s',
    o.tier, ticket.id, plan.units.length, plan.bytesRestored, a.id, v.name);
  // Objects restored already (200, e.g. by an earlier one-file restore) send no S3 event: ask now.
  const answers = Object.values(ticket.requestedUnits ?? {});
  const done = answers.length > 0 && answers.every((x) => x === 'restored' || x === 'readable');
  return toJobInfo(done ? await checkBucketJob(ctx, rec, undefined, 'status check') : rec, a);
}

const isPartial = (j: JobRecord, a: ArchiveRecord): boolean => {
  const m = /^(\d+)-(\d+)$/.exec(j.byteRange ?? '');
  return !!m && !(Number(m[1]) === 0 && Number(m[2]) === (a.encryptedSize ?? a.size) - 1);
};

/**
 * Asks the store where one bucket restore stands and records it: `ready` makes it Succeeded with
 * the restored copy's expiry (the archive is `melted` until then); a copy gone or a segment deleted
 * behind Freezer's back fails it with the store's message.
 */
export async function checkBucketJob(ctx: ServiceContext, j: JobRecord, signal?: AbortSignal, via: 'status check' | 'S3 event' = 'status check'): Promise<JobRecord> {
  if (!j.ticket) return j;
  const v = await ctx.catalogue.read((r) => r.getVault(j.vaultId));
  if (!v || v.kind !== 'bucket') return j;
  const st = await bucketStore(ctx, v).status(j.ticket as StoreTicket, signal);
  const patch = st.state === 'ready'
    ? { status: 'Succeeded', completed: j.completed ?? new Date().toISOString(), expires: st.expires ?? null, statusMessage: null }
    : st.state === 'in-progress' ? undefined
      : { status: 'Failed', statusMessage: st.message ?? (st.state === 'expired' ? 'The restored copy expired; restore again.' : 'The restore failed.') };
  if (!patch) return j;
  if (patch.status === j.status && (patch as { expires?: string | null }).expires === j.expires) return j;
  const r = await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, patch));
  ctx.emit('jobs', 'archives');
  ctx.log.info('Restore %s of archive %s is now %s%s (seen by %s)', j.jobId, j.archiveId ?? '?', r.status, r.expires ? ` (restored copy until ${r.expires})` : '', via);
  return r;
}

/** A ready bucket restore: download (whole → the local file, `liquid`; one file → just its bytes) and restore. */
export async function applyBucketJob(ctx: ServiceContext, j: JobRecord, members: string[] | undefined, flatten: boolean, signal: AbortSignal): Promise<string[]> {
  const a = await ctx.requireArchive(j.archiveId!);
  const v = (await ctx.catalogue.read((r) => r.getVault(a.vaultId)))!;
  const store = bucketStore(ctx, v);
  const ticket = j.ticket as StoreTicket;
  if (isPartial(j, a) && members?.length === 1 && j.restoreTarget) return restoreOneFile(ctx, store, a, j, ticket, members[0], signal);
  const local = (await ctx.exclusive(`archive-${a.id}`, () => downloadWhole(ctx, store, a, j, ticket, signal)))!;
  if (!j.restoreTarget) return [];
  const onExisting = decodePlan(j.description).onExisting;
  return restoreLocal(ctx, local, { archiveId: a.id, to: j.restoreTarget, members, signal, ...(onExisting ? { onExisting } : {}) }, { flatten });
}

/** Downloads a ready whole-archive bucket restore to the archive's local file (`liquid`). Holds the archive's lock. */
export async function downloadBucketRestore(ctx: ServiceContext, j: JobRecord, signal: AbortSignal, onProgress?: (p: ActivityProgress) => void): Promise<ArchiveRecord> {
  const a = await ctx.requireArchive(j.archiveId!);
  const v = (await ctx.catalogue.read((r) => r.getVault(a.vaultId)))!;
  if (isPartial(j, a)) throw new FreezerError('PartialRetrieval', `Restore ${j.jobId} brought back only the part of archive ${a.id} holding one file; restore the whole archive to download it.`);
  return downloadWhole(ctx, bucketStore(ctx, v), a, j, j.ticket as StoreTicket, signal, onProgress);
}

async function downloadWhole(
  ctx: ServiceContext, store: S3Store, a: ArchiveRecord, j: JobRecord, ticket: StoreTicket, signal: AbortSignal, onProgress?: (p: ActivityProgress) => void,
): Promise<ArchiveRecord> {
  const now = await ctx.requireArchive(a.id);
  if (await exists(now.localPath)) return now;
  const desc = describe(a);
  const dest = ctx.localArchivePath({ id: a.id, name: desc.name, compression: a.compression, encryption: a.format || desc.encryption });
  await fs.mkdir(path.dirname(dest), { recursive: true });
  const size = a.encryptedSize ?? a.size;
  // Bytes only: files are counted when the downloaded archive is restored.
  const meter = new ActivityMeter('downloading', { filesTotal: 0, bytesTotal: size }, (p) => {
    ctx.setActivity(a.id, p);
    onProgress?.(p);
  });
  meter.update({}, true);
  const tmp = `${dest}.partial`;
  try {
    const got = await store.download(ticket, tmp, { signal, onProgress: (p) => meter.update({ bytesDone: p.bytesDone }) });
    if (got.range.start !== 0 || got.range.end !== size - 1) throw new FreezerError('PartialRetrieval', `Restore ${j.jobId} holds only bytes ${got.range.start}-${got.range.end} of archive ${a.id}; restore the whole archive.`);
    await fs.rename(tmp, dest);
    meter.finish();
    ctx.log.info('Downloaded archive %d from %s: %d bytes (verified)', a.id, store.location, got.bytesDownloaded);
  } finally {
    ctx.setActivity(a.id, undefined);
  }
  const r = await ctx.catalogue.write((tx) => {
    tx.updateJob(j.jobId, { outputPath: dest, ...(j.restoreTarget ? {} : { executed: new Date().toISOString() }) });
    return tx.updateArchive(a.id, { localPath: dest });
  });
  ctx.emit('archives', 'jobs');
  return r;
}

/** Ranged GETs of just the file's bytes from the restored segments, then the file, authenticated and checked. */
async function restoreOneFile(ctx: ServiceContext, store: S3Store, a: ArchiveRecord, j: JobRecord, ticket: StoreTicket, member: string, signal: AbortSignal): Promise<string[]> {
  const index = (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined;
  if (!index) throw new FreezerError('PartialRetrieval', `Restore ${j.jobId} brought back part of archive ${a.id}, but the catalogue has no frame index to read it; restore the whole archive.`);
  await fs.mkdir(ctx.opts.uploadFolder, { recursive: true });
  const dest = path.join(ctx.opts.uploadFolder, `.range-${a.id}-${j.jobId.slice(-8)}`);
  const got = await store.download(ticket, dest, { signal });
  ctx.log.info('Restore %s: downloaded %d bytes (archive bytes %d-%d) of archive %d for %s', j.jobId, got.bytesDownloaded, got.range.start, got.range.end, a.id, member);
  const expected = [...(await catalogueMembers(ctx, a))].find(([m]) => m === member)?.[1].sha256;
  const to = path.resolve(j.restoreTarget!);
  const scratch = path.join(to, `.freezer-restore-${j.jobId.slice(-8)}`);
  const fh = await fs.open(got.path, 'r');
  try {
    const restored = await restoreMemberFromRange({
      index, member, to: scratch, description: a.description, keys: keyLookup(ctx), expectedSha256: expected, signal,
      readRange: async (s, e) => {
        if (s < got.range.start || e > got.range.end + 1) throw new FreezerError('Corrupt', `Restoring "${member}" needs archive bytes ${s}-${e - 1}, outside the downloaded ${got.range.start}-${got.range.end}.`);
        const buf = Buffer.alloc(e - s);
        await fh.read(buf, 0, buf.length, s - got.range.start);
        return buf;
      },
    });
    if (expected && restored.some((f) => f.type === 'file' && !f.verified)) throw new FreezerError('ChecksumMismatch', `"${member}" could not be verified against the catalogue.`);
    return (await flattenInto(to, restored, decodePlan(j.description).onExisting ?? 'fail')).map((f) => f.target);
  } finally {
    await fh.close();
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.rm(got.path, { force: true });
  }
}

/**
 * Pending bucket restores are asked about (HEAD / listing); a completed whole-archive restore whose
 * copy expires soon and that nobody downloaded is downloaded now, before the copy goes.
 */
export async function refreshBucketJobs(ctx: ServiceContext, signal: AbortSignal, act: (j: JobRecord) => Promise<void>): Promise<void> {
  const jobs = await ctx.catalogue.listJobs({ action: 'ArchiveRetrieval' });
  for (const j of jobs) {
    if (!j.ticket) continue;
    try {
      if (j.status === 'InProgress') await checkBucketJob(ctx, j, signal);
      else if (j.status === 'Succeeded' && !j.executed && j.expires && Date.parse(j.expires) - Date.now() < NEAR_EXPIRY_MS && j.archiveId !== null) {
        const a = await ctx.catalogue.getArchive(j.archiveId);
        if (a && !(await exists(a.localPath)) && !isPartial(j, a)) {
          ctx.log.info('The restored copy of archive %d expires at %s: downloading it now', a.id, j.expires);
          await act(j);
        }
      }
    } catch (e) {
      if (signal.aborted) throw new CancellationError();
      ctx.log.warn('Checking restore %s failed: %s', j.jobId, errText(e));
    }
  }
}

/** S3 restore events from the queue: the pending restores holding those objects are checked now. */
export async function onS3RestoreEvents(ctx: ServiceContext, events: S3RestoreEvent[], signal: AbortSignal, act: (j: JobRecord) => Promise<void>): Promise<void> {
  const pending = (await ctx.catalogue.listJobs({ action: 'ArchiveRetrieval' })).filter((j) => j.ticket);
  for (const ev of events) {
    const touched = pending.filter((j) => {
      const t = j.ticket as StoreTicket;
      return t.store && t.store.startsWith(`s3://${ev.bucket}`) && (t.plan?.units ?? []).some((u) => u.id === ev.key);
    });
    if (!touched.length) {
      ctx.log.info('S3 event %s for s3://%s/%s concerns no restore in the catalogue: ignored', ev.kind, ev.bucket, ev.key);
      continue;
    }
    for (const j of touched) {
      const now = await ctx.catalogue.getJob(j.jobId);
      if (!now) continue;
      const r = now.status === 'InProgress' || ev.kind === 'restore-expired' ? await checkBucketJob(ctx, now, signal, 'S3 event') : now;
      if (r.status === 'Succeeded' && !r.executed) await act(r);
    }
  }
}

/** The early-deletion charge of removing a bucket archive now (its class's 90/180-day minimum). */
export async function estimateBucketRemoval(ctx: ServiceContext, v: VaultRecord, a: ArchiveRecord): Promise<RemovalEstimate> {
  const segments = ((await ctx.catalogue.read((r) => r.getSegments(a.id))) as SegmentLayout[] | undefined) ?? [];
  const uploaded = a.uploaded ?? a.created;
  const objects = segments.length
    ? segments.map((s) => ({ key: s.key, bytes: s.size, storageClass: classOf(a), uploaded }))
    : [{ key: a.glacierId ?? String(a.id), bytes: a.encryptedSize ?? a.size, storageClass: classOf(a), uploaded }];
  const p = planRemoval({ region: v.region, objects });
  return { archiveId: a.id, earlyDeletionUsd: p.totalUsd, ...(p.freeFrom ? { freeFrom: p.freeFrom } : {}), text: describeRemovalPlan(p) };
}
