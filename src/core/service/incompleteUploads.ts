/**
 * Uploads into a bucket store that never finished: segment objects without a manifest (an upload whose
 * session was lost, a deletion cut short). S3 bills them, and no listing of archives shows them. An
 * upload the catalogue can still resume (its session names the S3 archive id) is never offered for
 * deletion, nor is anything younger than the age the caller gives.
 */
import { CatalogueSessionStore } from '../catalogue';
import { FreezerError } from '../errors';
import type { S3UploadState } from '../s3/segmentUploader';
import { requireBucketStore } from './bucketOperations';
import { bucketStore } from './bucketStores';
import type { ServiceContext } from './serviceContext';

export interface IncompleteUpload {
  /** The S3 archive id (the key part under freezer/v1/data/). */
  id: string;
  objects: number;
  bytes: number;
  /** Oldest segment's LastModified (ISO). */
  oldest?: string;
  /** The catalogue holds this upload's session: `freezer freeze --resume` (or the daemon) finishes it. */
  resumable: boolean;
}

/** S3 archive ids of the store's catalogued archives and of their unfinished uploads' sessions. */
async function resumableIds(ctx: ServiceContext, vaultId: number): Promise<Set<string>> {
  const ids = new Set<string>();
  const sessions = new CatalogueSessionStore(ctx.catalogue);
  for (const a of await ctx.catalogue.listArchives({ vaultId })) {
    if (a.glacierId) ids.add(a.glacierId);
    if (!a.uploading) continue;
    const id = ((await sessions.get(String(a.id))) as Partial<S3UploadState> | undefined)?.archiveId;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

export async function listIncompleteUploads(ctx: ServiceContext, storeName: string, signal?: AbortSignal): Promise<IncompleteUpload[]> {
  const v = await requireBucketStore(ctx, storeName);
  const known = await resumableIds(ctx, v.id);
  const found = await bucketStore(ctx, v).listIncomplete(signal);
  return found.map((f) => ({ ...f, resumable: known.has(f.id) })).sort((a, b) => (a.oldest ?? '').localeCompare(b.oldest ?? ''));
}

/**
 * Deletes the incomplete uploads older than `olderThanMs` that nothing can resume; answers what was
 * deleted. The rest stays (and is listed) so a running or resumable upload is never cut short.
 */
export async function deleteIncompleteUploads(ctx: ServiceContext, storeName: string, olderThanMs: number, signal?: AbortSignal): Promise<IncompleteUpload[]> {
  if (!(olderThanMs >= 0)) throw new FreezerError('InvalidArgument', 'The age of uploads to delete must be zero or more.');
  const v = await requireBucketStore(ctx, storeName);
  const store = bucketStore(ctx, v);
  const deleted: IncompleteUpload[] = [];
  for (const u of await listIncompleteUploads(ctx, storeName, signal)) {
    if (u.resumable || !u.oldest || Date.now() - Date.parse(u.oldest) < olderThanMs) continue;
    await store.deleteArchive({ id: u.id, size: u.bytes }, signal);
    ctx.log.info('Deleted the incomplete upload %s from %s: %d object(s), %d bytes', u.id, storeName, u.objects, u.bytes);
    deleted.push(u);
  }
  return deleted;
}
