import { formatWait, RESTORE_WAIT_HOURS, restoreTiers, STORAGE_CLASS_LABELS, type ArchiveStorageClass } from './storageClass';

/**
 * What deleting an archive's local file means for getting it back, by where the archive lives: a
 * vault needs a retrieval job, a bucket's DEEP_ARCHIVE/GLACIER object an S3 restore (times per tier),
 * a GLACIER_IR object none at all.
 */
export function disconnectDetail(a: { vault: string; storageClass?: ArchiveStorageClass }): string {
  if (!a.storageClass) return 'The archive stays in Glacier. Getting it back later takes a retrieval job (hours, and it costs money).';
  const where = `The archive stays in ${a.vault} in ${a.storageClass} (${STORAGE_CLASS_LABELS[a.storageClass]}).`;
  if (a.storageClass === 'GLACIER_IR') return `${where} It needs no restore: reading it back downloads it at once (billed per GB retrieved).`;
  const waits = RESTORE_WAIT_HOURS[a.storageClass];
  const tiers = restoreTiers(a.storageClass).map((t) => `${t} ${formatWait(waits[t]!)}`).join(', ');
  return `${where} Getting it back later takes an S3 restore (${tiers}) that costs money; Freezer shows the estimate first.`;
}
