import type { ArchiveRecord } from './model';

/** Builds an inventory-retrieval output in AWS's JSON or CSV shape. */
export function buildInventory(
  vaultArn: string,
  archives: Iterable<ArchiveRecord>,
  format: 'JSON' | 'CSV',
  filter: { startDate: string | null; endDate: string | null },
): string {
  const list = [...archives]
    .filter((a) => (!filter.startDate || a.creationDate >= filter.startDate) && (!filter.endDate || a.creationDate < filter.endDate))
    .sort((a, b) => a.creationDate.localeCompare(b.creationDate));
  if (format === 'CSV') {
    const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
    const rows = list.map((a) => [a.archiveId, q(a.description), a.creationDate, String(a.blob.size), a.treeHash].join(','));
    return ['ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash', ...rows].join('\n') + '\n';
  }
  return JSON.stringify({
    VaultARN: vaultArn,
    InventoryDate: new Date().toISOString(),
    ArchiveList: list.map((a) => ({
      ArchiveId: a.archiveId,
      ArchiveDescription: a.description,
      CreationDate: a.creationDate,
      Size: a.blob.size,
      SHA256TreeHash: a.treeHash,
    })),
  });
}
