import {
  CreateBucketCommand, GetBucketNotificationConfigurationCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand,
  type BucketLocationConstraint, type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { VaultRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { errText } from '../glacier/multipartUploader';
import { LAYOUT_ROOT } from '../s3/layout';
import { mapS3Error } from '../s3/s3Errors';
import type { ArchiveManifest } from '../storage/coldStore';
import { DEFAULT_STORAGE_CLASS, isArchiveStorageClass } from '../s3/storageClass';
import { parseStoreRef } from '../s3/storeRef';
import { bucketStore, s3Clients } from './bucketStores';
import type { ServiceContext } from './serviceContext';
import { keyLookup } from './restoreOperation';
import type { JobInfo, StorageClass, VaultInfo } from './types';
import { describe, toJobInfo } from './viewModels';

/** Id of Freezer's entry in a bucket's notification configuration (other entries are kept). */
export const NOTIFICATION_ID = 'freezer-restores';

export function toBucketInfo(v: VaultRecord, localArchiveCount: number): VaultInfo {
  return {
    name: v.name, kind: 'bucket', bucket: v.bucket ?? '', prefix: v.prefix, region: v.region, localArchiveCount,
    ...(isArchiveStorageClass(v.storageClass) ? { storageClass: v.storageClass } : {}),
    ...(v.created ? { createdAt: v.created } : {}),
    ...(v.lastInventory ? { lastInventory: v.lastInventory } : {}),
  };
}

/** The bucket stores the catalogue knows (S3 has no cheap per-prefix size: counts are the catalogue's). */
export async function listBucketStores(ctx: ServiceContext): Promise<VaultInfo[]> {
  const [stores, archives] = await ctx.catalogue.read((r) => [r.listVaults().filter((v) => v.kind === 'bucket'), r.listArchives()] as const);
  const counts = new Map<number, number>();
  for (const a of archives) if (a.glacierId && !a.deletedRemote) counts.set(a.vaultId, (counts.get(a.vaultId) ?? 0) + 1);
  return stores.map((v) => toBucketInfo(v, counts.get(v.id) ?? 0));
}

/** The catalogued bucket store named s3://bucket/prefix, or a clear error. */
export async function requireBucketStore(ctx: ServiceContext, name: string): Promise<VaultRecord> {
  const ref = parseStoreRef(name);
  if (ref.kind !== 's3') throw new FreezerError('NotABucket', `"${name}" is not an S3 store (s3://bucket/prefix).`);
  const v = await ctx.catalogue.read((r) => r.findBucketStore(ref.bucket, ref.prefix));
  if (!v) throw new FreezerError('StoreNotFound', `${name} is not one of Freezer's stores yet: add it (Add Existing Bucket) or create it (Create Bucket).`);
  return v;
}

/**
 * Creates the bucket (`create`) or checks an existing one, then records it as a store. Bucket names
 * are checked against S3's rules first; a name taken by another account, or a bucket these
 * credentials may not use (403), is a clear error and records nothing.
 */
export async function addBucket(ctx: ServiceContext, location: string, o: { create?: boolean; storageClass?: StorageClass } = {}): Promise<VaultInfo> {
  const ref = parseStoreRef(location.startsWith('s3://') ? location : `s3://${location}`);
  if (ref.kind !== 's3') throw new FreezerError('NotABucket', `"${location}" is not an S3 bucket.`);
  if (o.storageClass !== undefined && !isArchiveStorageClass(o.storageClass)) {
    throw new FreezerError('InvalidStorageClass', `"${String(o.storageClass)}" is not a storage class Freezer freezes into: use DEEP_ARCHIVE, GLACIER or GLACIER_IR.`);
  }
  const region = ctx.region;
  if (o.create) {
    const c = s3Clients(ctx);
    try {
      await c.s3.send(new CreateBucketCommand({
        Bucket: ref.bucket,
        // us-east-1 is the one region that takes no location constraint.
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }));
      ctx.log.info('Created S3 bucket %s in %s', ref.bucket, region);
    } catch (e) {
      const name = (e as { name?: string }).name;
      if (name === 'BucketAlreadyExists') {
        throw new FreezerError('BucketTaken', `The bucket name "${ref.bucket}" is taken by another AWS account (bucket names are global); choose another name.`, { cause: e });
      }
      if (name !== 'BucketAlreadyOwnedByYou') throw mapS3Error(e, { bucket: ref.bucket });
    }
  }
  const v = await ctx.catalogue.write((tx) => {
    const known = tx.findBucketStore(ref.bucket, ref.prefix);
    return known ?? tx.upsertBucketStore({ bucket: ref.bucket, prefix: ref.prefix, region, storageClass: o.storageClass ?? DEFAULT_STORAGE_CLASS, created: new Date().toISOString() });
  });
  try {
    await bucketStore(ctx, v).check();
  } catch (e) {
    // Nothing of a store Freezer cannot use is kept (unless it was catalogued before this call).
    if (!v.lastUpload && (await ctx.catalogue.listArchives({ vaultId: v.id })).length === 0) await ctx.catalogue.write((tx) => tx.removeVault(v.id));
    throw e;
  }
  const stored = o.storageClass && v.storageClass !== o.storageClass
    ? await ctx.catalogue.write((tx) => tx.upsertBucketStore({ bucket: ref.bucket, prefix: ref.prefix, region, storageClass: o.storageClass }))
    : v;
  await ensureRestoreNotifications(ctx, stored);
  ctx.emit('vaults');
  return toBucketInfo(stored, (await ctx.catalogue.listArchives({ vaultId: stored.id })).filter((a) => a.glacierId && !a.deletedRemote).length);
}

/**
 * With a notification queue configured, makes the bucket send its restore events for Freezer's
 * prefix to that queue (kept beside the bucket's other notification entries). A failure leaves
 * restores to status polling and is logged: the store still works.
 */
export async function ensureRestoreNotifications(ctx: ServiceContext, v: VaultRecord): Promise<boolean> {
  const queueUrl = ctx.opts.glacier.queueUrl;
  if (!queueUrl || !v.bucket) return false;
  try {
    const attrs = await ctx.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = attrs.Attributes?.QueueArn;
    if (!queueArn) throw new Error(`SQS gives no ARN for ${queueUrl}`);
    const c = s3Clients(ctx);
    const current = await c.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: v.bucket }));
    const ours: QueueConfiguration = {
      Id: `${NOTIFICATION_ID}${v.prefix ? `-${v.prefix.replace(/[^A-Za-z0-9-]+/g, '-')}` : ''}`.slice(0, 255),
      QueueArn: queueArn,
      // All restore events: AWS sends Completed and Delete; some servers (moto) only Post. Each one makes
      // Freezer ask S3 where the restore stands, so an early or repeated event does no harm.
      Events: ['s3:ObjectRestore:*'],
      ...(v.prefix ? { Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: v.prefix }] } } } : {}),
    };
    const others = (current.QueueConfigurations ?? []).filter((q) => q.Id !== ours.Id);
    await c.s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: v.bucket,
      NotificationConfiguration: {
        QueueConfigurations: [...others, ours],
        ...(current.TopicConfigurations?.length ? { TopicConfigurations: current.TopicConfigurations } : {}),
        ...(current.LambdaFunctionConfigurations?.length ? { LambdaFunctionConfigurations: current.LambdaFunctionConfigurations } : {}),
        ...(current.EventBridgeConfiguration ? { EventBridgeConfiguration: current.EventBridgeConfiguration } : {}),
      },
    }));
    ctx.log.info('Bucket %s sends restore events%s to %s', v.bucket, v.prefix ? ` under ${v.prefix}` : '', queueArn);
    return true;
  } catch (e) {
    ctx.log.warn('Could not set the restore notifications of bucket %s (%s): restores of its archives are followed by polling instead.', v.bucket, errText(e));
    return false;
  }
}

/**
 * Forgets a bucket store, only when Freezer's prefix holds nothing (at S3 and in the catalogue).
 * The bucket itself is kept: it may hold other data, and an empty bucket costs nothing.
 */
export async function removeBucketStore(ctx: ServiceContext, name: string): Promise<void> {
  const v = await requireBucketStore(ctx, name);
  const live = (await ctx.catalogue.listArchives({ vaultId: v.id })).filter((a) => !a.deletedRemote && (a.glacierId || a.uploading || a.building));
  if (live.length) throw new FreezerError('VaultNotEmpty', `Store ${name} still holds ${live.length} archive(s) in the catalogue. Remove them first.`);
  let page;
  try {
    page = await s3Clients(ctx).s3.send(new ListObjectsV2Command({ Bucket: v.bucket!, Prefix: `${v.prefix}${LAYOUT_ROOT}`, MaxKeys: 1 }));
  } catch (e) {
    throw mapS3Error(e, { bucket: v.bucket! });
  }
  if ((page.KeyCount ?? page.Contents?.length ?? 0) > 0) {
    throw new FreezerError('VaultNotEmpty', `Store ${name} still has Freezer objects in S3 (e.g. ${page.Contents?.[0]?.Key}), perhaps from another machine: refresh the store to list them, then remove those archives first.`);
  }
  await ctx.catalogue.write((tx) => tx.removeVault(v.id));
  ctx.emit('vaults', 'archives', 'jobs', 'files');
  ctx.log.info('Removed store %s (the bucket itself is kept)', name);
}

/**
 * The inventory of a bucket store: its manifests listed (paged) and reconciled with the catalogue
 * both ways. Archives another machine's Freezer uploaded are added with their files (from their
 * manifests, opened with the keys this machine has); catalogued archives whose manifest is gone
 * are marked deleted there. Recorded as an inventory job that is complete at once.
 */
export async function reconcileBucket(ctx: ServiceContext, v: VaultRecord): Promise<JobInfo> {
  const store = bucketStore(ctx, v);
  const ticket = await store.requestInventory();
  const started = new Date().toISOString();
  const seen = new Set<string>();
  let added = 0;
  let withoutFiles = 0;
  for await (const r of store.readInventory(ticket, ctx.lifetime.signal)) {
    seen.add(r.ref.id);
    const known = await ctx.catalogue.read((rd) => rd.findArchiveByGlacierId(r.ref.id));
    if (known) {
      await ctx.catalogue.write((tx) => tx.updateArchive(known.id, { lastInventory: started, ...(known.deletedRemote ? { deletedRemote: false } : {}) }));
      continue;
    }
    let manifest: ArchiveManifest | undefined;
    try {
      manifest = await store.readManifest(r.ref, keyLookup(ctx), ctx.lifetime.signal);
    } catch (e) {
      // A manifest this machine cannot open (no key, tampered) still lists the archive, without files.
      withoutFiles++;
      ctx.log.warn('Archive %s in %s: its manifest could not be read (%s); listed without its files', r.ref.id, v.name, errText(e));
    }
    const d = describe({ description: r.description });
    await ctx.catalogue.write((tx) => {
      const a = tx.addArchive({
        vaultId: v.id, glacierId: r.ref.id, description: r.description, size: r.ref.size, encryptedSize: r.ref.size,
        created: manifest?.created ?? r.created ?? started, uploaded: r.created ?? null, compression: d.compression,
        format: d.encryption === 'none' ? '' : d.encryption, keyId: d.keyId ?? null, lastInventory: started,
        storageClass: manifest?.storageClass ?? r.ref.storageClass ?? null,
        ...(manifest ? { segments: manifest.segments, ...(manifest.frameIndex ? { frameIndex: manifest.frameIndex } : {}) } : {}),
      });
      if (manifest?.members.length) tx.addMembers(a.id, manifest.members.map((m) => ({ path: m.path, size: m.size, sha256: m.sha256, mtimeMs: m.mtimeMs, tarOffset: m.tarOffset })));
    });
    added++;
  }
  // Uploaded before this listing began and absent from it: deleted behind Freezer's back, unless its
  // segments are still there (only the manifest went). Those stay catalogued: the catalogue has their
  // layout, so they restore as before; marked gone, a clean-up would forget billed, restorable data.
  const unlisted = (await ctx.catalogue.listArchives({ vaultId: v.id }))
    .filter((a) => a.glacierId && !a.deletedRemote && !seen.has(a.glacierId) && a.uploaded && a.uploaded < started);
  const manifestOnly: number[] = [];
  for (const a of unlisted) {
    if (await store.holdsSegments(a.glacierId!, ctx.lifetime.signal)) {
      manifestOnly.push(a.id);
      ctx.log.warn('Archive %d in %s: its manifest was deleted outside Freezer, its segments are there; kept (restores use the catalogue\'s layout)', a.id, v.name);
    }
  }
  const gone = await ctx.catalogue.write((tx) => {
    let n = 0;
    for (const a of unlisted) {
      if (manifestOnly.includes(a.id)) continue;
      tx.updateArchive(a.id, { deletedRemote: true });
      n++;
    }
    tx.upsertVault({ name: v.name, region: v.region, lastInventory: started });
    return n;
  });
  const rec = await ctx.catalogue.write((tx) => tx.upsertJob({
    jobId: ticket.id, vaultId: v.id, action: 'InventoryRetrieval', status: 'Succeeded', created: started, completed: new Date().toISOString(),
    executed: new Date().toISOString(), ticket,
    statusMessage: `Listed ${seen.size} archive(s): ${added} added${withoutFiles ? ` (${withoutFiles} without files: manifest unreadable)` : ''}, ${gone} gone from the bucket` +
      `${manifestOnly.length ? `; ${manifestOnly.length} kept whose manifest was deleted outside Freezer (archive ${manifestOnly.join(', ')}: segments there, still restorable)` : ''}.`,
  }));
  ctx.emit('vaults', 'archives', 'files', 'jobs');
  ctx.log.info('Listed %s: %d archive(s), %d added, %d marked gone', v.name, seen.size, added, gone);
  return toJobInfo(rec);
}
