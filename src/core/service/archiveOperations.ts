import type { ExistingPolicy } from '../archive/placeFile';
import fs from 'node:fs/promises';
import path from 'node:path';
import { AbortMultipartUploadCommand } from '@aws-sdk/client-glacier';
import type { FrameIndex } from '../archive/frameIndex';
import type { ArchiveRecord, JobRecord } from '../catalogue';
import { JOB_OUTPUT_LIFETIME_MS } from '../catalogue';
import { FreezerError } from '../errors';
import { downloadJobOutput } from '../glacier/jobOutputDownloader';
import { describeJob, jobOutputSize } from '../glacier/jobs';
import { estimateAllTiers } from '../glacier/pricing';
import { initiateArchiveRetrieval } from '../glacier/retrieval';
import { ActivityMeter } from './activityMeter';
import { cleanUpCatalogue } from './catalogueMaintenance';
import { exists, type ServiceContext } from './serviceContext';
import type { ActivityProgress, ArchiveInfo, JobInfo, RemovalEstimate, RetrievalEstimate, Tier } from './types';
import { memberRetrievalRange } from './partialRetrieval';
import { deleteRemoteArchive } from './vaultOperations';
import { bucketOfArchive, s3Clients } from './bucketStores';
import { discardUpload, type S3UploadState } from '../s3/segmentUploader';
import { archiveRef, checkBucketJob, downloadBucketRestore, estimateBucketRemoval, estimateBucketRestore, startBucketRestore } from './bucketRestore';
import { describe, toJobInfo } from './viewModels';

export async function listArchives(ctx: ServiceContext, vault: string, page?: { offset: number; limit: number }): Promise<{ items: ArchiveInfo[]; total: number }> {
  const v = await ctx.catalogue.findVault(vault, ctx.region);
  if (!v) return { items: [], total: 0 };
  const all: ArchiveRecord[] = [];
  // Archives removed from Glacier leave history rows; only those still holding a local file stay visible.
  for (const a of await ctx.catalogue.listArchives({ vaultId: v.id })) {
    if (!a.deletedRemote || (await exists(a.localPath))) all.push(a);
  }
  const slice = page ? all.slice(page.offset, page.offset + page.limit) : all;
  return { items: await Promise.all(slice.map((a) => ctx.archiveInfo(a))), total: all.length };
}

export async function getArchive(ctx: ServiceContext, id: number): Promise<ArchiveInfo | undefined> {
  const a = await ctx.catalogue.getArchive(id);
  return a && ctx.archiveInfo(a);
}

/** Deletes the local copy of an archive Glacier holds: it becomes `frozen`. */
export async function disconnectArchive(ctx: ServiceContext, id: number): Promise<ArchiveInfo> {
  const a = await ctx.requireArchive(id);
  busyCheck(ctx, a);
  if (!a.glacierId || a.deletedRemote || a.uploading || a.building) {
    throw new FreezerError('NotUploaded', `Archive ${id} is not safely in Glacier yet, so its local file is its only copy and is kept.`);
  }
  if (a.localPath) await fs.rm(a.localPath, { force: true });
  const r = await ctx.catalogue.write((tx) => tx.updateArchive(id, { localPath: null }));
  ctx.emit('archives');
  ctx.log.info('Disconnected archive %d: deleted its local file %s', id, a.localPath ?? '(none)');
  return ctx.archiveInfo(r);
}

/**
 * Deletes an archive from Glacier (the front end has asked the user to confirm). Its catalogue row is
 * kept, marked as deleted there, as history of which files it held; an archive that never reached
 * Glacier is removed with its local file and any unfinished multipart upload.
 */
export async function removeArchive(ctx: ServiceContext, id: number): Promise<void> {
  const a = await ctx.requireArchive(id);
  busyCheck(ctx, a);
  const session = await ctx.catalogue.getUploadSession(id);
  if (session) {
    await ctx.clients.glacier.send(new AbortMultipartUploadCommand({ accountId: ctx.clients.accountId, vaultName: session.vaultName, uploadId: session.uploadId }))
      .catch((e: { name?: string }) => { if (e.name !== 'ResourceNotFoundException') throw e; });
  }
  const bucket = await bucketOfArchive(ctx, a.vaultId);
  if (bucket) {
    // An unfinished upload to S3: abort its multipart uploads so no billed parts are left behind.
    const state = await ctx.catalogue.read((r) => r.getStoreSession(String(id)));
    if (state) {
      await discardUpload(s3Clients(ctx), bucket.v.bucket!, state as S3UploadState, ctx.log);
      await ctx.catalogue.write((tx) => tx.deleteStoreSession(String(id)));
    }
  }
  if (a.glacierId && !a.deletedRemote) {
    if (bucket) await bucket.store.deleteArchive(await archiveRef(ctx, a));
    else await deleteRemoteArchive(ctx, a.vaultName, a.glacierId);
    await ctx.catalogue.write((tx) => {
      tx.deleteUploadSession(id);
      tx.updateArchive(id, { deletedRemote: true, uploading: false, building: false });
    });
    ctx.log.info('Deleted archive %d (%s) from vault %s', id, a.glacierId, a.vaultName);
  } else {
    if (a.localPath) await fs.rm(a.localPath, { force: true });
    await ctx.catalogue.write((tx) => tx.removeArchive(id));
    ctx.log.info('Removed archive %d, which was not in Glacier, and its local file', id);
  }
  // Files only that archive held are in no archive any more.
  await cleanUpCatalogue(ctx, [id]);
  ctx.emit('archives', 'files', 'vaults');
}

const TYPICAL_HOURS: Record<Tier, string> = { Expedited: '1–5 minutes', Standard: '3–5 hours', Bulk: '5–12 hours' };

/** What retrieving archive `id` costs; with `member`, what restoring that one file retrieves (maybe only part). */
export async function estimateRetrieval(ctx: ServiceContext, id: number, opts: { member?: string; days?: number } = {}): Promise<RetrievalEstimate> {
  const a = await ctx.requireArchive(id);
  const bucket = await bucketOfArchive(ctx, a.vaultId);
  if (bucket) return estimateBucketRestore(ctx, bucket.v, a, opts);
  const whole = a.encryptedSize ?? a.size;
  const range = opts.member ? memberRetrievalRange((await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined, opts.member, whole) : undefined;
  const size = range ? range.end - range.start + 1 : whole;
  const est = estimateAllTiers(size, ctx.region);
  return {
    archiveId: id, sizeBytes: size, ...(range ? { archiveBytes: whole } : {}), pricesAsOf: est[0].pricesAsOf, region: ctx.region,
    tiers: est.map((e) => ({ tier: e.tier, costUsd: e.totalUsd, typicalHours: TYPICAL_HOURS[e.tier] })),
  };
}

/** What a retrieval job should do on completion, beyond making the archive `melted`. */
export interface RetrievalPlan {
  members?: string[];
  /** Restore the files straight into the target folder (one file version), not under their member paths. */
  flatten?: boolean;
  /** What the restore does with existing files that differ (the daemon cannot ask). */
  onExisting?: ExistingPolicy;
}

const POLICIES: readonly string[] = ['replace', 'keep-both', 'skip', 'fail'];
export const encodePlan = (p: RetrievalPlan): string | null => (p.members?.length || (p.onExisting && p.onExisting !== 'fail')
  ? JSON.stringify({ ...(p.members?.length ? { members: p.members } : {}), ...(p.flatten ? { flatten: true } : {}), ...(p.onExisting && p.onExisting !== 'fail' ? { onExisting: p.onExisting } : {}) })
  : null);
export function decodePlan(description: string | null): RetrievalPlan {
  if (!description?.startsWith('{')) return {};
  try {
    const o = JSON.parse(description) as RetrievalPlan;
    return {
      ...(Array.isArray(o.members) ? { members: o.members.filter((m) => typeof m === 'string') } : {}),
      ...(o.flatten === true ? { flatten: true } : {}),
      ...(typeof o.onExisting === 'string' && POLICIES.includes(o.onExisting) ? { onExisting: o.onExisting } : {}),
    };
  } catch {
    return {};
  }
}

/** Starts a retrieval job: the archive becomes `melting`; with `restoreTo` the files are restored when it completes. */
export async function retrieveArchive(ctx: ServiceContext, id: number, tier: Tier, opts: { restoreTo?: string; members?: string[]; flatten?: boolean; onExisting?: ExistingPolicy; days?: number } = {}): Promise<JobInfo> {
  const a = await ctx.requireArchive(id);
  const bucket = await bucketOfArchive(ctx, a.vaultId);
  if (bucket) return startBucketRestore(ctx, bucket.v, a, { tier, ...opts });
  if (!a.glacierId || a.deletedRemote) throw new FreezerError('NotInGlacier', `Archive ${id} is not in Glacier, so it cannot be retrieved.`);
  const snsTopic = ctx.opts.glacier.snsTopicArn;
  const job = await initiateArchiveRetrieval(ctx.clients, { vault: a.vaultName, archiveId: a.glacierId, tier, snsTopic, description: `Freezer archive ${id}` });
  const rec = await ctx.catalogue.write((tx) => tx.upsertJob({
    jobId: job.jobId, vaultId: a.vaultId, archiveId: id, action: 'ArchiveRetrieval', tier,
    // A notification may have recorded the job (and its completion) already: never move it back.
    ...(tx.getJob(job.jobId) ? {} : { status: 'InProgress' }),
    snsTopic: snsTopic ?? null, restoreTarget: opts.restoreTo ? path.resolve(opts.restoreTo) : null,
    description: encodePlan({ members: opts.members, flatten: opts.flatten, onExisting: opts.onExisting }),
  }));
  ctx.emit('jobs', 'archives');
  ctx.log.info('Started %s retrieval %s of archive %d%s', tier, job.jobId, id, opts.restoreTo ? ` (restoring to ${opts.restoreTo} when done)` : '');
  return toJobInfo(rec, a);
}

/** Downloads the output of the archive's completed retrieval into the upload folder: `liquid`. */
export async function downloadArchive(ctx: ServiceContext, id: number, opts: { signal?: AbortSignal; onProgress?: (p: ActivityProgress) => void } = {}): Promise<ArchiveInfo> {
  const a = await ctx.requireArchive(id);
  if (await exists(a.localPath)) return ctx.archiveInfo(a);
  let job = await ctx.catalogue.latestRetrievalJob(id);
  if (!job) throw new FreezerError('NotRetrieved', `Archive ${id} has no retrieval job: retrieve it first.`);
  if (job.status === 'InProgress') job = await updateFromAws(ctx, job);
  if (job.status === 'InProgress') throw new FreezerError('RetrievalPending', `The retrieval of archive ${id} (job ${job.jobId}) has not completed yet.`);
  if (job.status !== 'Succeeded') throw new FreezerError('RetrievalFailed', `The retrieval of archive ${id} failed: ${job.statusMessage ?? job.status}. Start a new one.`);
  const done = job;
  const r = await ctx.exclusive(`archive-${id}`, () => downloadRetrieval(ctx, done, opts));
  return ctx.archiveInfo(r as ArchiveRecord);
}

/** Refreshes a catalogued job from DescribeJob. */
export async function updateFromAws(ctx: ServiceContext, job: JobRecord): Promise<JobRecord> {
  if (job.ticket) return checkBucketJob(ctx, job);
  const d = await describeJob(ctx.clients, job.vaultName, job.jobId);
  if (d.statusCode === job.status && (d.completionDate ?? null) === job.completed) return job;
  const r = await ctx.catalogue.write((tx) => tx.updateJob(job.jobId, {
    status: d.statusCode, statusMessage: d.statusMessage ?? null, completed: d.completionDate ?? null,
  }));
  ctx.emit('jobs', 'archives');
  return r;
}

/**
 * Downloads a succeeded retrieval job's output (ranged, parallel, tree-hash verified, resumable) to the
 * archive's local file. Call holding the archive's lock.
 */
export async function downloadRetrieval(ctx: ServiceContext, job: JobRecord, opts: { signal?: AbortSignal; onProgress?: (p: ActivityProgress) => void } = {}): Promise<ArchiveRecord> {
  if (job.archiveId === null) throw new FreezerError('ArchiveNotFound', `Job ${job.jobId} belongs to no catalogued archive.`);
  if (job.ticket) return downloadBucketRestore(ctx, job, opts.signal ? AbortSignal.any([opts.signal, ctx.lifetime.signal]) : ctx.lifetime.signal, opts.onProgress);
  const a = await ctx.requireArchive(job.archiveId);
  if (await exists(a.localPath)) return a;
  if (job.completed && Date.now() - Date.parse(job.completed) > JOB_OUTPUT_LIFETIME_MS) {
    throw new FreezerError('RetrievalExpired', `The output of job ${job.jobId} expired (Glacier keeps it 24 hours): retrieve archive ${a.id} again.`);
  }
  const d = await describeJob(ctx.clients, job.vaultName, job.jobId, opts.signal);
  if (d.retrievalByteRange && jobOutputSize(d) !== d.archiveSizeInBytes) {
    throw new FreezerError('PartialRetrieval', `Job ${job.jobId} retrieved only bytes ${d.retrievalByteRange} of archive ${a.id}; download the whole archive with a new retrieval.`);
  }
  const expected = d.treeHash ?? a.treeHash;
  if (!expected) throw new FreezerError('NoTreeHash', `Neither Glacier nor the catalogue gives a tree hash for archive ${a.id}; its bytes cannot be verified.`);
  if (a.treeHash && d.treeHash && a.treeHash.toLowerCase() !== d.treeHash.toLowerCase()) {
    throw new FreezerError('TreeHashMismatch', `Glacier's tree hash for archive ${a.id} (${d.treeHash}) differs from the one recorded at upload (${a.treeHash}); not downloading.`);
  }
  const size = jobOutputSize(d) ?? a.encryptedSize ?? a.size;
  const desc = describe(a);
  const reuse = a.localPath && (await exists(path.dirname(a.localPath)));
  const dest = reuse ? (a.localPath as string) : ctx.localArchivePath({ id: a.id, name: desc.name, compression: a.compression, encryption: a.format || desc.encryption, glacierId: a.glacierId });
  await fs.mkdir(path.dirname(dest), { recursive: true });
  // Bytes only: files are counted when the downloaded archive is restored.
  const meter = new ActivityMeter('downloading', { filesTotal: 0, bytesTotal: size }, (p) => {
    ctx.setActivity(a.id, p);
    opts.onProgress?.(p);
  });
  meter.update({}, true);
  const signal = opts.signal ? AbortSignal.any([opts.signal, ctx.lifetime.signal]) : ctx.lifetime.signal;
  try {
    await downloadJobOutput({
      clients: ctx.clients, vault: job.vaultName, jobId: job.jobId, size, expectedTreeHash: expected, dest,
      concurrency: ctx.opts.glacier.threads, signal, logger: ctx.log,
      // Reports come per received chunk now: the meter throttles them.
      onProgress: (p) => meter.update({ bytesDone: p.bytesDone }),
    });
    meter.finish();
  } finally {
    ctx.setActivity(a.id, undefined);
  }
  const r = await ctx.catalogue.write((tx) => {
    // A job with a restore target is applied only once its restore has run (actOnJob marks it then).
    tx.updateJob(job.jobId, { ...(job.restoreTarget ? {} : { executed: new Date().toISOString() }), outputPath: dest, status: d.statusCode, completed: d.completionDate ?? job.completed });
    return tx.updateArchive(a.id, { localPath: dest, ...(a.treeHash ? {} : { treeHash: expected, encryptedSize: size }) });
  });
  ctx.emit('archives', 'jobs');
  ctx.log.info('Downloaded archive %d to %s (verified)', a.id, dest);
  return r;
}

/** Bucket archives: the early-deletion charge of removing it now; vault archives: undefined. */
export async function estimateRemoval(ctx: ServiceContext, id: number): Promise<RemovalEstimate | undefined> {
  const a = await ctx.requireArchive(id);
  const bucket = await bucketOfArchive(ctx, a.vaultId);
  return bucket && a.glacierId && !a.deletedRemote ? estimateBucketRemoval(ctx, bucket.v, a) : undefined;
}

function busyCheck(ctx: ServiceContext, a: ArchiveRecord): void {
  if (ctx.activities.has(a.id)) throw new FreezerError('ArchiveBusy', `Archive ${a.id} is being worked on (${ctx.activities.get(a.id)?.phase}); wait for it or cancel it first.`);
}
