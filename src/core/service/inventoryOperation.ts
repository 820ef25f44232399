import { GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { parseDescription } from '../archive/description';
import type { JobRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { parseInventoryStream, type InventoryHeader } from '../glacier/inventory';
import { mergeInventoryStream, type LocalArchive } from '../glacier/inventoryMerge';
import { rebuildAfterInventory } from './catalogueRebuild';
import { isSnapshotDescription, snapshotsSetting, SNAPSHOTS_KEPT, type SnapshotRef } from './catalogueSnapshotUpload';
import type { ServiceContext } from './serviceContext';

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
  const archives = (await ctx.catalogue.listArchives({ vaultId: vault.id })).filter((a) => a.glacierId);
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

  await ctx.catalogue.write((tx) => {
    if (snapshots.length) tx.setSetting(snapshotsSetting(vault.name), JSON.stringify(snapshots.slice(-SNAPSHOTS_KEPT)));
    for (const r of added) {
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
    tx.updateJob(job.jobId, { executed: new Date().toISOString() });
  });
  for (const c of result.conflicts) {
    ctx.log.warn('Inventory of %s: archive %s has tree hash %s at Glacier but %s in the catalogue; left as is', vault.name, c.archiveId, c.remoteTreeHash, c.localTreeHash);
  }
  ctx.log.info('Merged the inventory of vault %s: %d added, %d updated, %d missing, %d too recent to judge, %d unchanged',
    vault.name, added.length, result.update.length, result.missing.length, result.pending.length, result.unchanged);
  ctx.emit('archives', 'vaults', 'jobs', 'files');
  await rebuildAfterInventory(ctx, vault.name, job.jobId, snapshots);
}
