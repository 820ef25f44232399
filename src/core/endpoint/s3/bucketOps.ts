import { readSmallBody } from '../http';
import { checkBucketName } from './bucketNames';
import { getBucket, isoDate, type S3Call, type S3Context } from './context';
import { malformedXml, requestIds, s3Error } from './s3Error';
import { el, parseXml, t, textOf, xmlDoc } from './xml';
import { removeBlobDir, } from './objectBlob';
import { UPLOAD_BLOB_PREFIX } from './s3Store';
import { sendXml, sendNoBody } from './respond';

export const ownerXml = (ctx: S3Context): string => el('Owner', t('ID', ownerId(ctx)) + t('DisplayName', 'local'));
export const ownerId = (ctx: S3Context): string => `${ctx.opts.accountId}`.padStart(64, '0');

/** CreateBucket: AWS's name rules; in us-east-1 no LocationConstraint, elsewhere the endpoint's region. */
export async function createBucket(ctx: S3Context, call: S3Call): Promise<void> {
  const name = call.bucket;
  checkBucketName(name);
  const body = (await readSmallBody(call.req, 64 * 1024)).toString('utf8').trim();
  let location: string | undefined;
  if (body) {
    const root = parseXml(body);
    if (root.name !== 'CreateBucketConfiguration') throw malformedXml();
    location = textOf(root, 'LocationConstraint');
  }
  const region = ctx.opts.region;
  if (region === 'us-east-1' ? location !== undefined && location !== '' : location !== region) {
    if (region === 'us-east-1' && location === 'us-east-1') {
      throw s3Error(400, 'InvalidLocationConstraint', 'The specified location-constraint is not valid', { LocationConstraint: location });
    }
    throw s3Error(400, 'IllegalLocationConstraintException',
      `The ${location ?? 'unspecified'} location constraint is incompatible for the region specific endpoint this request was sent to (${region}).`);
  }
  if (ctx.controls.foreignBuckets.has(name)) {
    throw s3Error(409, 'BucketAlreadyExists', 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.', { BucketName: name });
  }
  const existing = ctx.store.buckets.get(name);
  if (existing && region !== 'us-east-1') {
    throw s3Error(409, 'BucketAlreadyOwnedByYou', 'Your previous request to create the named bucket succeeded and you already own it.', { BucketName: name });
  }
  if (!existing) {
    const record = { name, creationDate: Date.now(), region, notifications: [] };
    await ctx.store.saveBucket(record);
    ctx.store.buckets.set(name, { record, objects: new Map(), uploads: new Map() });
  }
  sendNoBody(call.res, 200, { location: `/${name}` });
}

export function headBucket(ctx: S3Context, call: S3Call): void {
  const b = getBucket(ctx, call.bucket);
  sendNoBody(call.res, 200, { 'x-amz-bucket-region': b.record.region, 'x-amz-access-point-alias': 'false' });
}

export function getBucketLocation(ctx: S3Context, call: S3Call): void {
  const b = getBucket(ctx, call.bucket);
  const r = b.record.region === 'us-east-1' ? '' : b.record.region;
  sendXml(call.res, 200, `<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${r}</LocationConstraint>`);
}

/** Refuses a bucket that holds objects; pending multipart uploads go with the bucket. */
export async function deleteBucket(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  if (b.objects.size > 0) throw s3Error(409, 'BucketNotEmpty', 'The bucket you tried to delete is not empty', { BucketName: call.bucket });
  ctx.store.buckets.delete(call.bucket);
  await ctx.store.removeBucket(call.bucket);
  for (const u of b.uploads.values()) await removeBlobDir(ctx.storage.blobsRoot, UPLOAD_BLOB_PREFIX + u.uploadId);
  sendNoBody(call.res, 204);
}

export function listBuckets(ctx: S3Context, call: S3Call): void {
  const prefix = call.query.get('prefix') ?? '';
  const names = [...ctx.store.buckets.keys()].filter((n) => n.startsWith(prefix)).sort();
  const max = call.query.has('max-buckets') ? Number(call.query.get('max-buckets')) : 10_000;
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw s3Error(400, 'InvalidArgument', 'max-buckets must be an integer from 1 to 10000.');
  const token = call.query.get('continuation-token');
  const start = token ? names.findIndex((n) => n > Buffer.from(token, 'base64url').toString('utf8')) : 0;
  const page = start < 0 ? [] : names.slice(start, start + max);
  const more = start >= 0 && start + max < names.length;
  const buckets = page.map((n) => {
    const r = ctx.store.buckets.get(n)!.record;
    return el('Bucket', t('Name', n) + t('CreationDate', isoDate(r.creationDate)) + t('BucketRegion', r.region));
  }).join('');
  sendXml(call.res, 200, xmlDoc('ListAllMyBucketsResult', ownerXml(ctx) + el('Buckets', buckets) +
    (more ? t('ContinuationToken', Buffer.from(page[page.length - 1]).toString('base64url')) : '') + (prefix ? t('Prefix', prefix) : '')));
}

export { requestIds };
