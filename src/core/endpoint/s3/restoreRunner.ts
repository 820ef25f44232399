import type { S3Context } from './context';
import { httpDate } from './context';
import { ARCHIVE_CLASSES, type ObjectRecord, type RestoreState } from './model';

const MAX_TIMER_MS = 2 ** 31 - 1;
const DAY_MS = 86_400_000;

/** The `x-amz-restore` header of an archived object that has (or is getting) a restored copy. */
export function restoreHeader(o: ObjectRecord): string | undefined {
  const r = o.restore;
  if (!r || !ARCHIVE_CLASSES.includes(o.storageClass)) return undefined;
  if (r.ongoing) return 'ongoing-request="true"';
  return `ongoing-request="false", expiry-date="${httpDate(r.expiresAt!)}"`;
}

/**
 * When a restored copy expires: `days` after `from`, rounded up to the next midnight UTC as S3 does.
 * With a scaled day (tests) the expiry is exactly `days` scaled days later.
 */
export function expiryFrom(from: number, days: number, dayMs: number): number {
  if (dayMs !== DAY_MS) return from + days * dayMs;
  const t = from + days * DAY_MS;
  return Math.ceil(t / DAY_MS) * DAY_MS;
}

/**
 * Runs restores: an ongoing restore completes after its tier's delay (the job-delay options), the
 * restored copy then lives until its expiry and is removed. Transitions also happen on demand when an
 * object is read, so no reader sees a state whose time has passed; restarts reschedule from the records.
 */
export class RestoreRunner {
  private ctx!: S3Context;
  private readonly timers = new Map<ObjectRecord, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  attach(ctx: S3Context): void {
    this.ctx = ctx;
  }

  resumeAll(): void {
    for (const b of this.ctx.store.buckets.values()) for (const o of b.objects.values()) if (o.restore) this.schedule(o);
  }

  schedule(o: ObjectRecord): void {
    this.cancel(o);
    const r = o.restore;
    if (!r || this.closed) return;
    const at = r.ongoing ? r.completeAt : r.expiresAt!;
    const t = setTimeout(() => {
      this.timers.delete(o);
      if (Date.now() < at) return this.schedule(o);
      this.track(this.settle(o));
    }, Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
    t.unref();
    this.timers.set(o, t);
  }

  cancel(o: ObjectRecord): void {
    clearTimeout(this.timers.get(o));
    this.timers.delete(o);
  }

  /** True when the object's restore has a transition due now. */
  due(o: ObjectRecord): boolean {
    const r = o.restore;
    return !!r && Date.now() >= (r.ongoing ? r.completeAt : r.expiresAt!);
  }

  /** Applies whatever transitions are due (completion, then expiry), writing and notifying each. */
  async settle(o: ObjectRecord): Promise<void> {
    while (this.due(o) && !this.closed) {
      const b = this.ctx.store.buckets.get(o.bucket);
      if (!b || b.objects.get(o.key) !== o) return; // replaced or deleted meanwhile
      const r = o.restore!;
      if (r.ongoing) {
        const completed: RestoreState = { ...r, ongoing: false, expiresAt: expiryFrom(r.completeAt, r.days, this.ctx.opts.restoreDayMs) };
        o.restore = completed;
        await this.ctx.store.saveObject(o);
        await this.ctx.events.emit(b, 'ObjectRestore:Completed', o);
      } else {
        o.restore = undefined;
        await this.ctx.store.saveObject(o);
        await this.ctx.events.emit(b, 'ObjectRestore:Delete', o);
      }
    }
    if (o.restore) this.schedule(o);
    else this.cancel(o);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  private track(p: Promise<void>): void {
    const q = p.catch(() => undefined).finally(() => this.running.delete(q));
    this.running.add(q);
  }
}
