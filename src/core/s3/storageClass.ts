/** The S3 storage classes Freezer freezes into, and what each means for a restore. */
export type ArchiveStorageClass = 'DEEP_ARCHIVE' | 'GLACIER' | 'GLACIER_IR';
export type RestoreTier = 'Expedited' | 'Standard' | 'Bulk';

export const ARCHIVE_STORAGE_CLASSES: readonly ArchiveStorageClass[] = ['DEEP_ARCHIVE', 'GLACIER', 'GLACIER_IR'];
export const DEFAULT_STORAGE_CLASS: ArchiveStorageClass = 'DEEP_ARCHIVE';

export const STORAGE_CLASS_LABELS: Record<ArchiveStorageClass, string> = {
  DEEP_ARCHIVE: 'Glacier Deep Archive',
  GLACIER: 'Glacier Flexible Retrieval',
  GLACIER_IR: 'Glacier Instant Retrieval',
};

/** Objects of these classes must be restored (RestoreObject) before a GET. */
export const needsRestore = (c: string): boolean => c === 'DEEP_ARCHIVE' || c === 'GLACIER';

export function isArchiveStorageClass(v: unknown): v is ArchiveStorageClass {
  return typeof v === 'string' && (ARCHIVE_STORAGE_CLASSES as readonly string[]).includes(v);
}

/** Tiers RestoreObject accepts for a class: Expedited does not exist for DEEP_ARCHIVE. */
export function restoreTiers(c: ArchiveStorageClass): RestoreTier[] {
  if (c === 'GLACIER') return ['Expedited', 'Standard', 'Bulk'];
  if (c === 'DEEP_ARCHIVE') return ['Standard', 'Bulk'];
  return [];
}

/**
 * Typical restore times (S3 user guide, "Understanding archive retrieval options"): the lower and
 * upper bound in hours, for the UI and for choosing a polling interval.
 */
export const RESTORE_WAIT_HOURS: Record<'GLACIER' | 'DEEP_ARCHIVE', Partial<Record<RestoreTier, [number, number]>>> = {
  GLACIER: { Expedited: [1 / 60, 5 / 60], Standard: [3, 5], Bulk: [5, 12] },
  DEEP_ARCHIVE: { Standard: [0, 12], Bulk: [0, 48] },
};

/** Expedited restores are only quick for objects under 250 MB. */
export const EXPEDITED_MAX_OBJECT_BYTES = 250 * 1000 * 1000;

/** "1–5 min", "3–5 h", "within 12 h". */
export function formatWait(range: [number, number]): string {
  const [lo, hi] = range;
  const unit = (h: number) => (hi < 1 ? `${Math.round(h * 60)}` : `${h}`);
  const suffix = hi < 1 ? 'min' : 'h';
  return lo === 0 ? `within ${unit(hi)} ${suffix}` : `${unit(lo)}–${unit(hi)} ${suffix}`;
}
