import { invalidParameter, notFound } from '../awsError';
import { receivePart, removeBlob } from '../blobStore';
import { randomId, sendEmpty } from '../http';
import { arnOf, getVault, nowIso, type GlacierCall, type GlacierContext } from './context';
import { descriptionHeader, header, requireContentLength, requireTreeHash } from './headers';
import type { ArchiveRecord } from './model';
import { checkDescription } from './validation';

export const MAX_SINGLE_UPLOAD = 4 * 1024 * 1024 * 1024;

/** UploadArchive: the body is streamed to disk and its tree hash checked against the header. */
export async function uploadArchive(ctx: GlacierContext, call: GlacierCall, vault: string): Promise<void> {
  const v = getVault(ctx, vault);
  const description = checkDescription(descriptionHeader(call.req));
  const length = requireContentLength(call.req);
  const expected = requireTreeHash(call.req);
  if (length === 0) throw invalidParameter('An archive must hold at least 1 byte.');
  if (length > MAX_SINGLE_UPLOAD) throw invalidParameter(`An archive uploaded in one request is at most 4 GiB; use a multipart upload for ${length} bytes.`);
  const archiveId = randomId(103);
  const blobId = `a-${randomId(24)}`;
  try {
    await receivePart(call.req, ctx.storage.blobDir(blobId), 0, {
      length, treeHash: expected, contentSha256: header(call.req, 'x-amz-content-sha256'),
    });
  } catch (e) {
    await removeBlob(ctx.storage.blobsRoot, blobId);
    throw e;
  }
  const record: ArchiveRecord = {
    vault, archiveId, description, creationDate: nowIso(), treeHash: expected,
    blob: { blobId, size: length, partSize: length, partCount: 1 },
  };
  await ctx.store.saveArchive(record);
  v.archives.set(archiveId, record);
  sendEmpty(call.res, 201, {
    location: `/${call.account}/vaults/${vault}/archives/${archiveId}`,
    'x-amz-archive-id': archiveId,
    'x-amz-sha256-tree-hash': expected,
  });
}

export function getArchive(ctx: GlacierContext, vault: string, archiveId: string): ArchiveRecord {
  const a = getVault(ctx, vault).archives.get(archiveId);
  if (!a) throw notFound(`Archive not found for ID: ${archiveId} in vault ${arnOf(ctx, vault)}`);
  return a;
}

export async function deleteArchive(ctx: GlacierContext, call: GlacierCall, vault: string, archiveId: string): Promise<void> {
  const a = getArchive(ctx, vault, archiveId);
  getVault(ctx, vault).archives.delete(archiveId);
  await ctx.store.removeArchive(a);
  await removeBlob(ctx.storage.blobsRoot, a.blob.blobId);
  sendEmpty(call.res, 204);
}
