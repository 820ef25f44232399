import { pipeline } from 'node:stream/promises';
import { header } from '../glacier/headers';
import { randomId, readSmallBody } from '../http';
import { getBucket, getObject, type S3Call, type S3Context } from './context';
import { checksumHeader } from './checksums';
import { ARCHIVE_CLASSES, type ObjectRecord } from './model';
import { checkKey, objectHeaders, parseRange, storageClassOf, storedHeadersOf } from './objectHeaders';
import { partFile, readBlob, removeBlobDir } from './objectBlob';
import { checkReadConditions, checkWriteConditions } from './preconditions';
import { MAX_UPLOAD, planBody, receiveBody } from './receiveBody';
import { sendNoBody, sendXml } from './respond';
import { malformedXml, requestIds, s3Error } from './s3Error';
import { OBJECT_BLOB_PREFIX, type BucketState } from './s3Store';
import { verifySmallBody } from './smallBody';
import { childrenNamed, el, parseXml, t, textOf, xmlDoc } from './xml';

/** A GET of an archived object that has no restored copy. */
export const invalidObjectState = (o: ObjectRecord): Error =>
  s3Error(403, 'InvalidObjectState', "The operation is not valid for the object's storage class", { StorageClass: o.storageClass });

export function isReadable(o: ObjectRecord): boolean {
  return !ARCHIVE_CLASSES.includes(o.storageClass) || (!!o.restore && !o.restore.ongoing);
}

/** Puts a new current version of a key in place and lets go of the bytes of the one it replaces. */
export async function commitObject(ctx: S3Context, b: BucketState, o: ObjectRecord): Promise<void> {
  const old = b.objects.get(o.key);
  await ctx.store.putObject(b, o);
  if (old) {
    ctx.restores.cancel(old);
    if (old.blob.dir !== o.blob.dir) await removeBlobDir(ctx.storage.blobsRoot, old.blob.dir);
  }
}

export async function putObject(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  checkKey(call.key);
  const storageClass = storageClassOf(call.req);
  const plan = planBody(call.req);
  if (plan.length > MAX_UPLOAD) throw s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: plan.length, MaxSizeAllowed: MAX_UPLOAD });
  const { headers, metadata } = storedHeadersOf(call.req, plan.contentEncoding);
  checkWriteConditions(call.req, b.objects.get(call.key), call.key);
  const dir = OBJECT_BLOB_PREFIX + randomId(18);
  let got;
  try {
    got = await receiveBody(call.req, plan, partFile(ctx.storage.blobsRoot, dir, 1));
    checkWriteConditions(call.req, b.objects.get(call.key), call.key);
  } catch (e) {
    await removeBlobDir(ctx.storage.blobsRoot, dir);
    throw e;
  }
  const algorithm = plan.checksum?.algorithm ?? 'CRC64NVME';
  const o: ObjectRecord = {
    bucket: call.bucket, key: call.key, size: got.size, etag: `"${got.md5}"`, lastModified: Date.now(), storageClass, headers, metadata,
    checksum: { algorithm, type: 'FULL_OBJECT', value: got.digests.get(algorithm)! },
    blob: { dir, parts: [{ n: 1, size: got.size }] },
  };
  await commitObject(ctx, b, o);
  await ctx.events.emit(b, 'ObjectCreated:Put', o);
  sendNoBody(call.res, 200, {
    etag: o.etag, [checksumHeader(algorithm)]: o.checksum.value, 'x-amz-checksum-type': 'FULL_OBJECT',
  });
}

async function readObject(ctx: S3Context, call: S3Call, withBody: boolean): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const o = getObject(ctx, b, call.key);
  await ctx.restores.settle(o);
  if (call.query.has('partNumber')) throw s3Error(501, 'NotImplemented', 'GET/HEAD by partNumber is not supported by the local endpoint; use a Range.');
  if (withBody && !isReadable(o)) throw invalidObjectState(o);
  const range = o.size > 0 ? parseRange(header(call.req, 'range'), o.size) : undefined;
  const cond = checkReadConditions(call.req, o);
  const wantChecksum = header(call.req, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED' && !range;
  const h = objectHeaders(o, { withChecksum: wantChecksum });
  if (cond === 'not-modified') {
    const { etag, 'last-modified': lm } = h;
    sendNoBody(call.res, 304, { etag, 'last-modified': lm });
    return;
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? o.size - 1;
  const length = o.size === 0 ? 0 : end - start + 1;
  const status = range ? 206 : 200;
  const headers: Record<string, string | number> = { ...h, 'content-length': length, ...requestIds() };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${o.size}`;
  if (!withBody || length === 0) {
    call.res.writeHead(status, headers);
    call.res.end();
    return;
  }
  call.res.writeHead(status, headers);
  await pipeline(readBlob(ctx.storage.blobsRoot, o.blob, start, end), call.res);
}

export const getObjectOp = (ctx: S3Context, call: S3Call): Promise<void> => readObject(ctx, call, true);
export const headObject = (ctx: S3Context, call: S3Call): Promise<void> => readObject(ctx, call, false);

export async function removeKey(ctx: S3Context, b: BucketState, key: string): Promise<boolean> {
  const o = b.objects.get(key);
  if (!o) return false;
  ctx.restores.cancel(o);
  await ctx.store.removeObject(b, key);
  await removeBlobDir(ctx.storage.blobsRoot, o.blob.dir);
  await ctx.events.emit(b, 'ObjectRemoved:Delete', o);
  return true;
}

/** DeleteObject: 204 whether or not the key existed, as on an unversioned bucket. */
export async function deleteObject(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  await removeKey(ctx, b, call.key);
  sendNoBody(call.res, 204);
}

/** DeleteObjects: up to 1000 keys; the request needs Content-MD5 or a checksum, as on S3. */
export async function deleteObjects(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const plan = planBody(call.req);
  if (!plan.contentMd5 && !plan.checksum) throw s3Error(400, 'InvalidRequest', 'Missing required header for this request: Content-MD5 or x-amz-checksum-*.');
  const raw = await readSmallBody(call.req, 2 * 1024 * 1024);
  verifySmallBody(raw, plan);
  const root = parseXml(raw.toString('utf8'));
  if (root.name !== 'Delete') throw malformedXml();
  const objects = childrenNamed(root, 'Object');
  if (objects.length === 0 || objects.length > 1000) throw malformedXml();
  const quiet = textOf(root, 'Quiet') === 'true';
  let out = '';
  for (const ob of objects) {
    const key = textOf(ob, 'Key');
    if (key === undefined) throw malformedXml();
    await removeKey(ctx, b, key);
    if (!quiet) out += el('Deleted', t('Key', key));
  }
  sendXml(call.res, 200, xmlDoc('DeleteResult', out));
}
