import { setTimeout as sleep } from 'node:timers/promises';
import type { JobRecord } from '../catalogue';
import { CancellationError, FreezerError } from '../errors';
import { DEFAULT_JOB_POLL_INTERVAL_MS } from '../glacier/jobPoller';
import { describeJob, listJobs as listAwsJobs, type JobInfo as GlacierJob } from '../glacier/jobs';
import { errText } from '../glacier/multipartUploader';
import { startNotificationListener, vaultNameFromArn } from '../glacier/notifications';
import { isRetryableError } from '../glacier/retry';
import { decodePlan, downloadRetrieval } from './archiveOperations';
import { applyRebuildJob, failRebuild, isRebuildJob } from './catalogueRebuild';
import { mergeInventoryJob } from './inventoryOperation';
import { applyPartialRetrieval, partialRangeOf } from './partialRetrieval';
import { restoreLocal } from './restoreOperation';
import { applyBucketJob, onS3RestoreEvents, refreshBucketJobs } from './bucketRestore';
import type { ServiceContext } from './serviceContext';
import type { JobInfo } from './types';
import { NOT_APPLIED_PREFIX, toJobInfo } from './viewModels';
import { count } from '../words';

export async function listJobs(ctx: ServiceContext, vault?: string): Promise<JobInfo[]> {
  const v = vault === undefined ? undefined : await ctx.catalogue.findVault(vault, ctx.region);
  if (vault !== undefined && !v) return [];
  const jobs = await ctx.catalogue.listJobs(v ? { vaultId: v.id } : {});
  const out: JobInfo[] = [];
  for (const j of jobs) out.push(toJobInfo(j, j.archiveId !== null ? await ctx.catalogue.getArchive(j.archiveId) : undefined));
  return out;
}

/**
 * Asks AWS about the catalogue's pending jobs and the vaults' job lists, records what changed and
 * handles completed jobs (inventory merge; download and restore where asked). Returns all jobs.
 */
export async function refreshJobs(ctx: ServiceContext, signal: AbortSignal = ctx.lifetime.signal): Promise<JobInfo[]> {
  await discoverJobs(ctx, signal);
  await refreshBucketJobs(ctx, signal, (j) => actOnJob(ctx, j, signal));
  for (const j of await ctx.catalogue.listJobs({ status: 'InProgress' })) {
    if (j.ticket) continue; // bucket restores: asked above
    try {
      await handleJobUpdate(ctx, await describeJob(ctx.clients, j.vaultName, j.jobId, signal), 'DescribeJob', signal);
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') {
        await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, { status: 'Failed', statusMessage: 'Glacier no longer knows this job (expired).' }));
        ctx.emit('jobs', 'archives');
      } else if (signal.aborted) throw new CancellationError();
      else ctx.log.warn('Checking job %s failed: %s', j.jobId, errText(e));
    }
  }
  // Completed but not yet acted on (e.g. the process stopped in the middle): try again.
  for (const j of await ctx.catalogue.listJobs({ status: 'Succeeded' })) {
    if (!j.executed && needsAction(ctx, j)) await actOnJob(ctx, j, signal).catch((e) => { if (signal.aborted) throw e; ctx.log.warn('Job %s: %s', j.jobId, errText(e)); });
  }
  return listJobs(ctx);
}

/** Jobs at AWS the catalogue does not know (started elsewhere) are added, matched to archives by id. */
async function discoverJobs(ctx: ServiceContext, signal: AbortSignal): Promise<void> {
  for (const v of await ctx.catalogue.listVaults()) {
    if (v.region !== ctx.region || v.kind === 'bucket') continue;
    let remote: GlacierJob[];
    try {
      remote = await listAwsJobs(ctx.clients, v.name, { signal });
    } catch (e) {
      if (signal.aborted) throw new CancellationError();
      if ((e as { name?: string }).name !== 'ResourceNotFoundException') ctx.log.warn('Listing the jobs of vault %s failed: %s', v.name, errText(e));
      continue;
    }
    const added = await ctx.catalogue.write((tx) => {
      let n = 0;
      for (const j of remote) {
        if (tx.getJob(j.jobId) || (j.action !== 'ArchiveRetrieval' && j.action !== 'InventoryRetrieval')) continue;
        const a = j.archiveId ? tx.findArchiveByGlacierId(j.archiveId) : undefined;
        tx.upsertJob({
          jobId: j.jobId, vaultId: v.id, archiveId: a?.id ?? null, action: j.action, tier: j.tier ?? null, byteRange: j.retrievalByteRange ?? null,
          status: j.statusCode, statusMessage: j.statusMessage ?? null, created: j.creationDate, completed: j.completionDate ?? null,
          snsTopic: j.snsTopic ?? null,
        });
        n++;
      }
      return n;
    });
    if (added) ctx.emit('jobs', 'archives');
  }
}

/** Records a job's state from AWS (DescribeJob or a notification) and acts on its completion. */
export async function handleJobUpdate(ctx: ServiceContext, job: GlacierJob, via: 'notification' | 'DescribeJob', signal: AbortSignal): Promise<void> {
  const known = (await ctx.catalogue.getJob(job.jobId)) ?? (await awaitRecord(ctx, job, signal)) ?? (await adoptJob(ctx, job));
  if (!known) {
    ctx.log.info('Job %s of vault %s concerns nothing in the catalogue: ignored', job.jobId, vaultNameFromArn(job.vaultArn));
    return;
  }
  let rec = known;
  if (known.status !== job.statusCode || known.completed !== (job.completionDate ?? null)) {
    rec = await ctx.catalogue.write((tx) => tx.updateJob(job.jobId, {
      status: job.statusCode, statusMessage: job.statusMessage ?? null, completed: job.completionDate ?? null,
    }));
    ctx.emit('jobs', 'archives');
    ctx.log.info('Job %s (%s) is now %s (seen by %s)', job.jobId, job.action, job.statusCode, via);
  }
  if (rec.status === 'Failed' && isRebuildJob(rec)) await failRebuild(ctx, rec, rec.statusMessage ?? 'the retrieval failed');
  if (rec.status === 'Succeeded' && !rec.executed && needsAction(ctx, rec)) await actOnJob(ctx, rec, signal);
}

/** How long a notification for a just-started, unrecorded job waits for its initiator to record it. */
export const RECORD_GRACE_MS = 5_000;
const YOUNG_JOB_MS = 10 * 60_000;

/**
 * With short job delays the notification can overtake the initiator's catalogue write (InitiateJob
 * answers, then the job is recorded with its restore target). Adopting it at once would act without
 * that target, so a young job of a catalogued vault gets a few seconds to appear first.
 */
async function awaitRecord(ctx: ServiceContext, job: GlacierJob, signal: AbortSignal): Promise<JobRecord | undefined> {
  const age = job.creationDate ? Date.now() - Date.parse(job.creationDate) : 0;
  if (!(age < YOUNG_JOB_MS) || !(await ctx.catalogue.findVault(vaultNameFromArn(job.vaultArn), ctx.region))) return undefined;
  const end = Date.now() + RECORD_GRACE_MS;
  while (Date.now() < end) {
    await sleep(100, undefined, { signal }).catch(() => { throw new CancellationError(); });
    const rec = await ctx.catalogue.getJob(job.jobId);
    if (rec) return rec;
  }
  return undefined;
}

/**
 * A job started elsewhere (another machine, another tool) for a catalogued archive or vault: recorded
 * so its completion is handled like ours (the daemon then downloads it; an inventory is merged).
 */
async function adoptJob(ctx: ServiceContext, job: GlacierJob): Promise<JobRecord | undefined> {
  if (job.action !== 'ArchiveRetrieval' && job.action !== 'InventoryRetrieval') return undefined;
  const vault = await ctx.catalogue.findVault(vaultNameFromArn(job.vaultArn), ctx.region);
  if (!vault) return undefined;
  const archive = job.archiveId ? await ctx.catalogue.findArchiveByGlacierId(job.archiveId) : undefined;
  if (job.action === 'ArchiveRetrieval' && !archive) return undefined;
  const rec = await ctx.catalogue.write((tx) => tx.upsertJob({
    jobId: job.jobId, vaultId: vault.id, archiveId: archive?.id ?? null, action: job.action, tier: job.tier ?? null,
    byteRange: job.retrievalByteRange ?? null, status: 'InProgress', created: job.creationDate, snsTopic: job.snsTopic ?? null,
  }));
  ctx.log.info('Job %s (%s) was started outside this catalogue; following it', job.jobId, job.action);
  ctx.emit('jobs', 'archives');
  return rec;
}

/** Acts on a recorded job whose completion was seen before it was recorded (see retrieveArchive). */
export async function applyIfComplete(ctx: ServiceContext, jobId: string): Promise<void> {
  const j = await ctx.catalogue.getJob(jobId);
  if (j && j.status === 'Succeeded' && !j.executed && needsAction(ctx, j)) await actOnJob(ctx, j, ctx.lifetime.signal);
}

function needsAction(ctx: ServiceContext, j: JobRecord): boolean {
  if (j.action === 'InventoryRetrieval' || isRebuildJob(j)) return true;
  return j.action === 'ArchiveRetrieval' && j.archiveId !== null && (j.restoreTarget !== null || ctx.opts.autoDownload === true);
}

/** What a retrieval's completion restored, kept on the job so the front ends can say it. */
export const restoredMessage = (n: number, to: string): string => `Restored ${count(n, 'file')} into ${to}`;

/**
 * Applies a completed job once across every process sharing the catalogue: merges an inventory, or
 * downloads a retrieval and restores it into its target. Failures that another attempt cannot fix are
 * recorded on the job; transient ones are thrown so the notification comes again.
 */
async function actOnJob(ctx: ServiceContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  await ctx.exclusive(`job-${job.jobId}`, async () => {
    const j = await ctx.catalogue.getJob(job.jobId);
    if (!j || j.executed) return;
    try {
      if (j.action === 'InventoryRetrieval') {
        await mergeInventoryJob(ctx, j);
        return;
      }
      if (isRebuildJob(j)) {
        await applyRebuildJob(ctx, j, signal);
        return;
      }
      if (j.ticket) {
        const plan = decodePlan(j.description);
        const files = await applyBucketJob(ctx, j, plan.members, !!plan.flatten, signal);
        // Said as a vault job's restore says it: the front ends announce it from the job's message.
        if (j.restoreTarget) ctx.log.info('Job %s: restored %s into %s', j.jobId, count(files.length, 'file'), j.restoreTarget);
        else ctx.log.info('Job %s: downloaded archive %d', j.jobId, j.archiveId);
        await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, { executed: new Date().toISOString(), ...(j.restoreTarget ? { statusMessage: restoredMessage(files.length, j.restoreTarget) } : {}) }));
        ctx.emit('jobs', 'archives');
        return;
      }
      const whole = await ctx.requireArchive(j.archiveId!);
      const part = partialRangeOf(j, whole);
      if (part && j.restoreTarget) {
        const files = await applyPartialRetrieval(ctx, j, whole, part, decodePlan(j.description).members ?? [], signal);
        ctx.log.info('Job %s: restored %s into %s from bytes %s of archive %d', j.jobId, count(files.length, 'file'), j.restoreTarget, j.byteRange, whole.id);
        await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, { executed: new Date().toISOString(), statusMessage: restoredMessage(files.length, j.restoreTarget!) }));
        ctx.emit('jobs');
        return;
      }
      const a = (await ctx.exclusive(`archive-${j.archiveId}`, () => downloadRetrieval(ctx, j, { signal })))!;
      let restored: string | undefined;
      if (j.restoreTarget) {
        const plan = decodePlan(j.description);
        const files = await restoreLocal(ctx, a, { archiveId: a.id, to: j.restoreTarget, members: plan.members, onExisting: plan.onExisting, signal }, { flatten: plan.flatten });
        ctx.log.info('Job %s: restored %s into %s', j.jobId, count(files.length, 'file'), j.restoreTarget);
        restored = restoredMessage(files.length, j.restoreTarget);
      }
      await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, { executed: new Date().toISOString(), ...(restored ? { statusMessage: restored } : {}) }));
      ctx.emit('jobs', 'archives');
    } catch (e) {
      if (CancellationError.is(e) || !FreezerError.is(e) || isRetryableError(e)) throw e;
      ctx.log.error('Job %s completed but could not be applied: %s', j.jobId, e.message);
      if (isRebuildJob(j)) await failRebuild(ctx, j, e.message);
      await ctx.catalogue.write((tx) => tx.updateJob(j.jobId, { executed: new Date().toISOString(), statusMessage: `${NOT_APPLIED_PREFIX}${e.message}` }));
      ctx.emit('jobs');
    }
  }, { wait: false }); // another process applying it already: nothing to do here
}

/**
 * Follows jobs until `signal` aborts: SQS notifications when a queue is configured, plus DescribeJob
 * polling every `jobPollIntervalMs`. Catches up first with jobs that completed while nobody listened.
 */
export async function watchJobs(ctx: ServiceContext, signal: AbortSignal): Promise<void> {
  const stop = AbortSignal.any([signal, ctx.lifetime.signal]);
  const run = (async () => {
    await refreshJobs(ctx, stop).catch((e) => { if (!stop.aborted) ctx.log.warn('Refreshing jobs failed: %s', errText(e)); });
    const queueUrl = ctx.opts.glacier.queueUrl;
    const interval = ctx.opts.jobPollIntervalMs ?? DEFAULT_JOB_POLL_INTERVAL_MS;
    let listening: Promise<void> = Promise.resolve();
    if (queueUrl) {
      ctx.log.info('Listening for job notifications on %s (and checking jobs every %d s)', queueUrl, Math.round(interval / 1000));
      listening = startNotificationListener({
        clients: ctx.clients, queueUrl, logger: ctx.log, signal: stop, waitTimeSeconds: ctx.opts.glacier.pollTimeSeconds,
        // A stop interrupts the download at a checkpoint; the message comes again and the download resumes.
        onJob: (job) => handleJobUpdate(ctx, job, 'notification', stop),
        onS3Restore: (events) => onS3RestoreEvents(ctx, events, stop, (j) => actOnJob(ctx, j, stop)),
      }).done;
    } else {
      ctx.log.info('No notification queue configured: checking jobs every %d s', Math.round(interval / 1000));
    }
    // Also with a queue: jobs started without a topic, or a lost message, are caught by the slow poll.
    while (!stop.aborted) {
      try {
        await sleep(interval, undefined, { signal: stop });
      } catch {
        break;
      }
      await refreshJobs(ctx, stop).catch((e) => { if (!stop.aborted) ctx.log.warn('Refreshing jobs failed: %s', errText(e)); });
    }
    await listening;
  })();
  ctx.watchers.add(run);
  try {
    await run;
  } finally {
    ctx.watchers.delete(run);
  }
}

export async function stopWatching(ctx: ServiceContext): Promise<void> {
  await Promise.allSettled([...ctx.watchers]);
}
