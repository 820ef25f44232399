/** Configuration of the local Glacier + SQS + SNS endpoint. */

export type RetrievalTier = 'Expedited' | 'Standard' | 'Bulk';
export const TIERS: readonly RetrievalTier[] = ['Expedited', 'Standard', 'Bulk'];

export type FaultKind = '500' | '503' | 'throttle' | 'timeout' | 'drop' | 'slow' | 'apply-then-drop' | 'cut-body';
export const FAULT_KINDS: readonly FaultKind[] = ['500', '503', 'throttle', 'timeout', 'drop', 'slow', 'apply-then-drop', 'cut-body'];
/** Kinds that act after the request was handled and its effect persisted: only the answer is lost. */
export const AFTER_FAULT_KINDS: readonly FaultKind[] = ['apply-then-drop', 'cut-body'];

/** One fault rule. `setFaults` takes one or a list; for each request the first rule that fires wins. */
export interface FaultOptions {
  /** Probability in [0, 1] that a request meets a fault. */
  rate: number;
  /** Faults to pick from (uniformly). */
  kinds: readonly FaultKind[];
  /** Seed of the PRNG, so a failing run can be repeated. */
  seed?: number;
  /** Delay added by a `slow` fault, in ms (default 1000). */
  slowMs?: number;
  /** Only requests for these operations (AWS names, e.g. `CompleteMultipartUpload`) meet this rule; all when absent. */
  operations?: readonly string[];
  /** The rule injects at most this many faults, then is spent. */
  times?: number;
}

export interface LocalEndpointOptions {
  /** Storage root: archives, parts and metadata live here and survive restarts. */
  dir: string;
  /** TCP port; 0 (default) picks any free port. */
  port?: number;
  /** Interface to bind; 127.0.0.1 by default so nothing outside the machine can reach it. */
  host?: string;
  /** How long a job stays InProgress, per tier, in ms (default 0 for every tier). */
  jobDelays?: Partial<Record<RetrievalTier, number>>;
  /** Fault injection for tests; off when undefined. */
  faults?: FaultOptions | readonly FaultOptions[];
  region?: string;
  accountId?: string;
  /** Length of a "day" of an S3 restored copy's life, in ms (default a real day; tests scale it down). */
  restoreDayMs?: number;
  /** S3 buckets that exist but belong to another account: every request on them is 403 AccessDenied. */
  foreignBuckets?: readonly string[];
}

export interface ResolvedOptions {
  dir: string;
  port: number;
  host: string;
  jobDelays: Record<RetrievalTier, number>;
  region: string;
  accountId: string;
  restoreDayMs: number;
}

export function resolveOptions(o: LocalEndpointOptions): ResolvedOptions {
  if (!o.dir) throw new TypeError('LocalEndpointOptions.dir is required');
  const accountId = o.accountId ?? '123456789012';
  if (!/^\d{12}$/.test(accountId)) throw new TypeError('accountId must be 12 digits');
  return {
    dir: o.dir,
    port: o.port ?? 0,
    host: o.host ?? '127.0.0.1',
    jobDelays: { Expedited: 0, Standard: 0, Bulk: 0, ...o.jobDelays },
    region: o.region ?? 'us-east-1',
    accountId,
    restoreDayMs: o.restoreDayMs ?? 86_400_000,
  };
}

/** Parses `Expedited=0,Standard=2000,Bulk=5000` (ms; an `s` suffix means seconds). */
export function parseJobDelays(spec: string): Partial<Record<RetrievalTier, number>> {
  const out: Partial<Record<RetrievalTier, number>> = {};
  for (const item of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(Expedited|Standard|Bulk)=(\d+(?:\.\d+)?)(ms|s)?$/.exec(item);
    if (!m) throw new TypeError(`invalid job delay "${item}": expected Tier=milliseconds, e.g. Standard=2000`);
    out[m[1] as RetrievalTier] = Math.round(Number(m[2]) * (m[3] === 's' ? 1000 : 1));
  }
  return out;
}
