import fsp from 'node:fs/promises';
import { rangeTreeHash } from '../blobStore';
import { writeFileAtomic } from '../storage';
import type { GlacierContext } from './context';
import { arnOf, nowIso } from './context';
import { buildInventory } from './inventory';
import type { JobRecord } from './model';
import { isTreeHashAligned } from './ranges';

const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Moves jobs from InProgress to Succeeded after their tier's delay, and publishes the AWS job-completion
 * message to their SNS topics. A job past its time is also completed on demand when read, so a reader
 * never sees InProgress for a job whose delay has elapsed; restarts reschedule pending jobs.
 */
export class JobRunner {
  private ctx!: GlacierContext;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly completing = new Map<string, Promise<void>>();
  private closed = false;

  attach(ctx: GlacierContext): void {
    this.ctx = ctx;
  }

  /** Schedules every pending job (after loading state from disk). */
  resumeAll(): void {
    for (const v of this.ctx.store.vaults.values()) for (const j of v.jobs.values()) if (!j.desc.Completed) this.schedule(j);
  }

  schedule(job: JobRecord): void {
    // setTimeout cannot wait longer than ~24.8 days: long delays are waited for in steps.
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, job.completeAt - Date.now()));
    const t = setTimeout(() => {
      this.timers.delete(job.desc.JobId);
      if (Date.now() < job.completeAt) return this.schedule(job);
      void this.complete(job).catch(() => undefined);
    }, wait);
    t.unref();
    this.timers.set(job.desc.JobId, t);
  }

  /** Completes the job now if its time has come; resolves once it is written (and notified). */
  async settle(job: JobRecord): Promise<void> {
    if (!job.desc.Completed && Date.now() >= job.completeAt) await this.complete(job);
  }

  cancelVault(vault: string): void {
    const v = this.ctx.store.vaults.get(vault);
    if (!v) return;
    for (const id of v.jobs.keys()) {
      clearTimeout(this.timers.get(id));
      this.timers.delete(id);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.completing.values()]);
  }

  private complete(job: JobRecord): Promise<void> {
    const id = job.desc.JobId;
    const running = this.completing.get(id);
    if (running) return running;
    if (job.desc.Completed || this.closed) return Promise.resolve();
    const p = this.doComplete(job).finally(() => this.completing.delete(id));
    this.completing.set(id, p);
    return p;
  }

  private async doComplete(job: JobRecord): Promise<void> {
    const { ctx } = this;
    const d = job.desc;
    const vault = ctx.store.vaults.get(job.vault);
    if (!vault) return;
    if (d.Action === 'ArchiveRetrieval' && job.blob) {
      const start = job.rangeStart ?? 0;
      const end = job.rangeEnd ?? job.blob.size - 1;
      const exists = await fsp.stat(ctx.storage.blobDir(job.blob.blobId)).then(() => true, () => false);
      if (!exists) {
        d.StatusCode = 'Failed';
        d.StatusMessage = 'The archive was deleted before the job completed.';
      } else {
        d.StatusCode = 'Succeeded';
        d.StatusMessage = 'Succeeded';
        d.SHA256TreeHash = isTreeHashAligned(start, end, job.blob.size) ? await rangeTreeHash(ctx.storage.blobsRoot, job.blob, start, end) : null;
      }
    } else {
      const params = d.InventoryRetrievalParameters!;
      const body = buildInventory(arnOf(ctx, job.vault), vault.archives.values(), params.Format, {
        startDate: params.StartDate, endDate: params.EndDate,
      });
      await writeFileAtomic(ctx.storage.output(d.JobId), body);
      d.InventorySizeInBytes = Buffer.byteLength(body);
      d.StatusCode = 'Succeeded';
      d.StatusMessage = 'Succeeded';
      vault.record.lastInventoryDate = nowIso();
      await ctx.store.saveVault(vault.record);
    }
    d.Completed = true;
    d.CompletionDate = nowIso();
    await ctx.store.saveJob(job);
    const message = JSON.stringify(d);
    for (const topic of job.notify) {
      if (ctx.topics.topicExists(topic)) await ctx.topics.publish(topic, message, 'Notification From AWS Glacier');
    }
  }
}
