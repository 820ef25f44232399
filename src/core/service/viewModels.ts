import { parseDescription, type ArchiveDescription } from '../archive/description';
import type { ArchiveRecord, JobRecord, KeyRecord } from '../catalogue';
import type { KeyAlgorithm } from '../crypto/keys';
import { AUTO_INVENTORY_NOTE } from './autoInventory';
import type { ActivityProgress, ArchiveInfo, ArchiveState, JobInfo, KeyInfo, Tier } from './types';

/** The description parsed, or a plain-name reading when it is not one Freezer or the old tool wrote. */
export function describe(a: Pick<ArchiveRecord, 'description'>): ArchiveDescription {
  try {
    return parseDescription(a.description);
  } catch {
    return { name: a.description, compression: 'none', encryption: 'none', legacy: true };
  }
}

export function archiveName(a: Pick<ArchiveRecord, 'description' | 'id'>): string {
  return describe(a).name || `archive ${a.id}`;
}

export function toArchiveInfo(a: ArchiveRecord, state: ArchiveState, activity?: ActivityProgress): ArchiveInfo {
  const d = describe(a);
  const compression = (['gzip', 'bzip2', 'zstd', 'none'] as const).includes(a.compression as never)
    ? (a.compression as ArchiveInfo['compression']) : d.compression;
  const encFormat = a.format === 'fzr1' || a.format === 'legacy-cbc' ? a.format : d.encryption === 'none' ? undefined : d.encryption;
  return {
    id: a.id,
    vault: a.vaultName,
    ...(a.glacierId ? { glacierId: a.glacierId } : {}),
    name: d.name || `archive ${a.id}`,
    description: a.description,
    size: a.encryptedSize ?? a.size,
    fileCount: a.fileCount,
    createdAt: a.created,
    state,
    ...(a.localPath ? { localFile: a.localPath } : {}),
    compression,
    encryption: encFormat ? { format: encFormat, ...(a.keyId ?? d.keyId ? { keyId: (a.keyId ?? d.keyId) as string } : {}) } : null,
    ...(activity ? { activity } : {}),
  };
}

const ACTIONS = new Set(['ArchiveRetrieval', 'InventoryRetrieval']);
const STATUSES = new Set(['InProgress', 'Succeeded', 'Failed']);

/** Starts the status message of a completed job whose output could not be used (e.g. a restore that failed). */
export const NOT_APPLIED_PREFIX = 'Not applied: ';

export function toJobInfo(j: JobRecord, archive?: Pick<ArchiveRecord, 'description' | 'id' | 'size' | 'encryptedSize'>): JobInfo {
  return {
    id: j.jobId,
    vault: j.vaultName,
    action: (ACTIONS.has(j.action) ? j.action : 'ArchiveRetrieval') as JobInfo['action'],
    ...(j.archiveId !== null ? { archiveId: j.archiveId } : {}),
    ...(archive ? { archiveName: archiveName(archive) } : j.description === 'freezer-catalogue-snapshot' ? { archiveName: 'catalogue snapshot' } : {}),
    ...(j.tier ? { tier: j.tier as Tier } : {}),
    ...(j.byteRange ? { byteRange: j.byteRange } : {}),
    status: (STATUSES.has(j.status) ? j.status : 'InProgress') as JobInfo['status'],
    ...(j.statusMessage ? { statusMessage: j.statusMessage } : {}),
    createdAt: j.created,
    ...(j.completed ? { completedAt: j.completed } : {}),
    ...(j.executed ? { executedAt: j.executed } : {}),
    ...(j.executed && j.statusMessage?.startsWith(NOT_APPLIED_PREFIX) ? { notApplied: j.statusMessage.slice(NOT_APPLIED_PREFIX.length) } : {}),
    ...(archive && j.action === 'ArchiveRetrieval' ? { sizeBytes: rangeSize(j.byteRange) ?? archive.encryptedSize ?? archive.size } : {}),
    ...(j.restoreTarget ? { restoreTarget: j.restoreTarget } : {}),
    ...(j.action === 'InventoryRetrieval' && j.description?.startsWith(AUTO_INVENTORY_NOTE) ? { note: j.description } : {}),
  };
}

function rangeSize(range: string | null): number | undefined {
  const m = /^(\d+)-(\d+)$/.exec(range ?? '');
  return m ? Number(m[2]) - Number(m[1]) + 1 : undefined;
}

export function toKeyInfo(k: KeyRecord, opts: { isDefault: boolean; legacy: boolean }): KeyInfo {
  return {
    id: k.id,
    algorithm: k.algorithm as KeyAlgorithm,
    fingerprint: k.fingerprint,
    label: k.label,
    createdAt: k.created,
    isDefault: opts.isDefault,
    legacy: opts.legacy,
  };
}
