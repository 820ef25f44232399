import { InventoryArchive } from './inventory';

/** What the catalogue knows of an uploaded archive, for merging an inventory. */
export interface LocalArchive {
  archiveId: string;
  size?: number;
  treeHash?: string;
  description?: string;
  creationDate?: string;
  /** When this machine finished uploading it (ISO); recent uploads may not be in the inventory yet. */
  uploadedAt?: string;
  /** Already marked missing by an earlier merge. */
  missing?: boolean;
}

export interface ArchiveUpdate {
  archiveId: string;
  size?: number;
  creationDate?: string;
  description?: string;
  /** Set when the archive was marked missing and the inventory lists it again. */
  found?: true;
}

export interface InventoryMergeResult {
  /** In the vault, unknown locally: add to the catalogue (description parsed by the caller). */
  add: InventoryArchive[];
  /** Known, with fields the inventory says differently. */
  update: ArchiveUpdate[];
  /** Known locally, absent from an inventory taken well after their upload: mark missing. */
  missing: string[];
  /** Known locally but uploaded too shortly before the inventory to be in it: leave as is. */
  pending: string[];
  /** Same id, different tree hash: never overwrite, show the user. */
  conflicts: { archiveId: string; localTreeHash: string; remoteTreeHash: string }[];
  unchanged: number;
}

/** Glacier refreshes inventories about once a day; younger uploads may be absent legitimately. */
export const INVENTORY_LAG_MS = 24 * 3600 * 1000;

/**
 * Decides how an inventory changes the catalogue, keyed on archive id (the original tool's rule).
 * Feed remote archives one by one (`add`), then `finish()`; local archives are held in a map, the
 * inventory is not.
 */
export class InventoryMerger {
  private readonly local = new Map<string, LocalArchive>();
  private readonly seen = new Set<string>();
  private readonly result: InventoryMergeResult = { add: [], update: [], missing: [], pending: [], conflicts: [], unchanged: 0 };

  constructor(local: Iterable<LocalArchive>, private readonly inventoryDate?: string, private readonly lagMs = INVENTORY_LAG_MS) {
    for (const a of local) if (a.archiveId) this.local.set(a.archiveId, a);
  }

  add(remote: InventoryArchive): void {
    if (this.seen.has(remote.archiveId)) return;
    this.seen.add(remote.archiveId);
    const mine = this.local.get(remote.archiveId);
    if (!mine) {
      this.result.add.push(remote);
      return;
    }
    if (mine.treeHash && remote.treeHash && mine.treeHash.toLowerCase() !== remote.treeHash.toLowerCase()) {
      this.result.conflicts.push({ archiveId: remote.archiveId, localTreeHash: mine.treeHash, remoteTreeHash: remote.treeHash });
      return;
    }
    const u: ArchiveUpdate = { archiveId: remote.archiveId };
    if (mine.size !== remote.size) u.size = remote.size;
    if (remote.creationDate && mine.creationDate !== remote.creationDate) u.creationDate = remote.creationDate;
    if (mine.description !== undefined && mine.description !== remote.description) u.description = remote.description;
    if (mine.missing) u.found = true;
    if (Object.keys(u).length > 1) this.result.update.push(u);
    else this.result.unchanged++;
  }

  finish(): InventoryMergeResult {
    const cutoff = this.inventoryDate ? Date.parse(this.inventoryDate) - this.lagMs : undefined;
    for (const a of this.local.values()) {
      if (this.seen.has(a.archiveId) || a.missing) continue;
      const uploaded = a.uploadedAt ? Date.parse(a.uploadedAt) : undefined;
      const tooRecent = cutoff !== undefined && uploaded !== undefined && uploaded > cutoff;
      (tooRecent ? this.result.pending : this.result.missing).push(a.archiveId);
    }
    return this.result;
  }
}

/** Pure merge of a whole inventory (see InventoryMerger). */
export function mergeInventory(local: Iterable<LocalArchive>, remote: Iterable<InventoryArchive>, inventoryDate?: string): InventoryMergeResult {
  const m = new InventoryMerger(local, inventoryDate);
  for (const r of remote) m.add(r);
  return m.finish();
}

/** The same, consuming a streamed inventory (e.g. `parseInventoryStream`). */
export async function mergeInventoryStream(local: Iterable<LocalArchive>, remote: AsyncIterable<InventoryArchive>, inventoryDate?: () => string | undefined): Promise<InventoryMergeResult> {
  const archives: LocalArchive[] = [...local];
  let merger: InventoryMerger | undefined;
  for await (const r of remote) {
    merger ??= new InventoryMerger(archives, inventoryDate?.());
    merger.add(r);
  }
  return (merger ?? new InventoryMerger(archives, inventoryDate?.())).finish();
}
