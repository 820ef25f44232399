import type { ArchiveRecord } from '../catalogue';
import { count } from '../words';
import type { ServiceContext } from './serviceContext';

/** At most one automatic inventory per vault per day (Glacier refreshes its counts about daily). */
export const AUTO_INVENTORY_INTERVAL_MS = 24 * 3600 * 1000;
export const AUTO_INVENTORY_NOTE = 'Automatic';

/**
 * The counts the catalogue can explain for a vault: every live archive, or (AWS counts as of its last
 * inventory) those uploaded by then, with or without the ones deleted since.
 */
export function explainableCounts(archives: readonly ArchiveRecord[], lastInventory?: string): Set<number> {
  const live = archives.filter((a) => a.glacierId && !a.deletedRemote);
  const out = new Set([live.length]);
  const at = lastInventory ? Date.parse(lastInventory) : NaN;
  if (Number.isFinite(at)) {
    const before = (a: ArchiveRecord) => a.glacierId && Date.parse(a.uploaded ?? a.created) <= at;
    out.add(live.filter(before).length);
    out.add(archives.filter(before).length);
  }
  return out;
}

/**
 * The original tool's rule: when a vault's NumberOfArchives differs from what the catalogue holds,
 * something changed outside Freezer, so an inventory is requested (at most once per vault per day,
 * counting manual ones, and only for vaults the catalogue already holds archives of). The job says
 * why, for the Jobs view.
 */
export async function inventoryIfCountsDisagree(
  ctx: ServiceContext, vault: { name: string; numberOfArchives?: number; lastInventoryDate?: string }, request: (vault: string, note: string) => Promise<unknown>,
): Promise<boolean> {
  if (vault.numberOfArchives === undefined) return false;
  const v = await ctx.catalogue.findVault(vault.name, ctx.region);
  if (!v) return false;
  const archives = await ctx.catalogue.listArchives({ vaultId: v.id });
  if (archives.some((a) => a.building || a.uploading)) return false;
  // A vault the catalogue knows nothing of yet (a new machine, before Import AWS Freezer Database or a
  // first inventory the user asks for) is not "changed outside Freezer".
  if (!archives.some((a) => a.glacierId)) return false;
  const explained = explainableCounts(archives, vault.lastInventoryDate);
  if (explained.has(vault.numberOfArchives)) return false;
  const recent = (await ctx.catalogue.listJobs({ vaultId: v.id })).some((j) => j.action === 'InventoryRetrieval'
    && (j.status === 'InProgress' || Date.now() - Date.parse(j.created) < AUTO_INVENTORY_INTERVAL_MS));
  if (recent) return false;
  const live = Math.min(...explained);
  const reason = `${AUTO_INVENTORY_NOTE}: the vault lists ${count(vault.numberOfArchives, 'archive')}, the catalogue ${live}`;
  ctx.log.info('Vault %s: %s; requesting an inventory', vault.name, reason);
  await request(vault.name, reason);
  return true;
}
