/**
 * The restore planner: what a restore from an S3 store will request, move and cost, before any
 * request is sent. Pure: callers give the objects (with their class and restore status) and the
 * bytes to be read from each; the planner adds no I/O and no clock other than `now`.
 */
import { priceTable, type RegionPriceTable } from './prices';
import {
  EXPEDITED_MAX_OBJECT_BYTES, RESTORE_WAIT_HOURS, formatWait, needsRestore, restoreTiers, type ArchiveStorageClass,
  type RestoreTier,
} from './storageClass';

const GB = 1024 ** 3;
const DAY_MS = 86_400_000;
/** A restored copy expiring sooner than this is restored again (only the request is billed) before it is read. */
export const NEAR_EXPIRY_MS = 12 * 3_600_000;
/** Default lifetime of a restored copy: long enough to download, short enough not to pay for long. */
export const DEFAULT_RESTORE_DAYS = 3;

export interface PlannedObject {
  key: string;
  /** Object size in bytes. */
  bytes: number;
  storageClass: ArchiveStorageClass | 'STANDARD';
  /** Bytes Freezer then reads from this object with ranged GETs. */
  readBytes: number;
  /** As HeadObject's x-amz-restore (or ListObjectsV2 RestoreStatus) says; absent: never restored. */
  restore?: { ongoing: boolean; expiry?: string };
}

/** What the planner will do with an object. */
export type ObjectAction =
  | 'restore' // RestoreObject needed
  | 'renew' // restored, but the copy expires too soon: restore again (extends it)
  | 'wait' // a restore is already in progress
  | 'read'; // readable now (restored, STANDARD or GLACIER_IR)

export interface TierPlan {
  tier: RestoreTier;
  available: boolean;
  /** Why not available, or a caveat ("objects over 250 MB may take longer"). */
  note?: string;
  wait: [number, number];
  waitText: string;
  requests: number;
  requestUsd: number;
  retrievalUsd: number;
  /** The temporary restored copies, billed at the STANDARD rate for their days. */
  restoredCopyUsd: number;
  transferOutUsd: number;
  totalUsd: number;
}

export interface RestorePlan {
  objects: (PlannedObject & { action: ObjectAction })[];
  /** Bytes brought back by RestoreObject (whole objects). */
  restoreBytes: number;
  /** Bytes then downloaded (ranged GETs). */
  downloadBytes: number;
  /** The whole archive's bytes when the plan covers only part of it. */
  archiveBytes?: number;
  days: number;
  /** One entry per tier the objects' classes allow; empty when nothing needs restoring. */
  tiers: TierPlan[];
  /** Cost when nothing needs restoring (reads of GLACIER_IR and transfer out). */
  readNowUsd: number;
  region: string;
  pricesAsOf: string;
  /** True when the region's prices are not in the table or a figure is unverified. */
  approximate: boolean;
}

export interface RestorePlanInput {
  region: string;
  objects: PlannedObject[];
  /** Days the restored copies are kept (default DEFAULT_RESTORE_DAYS). */
  days?: number;
  archiveBytes?: number;
  now?: Date;
}

function actionOf(o: PlannedObject, now: number): ObjectAction {
  if (!needsRestore(o.storageClass)) return 'read';
  if (o.restore?.ongoing) return 'wait';
  const expiry = o.restore?.expiry ? Date.parse(o.restore.expiry) : NaN;
  if (Number.isNaN(expiry) || expiry <= now) return 'restore';
  return expiry - now < NEAR_EXPIRY_MS ? 'renew' : 'read';
}

/** Retrieval fees of reading GLACIER_IR bytes (no restore, but billed per GB read). */
function instantReadUsd(t: RegionPriceTable, objects: PlannedObject[]): number {
  const ir = t.classes.GLACIER_IR.retrieval.Standard;
  return objects.filter((o) => o.storageClass === 'GLACIER_IR').reduce((s, o) => s + (o.readBytes / GB) * (ir?.perGb ?? 0), 0);
}

export function planRestore(input: RestorePlanInput): RestorePlan {
  const now = (input.now ?? new Date()).getTime();
  const days = input.days ?? DEFAULT_RESTORE_DAYS;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`A restored copy is kept a whole number of days (at least 1), not ${days}.`);
  const { table, exact } = priceTable(input.region);
  const objects = input.objects.map((o) => ({ ...o, action: actionOf(o, now) }));
  const toRestore = objects.filter((o) => o.action === 'restore' || o.action === 'renew');
  const fresh = objects.filter((o) => o.action === 'restore');
  const downloadBytes = objects.reduce((s, o) => s + o.readBytes, 0);
  const transferOutUsd = (downloadBytes / GB) * table.transferOutPerGb;
  const irUsd = instantReadUsd(table, objects);
  const classes = [...new Set(toRestore.map((o) => o.storageClass as ArchiveStorageClass))];
  const allowed = (tier: RestoreTier) => classes.every((c) => restoreTiers(c).includes(tier));
  const tiers: TierPlan[] = [];
  if (toRestore.length) {
    for (const tier of ['Expedited', 'Standard', 'Bulk'] as RestoreTier[]) {
      const ok = allowed(tier);
      if (!ok && tier !== 'Expedited') continue;
      let requestUsd = 0;
      let retrievalUsd = 0;
      let lo = 0;
      let hi = 0;
      for (const o of toRestore) {
        const c = o.storageClass as ArchiveStorageClass;
        const p = table.classes[c].retrieval[tier] ?? table.classes[c].retrieval.Standard ?? { perGb: 0, per1000Requests: 0 };
        requestUsd += p.per1000Requests / 1000;
        if (o.action === 'restore') retrievalUsd += (o.bytes / GB) * p.perGb;
        const w = RESTORE_WAIT_HOURS[c as 'GLACIER' | 'DEEP_ARCHIVE'][tier] ?? RESTORE_WAIT_HOURS[c as 'GLACIER' | 'DEEP_ARCHIVE'].Standard ?? [0, 0];
        lo = Math.max(lo, w[0]);
        hi = Math.max(hi, w[1]);
      }
      const restoredCopyUsd = toRestore.reduce((s, o) => s + (o.bytes / GB) * table.standardPerGbMonth * (days / 30), 0);
      const big = tier === 'Expedited' && toRestore.some((o) => o.bytes >= EXPEDITED_MAX_OBJECT_BYTES);
      const note = !ok
        ? 'not offered for Glacier Deep Archive'
        : big ? 'objects of 250 MB or more may take longer than 5 min' : undefined;
      tiers.push({
        tier, available: ok, ...(note ? { note } : {}), wait: [lo, hi], waitText: ok ? formatWait([lo, hi]) : '—',
        requests: toRestore.length, requestUsd, retrievalUsd, restoredCopyUsd, transferOutUsd,
        totalUsd: requestUsd + retrievalUsd + restoredCopyUsd + transferOutUsd + irUsd,
      });
    }
  }
  const hasUnverified = objects.some((o) => o.storageClass === 'GLACIER_IR');
  return {
    objects,
    restoreBytes: fresh.reduce((s, o) => s + o.bytes, 0),
    downloadBytes,
    ...(input.archiveBytes !== undefined ? { archiveBytes: input.archiveBytes } : {}),
    days,
    tiers,
    readNowUsd: transferOutUsd + irUsd,
    region: input.region,
    pricesAsOf: table.asOf,
    approximate: !exact || hasUnverified,
  };
}

export interface RemovalObject {
  key: string;
  bytes: number;
  storageClass: ArchiveStorageClass | 'STANDARD';
  /** When the object was written (its minimum duration counts from then). */
  uploaded: string;
}

export interface RemovalPlan {
  objects: (RemovalObject & { daysStored: number; daysLeft: number; chargeUsd: number })[];
  /** Early-deletion charge: storage for the rest of each object's 90/180-day minimum. */
  totalUsd: number;
  /** Date from which removing costs nothing extra (the latest minimum end). */
  freeFrom?: string;
  region: string;
  pricesAsOf: string;
  approximate: boolean;
}

/** What deleting these objects now bills for the rest of their minimum storage duration. */
export function planRemoval(input: { region: string; objects: RemovalObject[]; now?: Date }): RemovalPlan {
  const now = (input.now ?? new Date()).getTime();
  const { table, exact } = priceTable(input.region);
  let latestEnd = 0;
  const objects = input.objects.map((o) => {
    const up = Date.parse(o.uploaded);
    const daysStored = Number.isNaN(up) ? 0 : Math.max(0, (now - up) / DAY_MS);
    if (o.storageClass === 'STANDARD') return { ...o, daysStored, daysLeft: 0, chargeUsd: 0 };
    const c = table.classes[o.storageClass];
    const daysLeft = Math.max(0, c.minimumDays - daysStored);
    if (daysLeft > 0 && !Number.isNaN(up)) latestEnd = Math.max(latestEnd, up + c.minimumDays * DAY_MS);
    const billed = Math.max(o.bytes, c.minimumObjectBytes) + c.overheadBytes[1];
    return { ...o, daysStored, daysLeft, chargeUsd: (billed / GB) * c.storagePerGbMonth * (daysLeft / 30) };
  });
  return {
    objects,
    totalUsd: objects.reduce((s, o) => s + o.chargeUsd, 0),
    ...(latestEnd ? { freeFrom: new Date(latestEnd).toISOString() } : {}),
    region: input.region,
    pricesAsOf: table.asOf,
    approximate: !exact,
  };
}

/** Monthly storage and one-off upload cost of an archive of `bytes` in `objects` objects of one class. */
export function estimateStorage(bytes: number, objects: number, storageClass: ArchiveStorageClass, region: string, parts = objects): {
  monthlyUsd: number; uploadUsd: number; approximate: boolean; pricesAsOf: string;
} {
  const { table, exact } = priceTable(region);
  const c = table.classes[storageClass];
  const archiveGb = (Math.max(bytes, c.minimumObjectBytes * objects) + objects * c.overheadBytes[1]) / GB;
  const standardGb = (objects * c.overheadBytes[0]) / GB;
  return {
    monthlyUsd: archiveGb * c.storagePerGbMonth + standardGb * table.standardPerGbMonth,
    // CreateMultipartUpload + UploadPart × parts + Complete, per object, at the class's PUT price.
    uploadUsd: ((objects * 2 + parts) / 1000) * c.putPer1000,
    approximate: !exact || storageClass === 'GLACIER_IR',
    pricesAsOf: table.asOf,
  };
}
