import { DeleteArchiveCommand } from '@aws-sdk/client-glacier';
import { FreezerError } from '../errors';
import { initiateInventoryRetrieval } from '../glacier/retrieval';
import * as vaults from '../glacier/vaults';
import { knownSnapshots, snapshotsSetting } from './catalogueSnapshotUpload';
import { isS3StoreName } from '../s3/storeRef';
import { listBucketStores, reconcileBucket, removeBucketStore } from './bucketOperations';
import { inventoryIfCountsDisagree } from './autoInventory';
import type { ServiceContext } from './serviceContext';
import type { JobInfo, VaultInfo } from './types';
import { toJobInfo } from './viewModels';
import { count } from '../words';

/** Stores: vaults from AWS (recorded in the catalogue, with its archive counts), then the catalogue's bucket stores. */
export async function listVaults(ctx: ServiceContext): Promise<VaultInfo[]> {
  const buckets = await listBucketStores(ctx);
  let remote;
  try {
    remote = await vaults.listVaults(ctx.clients);
  } catch (e) {
    // Accounts opened since 2025-12-15 cannot use Glacier vaults: their buckets still list.
    if (!buckets.length) throw e;
    ctx.log.warn('Listing Glacier vaults failed (%s); showing the S3 bucket stores only', (e as Error)?.message ?? String(e));
    return buckets;
  }
  await ctx.catalogue.write((tx) => {
    for (const v of remote) {
      tx.upsertVault({
        name: v.name, region: ctx.region, arn: v.arn, created: v.creationDate ?? null, sizeBytes: v.sizeInBytes,
        archiveCount: v.numberOfArchives, lastInventory: v.lastInventoryDate ?? null,
      });
    }
  });
  const counts = await localCounts(ctx);
  // AWS counts Freezer's catalogue snapshots too; the user's archives are the rest.
  const snapshots = new Map<string, number>();
  for (const v of remote) snapshots.set(v.name, (await knownSnapshots(ctx, v.name)).length);
  // The catalogue and a vault disagree: an inventory finds out why (in the background, at most daily).
  void ctx.track(async () => {
    for (const v of remote) {
      const own = v.numberOfArchives === undefined ? undefined : Math.max(0, v.numberOfArchives - (snapshots.get(v.name) ?? 0));
      await inventoryIfCountsDisagree(ctx, { ...v, numberOfArchives: own }, (name, note) => requestInventory(ctx, name, note));
    }
  }).catch((e: unknown) => ctx.log.warn('Automatic inventory not requested: %s', e instanceof Error ? e.message : String(e)));
  return remote.map((v) => ({
    name: v.name,
    arn: v.arn,
    region: ctx.region,
    ...(v.creationDate ? { createdAt: v.creationDate } : {}),
    sizeBytes: v.sizeInBytes,
    remoteArchiveCount: v.numberOfArchives === undefined ? undefined : Math.max(0, v.numberOfArchives - (snapshots.get(v.name) ?? 0)),
    localArchiveCount: counts.get(v.name) ?? 0,
    ...(v.lastInventoryDate ? { lastInventory: v.lastInventoryDate } : {}),
  } as VaultInfo)).concat(buckets);
}

async function localCounts(ctx: ServiceContext): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const a of await ctx.catalogue.listArchives()) {
    if (a.glacierId && !a.deletedRemote) counts.set(a.vaultName, (counts.get(a.vaultName) ?? 0) + 1);
  }
  return counts;
}

export async function createVault(ctx: ServiceContext, name: string): Promise<VaultInfo> {
  vaults.checkVaultName(name);
  await vaults.createVault(ctx.clients, name);
  // Jobs name the topic themselves too; the vault setting also covers jobs started by other tools.
  if (ctx.opts.glacier.snsTopicArn) await vaults.setVaultNotifications(ctx.clients, name, ctx.opts.glacier.snsTopicArn);
  const v = await vaults.describeVault(ctx.clients, name);
  await ctx.catalogue.write((tx) => tx.upsertVault({ name, region: ctx.region, arn: v.arn, created: v.creationDate ?? null, sizeBytes: v.sizeInBytes, archiveCount: v.numberOfArchives }));
  ctx.emit('vaults');
  ctx.log.info('Created vault %s', name);
  return { name, arn: v.arn, region: ctx.region, ...(v.creationDate ? { createdAt: v.creationDate } : {}), sizeBytes: v.sizeInBytes, remoteArchiveCount: v.numberOfArchives, localArchiveCount: 0 };
}

/** Removes an empty vault at AWS and from the catalogue; a bucket store only when Freezer's prefix is empty. */
export async function removeVault(ctx: ServiceContext, name: string): Promise<void> {
  if (isS3StoreName(name)) return removeBucketStore(ctx, name);
  const v = await ctx.catalogue.findVault(name, ctx.region);
  if (v) {
    const live = (await ctx.catalogue.listArchives({ vaultId: v.id })).filter((a) => !a.deletedRemote && (a.glacierId || a.uploading || a.building));
    if (live.length) {
      throw new FreezerError('VaultNotEmpty', `Vault "${name}" still holds ${count(live.length, 'archive')} in the catalogue. Remove ${live.length === 1 ? 'it' : 'them'} first.`);
    }
  }
  // Freezer's own catalogue snapshots are not the user's archives: they go with the vault.
  const snapshots = await knownSnapshots(ctx, name);
  for (const s of snapshots) await deleteRemoteArchive(ctx, name, s.id);
  await vaults.deleteVault(ctx.clients, name);
  if (v) await ctx.catalogue.write((tx) => { tx.removeVault(v.id); if (snapshots.length) tx.deleteSetting(snapshotsSetting(name)); });
  ctx.emit('vaults', 'archives', 'jobs', 'files');
  ctx.log.info('Removed vault %s', name);
}

/** `note` says why an inventory Freezer requested by itself was needed (the Jobs view shows it). */
export async function requestInventory(ctx: ServiceContext, vault: string, note?: string): Promise<JobInfo> {
  const v = await ctx.vaultRecord(vault);
  if (v.kind === 'bucket') return reconcileBucket(ctx, v);
  const snsTopic = ctx.opts.glacier.snsTopicArn;
  const job = await initiateInventoryRetrieval(ctx.clients, { vault, snsTopic, description: 'Freezer inventory' });
  const rec = await ctx.catalogue.write((tx) => tx.upsertJob({
    jobId: job.jobId, vaultId: v.id, action: 'InventoryRetrieval', status: 'InProgress', snsTopic: snsTopic ?? null,
    ...(note ? { description: note } : {}),
  }));
  ctx.emit('jobs');
  ctx.log.info('Requested an inventory of vault %s (job %s)', vault, job.jobId);
  return toJobInfo(rec);
}

/** Deletes an archive at AWS (absent there already counts as deleted). */
export async function deleteRemoteArchive(ctx: ServiceContext, vault: string, archiveId: string): Promise<void> {
  try {
    await ctx.clients.glacier.send(new DeleteArchiveCommand({ accountId: ctx.clients.accountId, vaultName: vault, archiveId }));
  } catch (e) {
    if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
  }
}
