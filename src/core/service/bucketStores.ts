import type { VaultRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { createS3Clients, type S3Clients, type S3Config } from '../s3/clients';
import { MIN_PART_SIZE } from '../s3/layout';
import { S3Store } from '../s3/s3Store';
import { keyLookup } from './restoreOperation';
import type { ServiceContext } from './serviceContext';

/** S3 settings: the service's own, else those of the Glacier layer (same account, region, endpoint). */
export function s3ConfigOf(ctx: ServiceContext): S3Config {
  const g = ctx.opts.glacier;
  return ctx.opts.s3 ?? {
    region: g.region,
    ...(g.endpoint ? { endpoint: g.endpoint } : {}),
    ...(g.profile ? { profile: g.profile } : {}),
    ...(g.credentials ? { credentials: g.credentials } : {}),
    ...(g.threads ? { threads: g.threads } : {}),
    ...(g.socketTimeoutMs ? { socketTimeoutMs: g.socketTimeoutMs } : {}),
  };
}

// Keyed by location (s3://bucket/prefix): a row id may be reused after a store is removed.
interface Cache { clients?: S3Clients; stores: Map<string, S3Store> }
const caches = new WeakMap<ServiceContext, Cache>();

function cacheOf(ctx: ServiceContext): Cache {
  let c = caches.get(ctx);
  if (!c) caches.set(ctx, (c = { stores: new Map() }));
  return c;
}

export function s3Clients(ctx: ServiceContext): S3Clients {
  const c = cacheOf(ctx);
  c.clients ??= createS3Clients(s3ConfigOf(ctx));
  return c.clients;
}

/** The S3 store of a bucket store row (one per store and service; sockets shared). */
export function bucketStore(ctx: ServiceContext, v: VaultRecord): S3Store {
  if (v.kind !== 'bucket' || !v.bucket) throw new FreezerError('NotABucket', `"${v.name}" is a Glacier vault, not an S3 bucket.`);
  const c = cacheOf(ctx);
  let s = c.stores.get(v.name);
  if (!s) {
    s = new S3Store({
      clients: s3Clients(ctx), bucket: v.bucket, prefix: v.prefix, concurrency: ctx.opts.glacier.threads,
      ...(ctx.opts.segmentSize ? { segmentSize: ctx.opts.segmentSize } : {}),
      // The upload part size the user chose applies to buckets too, raised to S3's 5 MiB part minimum.
      ...(ctx.opts.glacier.chunkSize ? { partSize: Math.max(MIN_PART_SIZE, ctx.opts.glacier.chunkSize) } : {}),
      keys: keyLookup(ctx), logger: ctx.log,
    });
    c.stores.set(v.name, s);
  }
  return s;
}

/** The bucket store an archive lives in, or undefined for a vault archive. */
export async function bucketOfArchive(ctx: ServiceContext, vaultId: number): Promise<{ v: VaultRecord; store: S3Store } | undefined> {
  const v = await ctx.catalogue.read((r) => r.getVault(vaultId));
  return v?.kind === 'bucket' ? { v, store: bucketStore(ctx, v) } : undefined;
}

export function closeBucketStores(ctx: ServiceContext): void {
  const c = caches.get(ctx);
  c?.clients?.destroy();
  caches.delete(ctx);
}
