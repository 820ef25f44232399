import { GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { descriptionToken, parseDescription } from '../archive/description';
import type { JobRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { parseInventoryStream, type InventoryHeader } from '../glacier/inventory';
import { mergeInventoryStream, type InventoryMergeResult, type LocalArchive } from '../glacier/inventoryMerge';
import { cleanUpCatalogue } from './catalogueMaintenance';
import { rebuildAfterInventory } from './catalogueRebuild';
import { isSnapshotDescription, snapshotsSetting, SNAPSHOTS_KEPT, type SnapshotRef } from './catalogueSnapshotUpload';
import type { ServiceContext } from './serviceContext';
import { deleteRemoteArchive } from './vaultOperations';
import type { InventoryArchive } from '../glacier/inventory';

/**
 * Merges a completed inventory job into the catalogue: archives unknown locally are added (their
 * descriptions parsed), known ones get Glacier's size and date, and archives absent from an
 * inventory taken well after their upload are marked as deleted there. Streams the inventory.
 */
function builtAt(description: string): string | undefined {
  try {
    return parseDescription(description).created;
  } catch {
    return undefined;
  }
}

export async function mergeInventoryJob(ctx: ServiceContext, job: JobRecord): Promise<void> {
  const vault = await ctx.catalogue.getVault(job.vaultId);
  if (!vault) throw new FreezerError('VaultNotFound', `Vault ${job.vaultName} is no longer in the catalogue.`);
  const all = await ctx.catalogue.listArchives({ vaultId: vault.id });
  const archives = all.filter((a) => a.glacierId);
  const local: LocalArchive[] = archives.map((a) => ({
    archiveId: a.glacierId as string,
    size: a.encryptedSize ?? a.size,
    ...(a.treeHash ? { treeHash: a.treeHash } : {}),
    description: a.description,
    ...(a.uploaded ? { creationDate: a.uploaded, uploadedAt: a.uploaded } : {}),
    missing: a.deletedRemote,
  }));
  const out = await ctx.clients.glacier.send(new GetJobOutputCommand({ accountId: ctx.clients.accountId, vaultName: vault.name, jobId: job.jobId }), { abortSignal: ctx.lifetime.signal });
  if (!out.body) throw new FreezerError('ShortRead', `Glacier returned no inventory for job ${job.jobId}.`);
  const header: InventoryHeader = {};
  const result = await mergeInventoryStream(local, parseInventoryStream(out.body as AsyncIterable<Uint8Array>, header), () => header.inventoryDate);
  const when = header.inventoryDate ?? new Date().toISOString();
  const byGlacierId = new Map(archives.map((a) => [a.glacierId as string, a]));
  const knownKeys = new Set((await ctx.catalogue.listKeys()).map((k) => k.id));
  // Catalogue snapshots are not archives of the user's: remembered for a rebuild, never listed.
  const snapshots: SnapshotRef[] = result.add.filter((r) => isSnapshotDescription(r.description))
    // When it was built (its description's t=), not when its upload ended: two freezes may finish out of order.
    .map((r) => ({ id: r.archiveId, created: builtAt(r.description) ?? (r.creationDate || when), size: r.size }))
    .sort((a, b) => a.created.localeCompare(b.created));
  const added = result.add.filter((r) => !isSnapshotDescription(r.description));

  // Archives unknown by id but carrying the token of a catalogued archive: ours, whose upload answer was lost.
  const byToken = new Map(all.flatMap((a) => { const t = descriptionToken(a.description); return t ? [[t, a] as const] : []; }));
  const adopt: { archive: (typeof all)[number]; remote: InventoryArchive }[] = [];
  const duplicates: { of: (typeof all)[number]; remote: InventoryArchive }[] = [];
  const add: InventoryArchive[] = [];
  for (const r of added) {
    const token = descriptionToken(r.description);
    const mine = token ? byToken.get(token) : archives.find((a) => a.description === r.description && sameHash(a.treeHash, r.treeHash));
    const identical = mine && (!mine.treeHash || !r.treeHash || sameHash(mine.treeHash, r.treeHash));
    if (mine && identical && !mine.glacierId && !adopt.some((x) => x.archive.id === mine.id)) adopt.push({ archive: mine, remote: r });
    else if (mine && identical && sameHash(mine.treeHash, r.treeHash) && !mine.deletedRemote && !result.missing.includes(mine.glacierId ?? '')) {
      duplicates.push({ of: mine, remote: r });
    }
    else {
      if (mine) ctx.log.warn('Inventory of %s: archive %s has the token of archive %d but other bytes; listed on its own', vault.name, r.archiveId, mine.id);
      add.push(r);
    }
  }

  await ctx.catalogue.write((tx) => {
    if (snapshots.length) tx.setSetting(snapshotsSetting(vault.name), JSON.stringify(snapshots.slice(-SNAPSHOTS_KEPT)));
    for (const { archive, remote } of adopt) {
      tx.updateArchive(archive.id, {
        glacierId: remote.archiveId, building: false, uploading: false, uploaded: remote.creationDate || when,
        encryptedSize: remote.size, ...(remote.treeHash ? { treeHash: remote.treeHash } : {}), lastInventory: when,
      });
      tx.deleteUploadSession(archive.id);
    }
    for (const r of add) {
      const d = (() => { try { return parseDescription(r.description); } catch { return undefined; } })();
      tx.addArchive({
        vaultId: vault.id, glacierId: r.archiveId, size: r.size, encryptedSize: r.size, treeHash: r.treeHash || null,
        description: r.description, created: r.creationDate || when, uploaded: r.creationDate || null,
        compression: d?.compression ?? 'none', format: d && d.encryption !== 'none' ? d.encryption : '',
        keyId: d?.keyId && knownKeys.has(d.keyId) ? d.keyId : null, lastInventory: when,
      });
    }
    for (const u of result.update) {
      const a = byGlacierId.get(u.archiveId);
      if (!a) continue;
      tx.updateArchive(a.id, {
        ...(u.size !== undefined ? { encryptedSize: u.size } : {}),
        ...(u.creationDate ? { uploaded: u.creationDate } : {}),
        ...(u.description !== undefined ? { description: u.description } : {}),
        ...(u.found ? { deletedRemote: false } : {}),
        lastInventory: when,
      });
    }
    for (const id of result.missing) {
      const a = byGlacierId.get(id);
      if (a) tx.updateArchive(a.id, { deletedRemote: true, lastInventory: when });
    }
    tx.upsertVault({ name: vault.name, region: vault.region, lastInventory: when });
    // What the inventory changed, for the Jobs view.
    tx.updateJob(job.jobId, { executed: new Date().toISOString(), statusMessage: inventorySummary({ ...result, add }) });
  });
  for (const { archive, remote } of adopt) {
    ctx.log.info('Inventory of %s: archive %d "%s" is at Glacier as %s (found by its token; its upload answer had been lost); nothing was uploaded twice',
      vault.name, archive.id, archive.description.slice(0, 60), remote.archiveId);
  }
  for (const { of, remote } of duplicates) {
    // The same bytes twice (a completion redone after a lost answer): the copy the catalogue does not use is billed for nothing.
    try {
      await deleteRemoteArchive(ctx, vault.name, remote.archiveId);
      ctx.log.warn('Inventory of %s: archive %s was a duplicate of archive %d (%s), uploaded twice; deleted the duplicate at Glacier',
        vault.name, remote.archiveId, of.id, of.glacierId);
    } catch (e) {
      ctx.log.error('Inventory of %s: archive %s duplicates archive %d but could not be deleted (%s); delete it with: freezer archive remove',
        vault.name, remote.archiveId, of.id, (e as Error).message);
    }
  }

  const gone = result.missing.map((id) => byGlacierId.get(id)?.id).filter((id): id is number => id !== undefined);
  await cleanUpCatalogue(ctx, gone);
  for (const c of result.conflicts) {
    ctx.log.warn('Inventory of %s: archive %s has tree hash %s at Glacier but %s in the catalogue; left as is', vault.name, c.archiveId, c.remoteTreeHash, c.localTreeHash);
  }
  ctx.log.info('Merged the inventory of vault %s: %d added, %d updated, %d missing, %d too recent to judge, %d unchanged, %d adopted by token, %d duplicates deleted',
    vault.name, add.length, result.update.length, result.missing.length, result.pending.length, result.unchanged, adopt.length, duplicates.length);
  ctx.emit('archives', 'vaults', 'jobs', 'files');
  await rebuildAfterInventory(ctx, vault.name, job.jobId, snapshots);
}

const sameHash = (a: string | null | undefined, b: string | null | undefined): boolean => !!a && !!b && a.toLowerCase() === b.toLowerCase();

/** "3 added, 1 gone, 2 updated" (or "no changes"): what merging an inventory did to the catalogue. */
export function inventorySummary(r: Pick<InventoryMergeResult, 'add' | 'missing' | 'update'>): string {
  const parts = [r.add.length ? `${r.add.length} added` : '', r.missing.length ? `${r.missing.length} gone` : '', r.update.length ? `${r.update.length} updated` : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no changes';
}
