import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import { header } from '../glacier/headers';
import { randomId, readSmallBody } from '../http';
import { getBucket, isoDate, type S3Call, type S3Context } from './context';
import { allowedTypes, checksumHeader, compositeChecksum, crcOfBase64, fullObjectCrc, isCrc, parseAlgorithm } from './checksums';
import { ownerXml } from './bucketOps';
import { parseMaxKeys } from './listObjects';
import type { ChecksumType, ObjectChecksum, ObjectRecord, UploadRecord } from './model';
import { commitObject } from './objectOps';
import { checkKey, storageClassOf, storedHeadersOf } from './objectHeaders';
import { partFile, removeBlobDir } from './objectBlob';
import { checkWriteConditions } from './preconditions';
import { MAX_UPLOAD, planBody, receiveBody } from './receiveBody';
import { sendNoBody, sendXml } from './respond';
import { invalidArgument, invalidRequest, malformedXml, noSuchUpload, s3Error } from './s3Error';
import { UPLOAD_BLOB_PREFIX, compareKeys, type BucketState } from './s3Store';
import { verifySmallBody } from './smallBody';
import { childrenNamed, el, parseXml, t, textOf, xmlDoc } from './xml';

export const MIN_PART = 5 * 1024 * 1024;
export const MAX_PARTS = 10_000;

function getUpload(b: BucketState, call: S3Call): UploadRecord {
  const id = call.query.get('uploadId') ?? '';
  const u = b.uploads.get(id);
  if (!u || u.key !== call.key) throw noSuchUpload(id);
  return u;
}

export async function createMultipartUpload(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  checkKey(call.key);
  const storageClass = storageClassOf(call.req);
  const { headers, metadata } = storedHeadersOf(call.req, header(call.req, 'content-encoding'));
  const algorithm = parseAlgorithm(header(call.req, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm');
  const typeIn = header(call.req, 'x-amz-checksum-type')?.toUpperCase();
  if (typeIn !== undefined && typeIn !== 'COMPOSITE' && typeIn !== 'FULL_OBJECT') throw invalidRequest(`Value for x-amz-checksum-type header is invalid: ${typeIn}.`);
  if (typeIn && !algorithm) throw invalidRequest('The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  let checksumType: ChecksumType | undefined;
  if (algorithm) {
    const allowed = allowedTypes(algorithm);
    checksumType = (typeIn as ChecksumType | undefined) ?? allowed[0];
    if (!allowed.includes(checksumType)) throw invalidRequest(`The ${checksumType} checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`);
  }
  const u: UploadRecord = {
    bucket: call.bucket, key: call.key, uploadId: randomId(48), initiated: Date.now(), storageClass, headers, metadata,
    checksumAlgorithm: algorithm, checksumType, parts: {},
  };
  await ctx.store.saveUpload(u);
  b.uploads.set(u.uploadId, u);
  sendXml(call.res, 200, xmlDoc('InitiateMultipartUploadResult', t('Bucket', u.bucket) + t('Key', u.key) + t('UploadId', u.uploadId)),
    algorithm ? { 'x-amz-checksum-algorithm': algorithm, 'x-amz-checksum-type': checksumType! } : {});
}

export async function uploadPart(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const pn = call.query.get('partNumber') ?? '';
  if (!/^\d+$/.test(pn) || Number(pn) < 1 || Number(pn) > MAX_PARTS) {
    throw invalidArgument('Part number must be an integer between 1 and 10000, inclusive', 'partNumber', pn);
  }
  const u = getUpload(b, call);
  const plan = planBody(call.req);
  if (plan.length > MAX_UPLOAD) throw s3Error(400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { ProposedSize: plan.length, MaxSizeAllowed: MAX_UPLOAD });
  if (u.checksumAlgorithm && plan.checksum && plan.checksum.algorithm !== u.checksumAlgorithm) {
    throw invalidRequest(`Checksum Type mismatch occurred, expected checksum Type: ${u.checksumAlgorithm.toLowerCase()}, actual checksum Type: ${plan.checksum.algorithm.toLowerCase()}`);
  }
  const n = Number(pn);
  const got = await receiveBody(call.req, plan, partFile(ctx.storage.blobsRoot, UPLOAD_BLOB_PREFIX + u.uploadId, n), u.checksumAlgorithm ? [u.checksumAlgorithm] : []);
  if (!b.uploads.has(u.uploadId)) throw noSuchUpload(u.uploadId); // aborted or completed meanwhile
  u.parts[n] = {
    size: got.size, md5: got.md5, lastModified: Date.now(), crc64: got.crc64.toString(),
    checksum: u.checksumAlgorithm ? got.digests.get(u.checksumAlgorithm) : undefined,
  };
  await ctx.store.saveUpload(u);
  const headers: Record<string, string> = { etag: `"${got.md5}"` };
  const a = u.checksumAlgorithm ?? plan.checksum?.algorithm;
  if (a) headers[checksumHeader(a)] = got.digests.get(a)!;
  sendNoBody(call.res, 200, headers);
}

const partChecksumElement = (a: string): string => `Checksum${a}`;

export async function completeMultipartUpload(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const u = getUpload(b, call);
  const plan = planBody(call.req);
  const raw = await readSmallBody(call.req, 4 * 1024 * 1024);
  verifySmallBody(raw, plan);
  const root = parseXml(raw.toString('utf8') || '<x/>');
  if (root.name !== 'CompleteMultipartUpload') throw malformedXml();
  const listed = childrenNamed(root, 'Part');
  if (listed.length === 0) throw malformedXml();
  if (listed.length > MAX_PARTS) throw invalidArgument(`Part count must be at most ${MAX_PARTS}.`);
  checkWriteConditions(call.req, b.objects.get(call.key), call.key);
  const parts: { n: number; size: number; md5: string; checksum?: string; crc64: bigint }[] = [];
  let prev = 0;
  for (const p of listed) {
    const nText = textOf(p, 'PartNumber');
    const etag = textOf(p, 'ETag');
    if (!nText || !/^\d+$/.test(nText) || etag === undefined) throw malformedXml();
    const n = Number(nText);
    if (n <= prev) throw s3Error(400, 'InvalidPartOrder', 'The list of parts was not in ascending order. The parts list must be specified in order by part number.', { UploadId: u.uploadId });
    prev = n;
    const stored = u.parts[n];
    const quoted = etag.startsWith('"') ? etag : `"${etag}"`;
    const invalidPart = (): Error => s3Error(400, 'InvalidPart',
      'One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part\'s entity tag.',
      { UploadId: u.uploadId, PartNumber: n, ETag: etag });
    if (!stored || quoted !== `"${stored.md5}"`) throw invalidPart();
    if (u.checksumAlgorithm) {
      const sent = textOf(p, partChecksumElement(u.checksumAlgorithm));
      if (sent === undefined && u.checksumType === 'COMPOSITE') {
        throw invalidRequest(`The upload was created using a ${u.checksumAlgorithm.toLowerCase()} checksum. The complete request must include the checksum for each part. It was missing for part ${n} in the request.`);
      }
      if (sent !== undefined && sent !== stored.checksum) throw invalidPart();
    }
    parts.push({ n, size: stored.size, md5: stored.md5, checksum: stored.checksum, crc64: BigInt(stored.crc64) });
  }
  for (let i = 0; i < parts.length - 1; i++) {
    if (parts[i].size < MIN_PART) {
      throw s3Error(400, 'EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size',
        { ProposedSize: parts[i].size, MinSizeAllowed: MIN_PART, PartNumber: parts[i].n, ETag: parts[i].md5 });
    }
  }
  const size = parts.reduce((s, p) => s + p.size, 0);
  const etagMd5 = createHash('md5');
  for (const p of parts) etagMd5.update(Buffer.from(p.md5, 'hex'));
  let checksum: ObjectChecksum;
  const a = u.checksumAlgorithm;
  if (!a) checksum = { algorithm: 'CRC64NVME', type: 'FULL_OBJECT', value: fullObjectCrc('CRC64NVME', parts.map((p) => ({ value: p.crc64, size: p.size }))) };
  else if (u.checksumType === 'COMPOSITE') checksum = { algorithm: a, type: 'COMPOSITE', value: compositeChecksum(a, parts.map((p) => p.checksum!)) };
  else if (a === 'CRC64NVME') checksum = { algorithm: a, type: 'FULL_OBJECT', value: fullObjectCrc(a, parts.map((p) => ({ value: p.crc64, size: p.size }))) };
  else if (isCrc(a)) checksum = { algorithm: a, type: 'FULL_OBJECT', value: fullObjectCrc(a, parts.map((p) => ({ value: crcOfBase64(a, p.checksum!), size: p.size }))) };
  else throw invalidRequest(`The FULL_OBJECT checksum type cannot be used with ${a}.`);
  // A full-object checksum the client computed itself is checked against the one combined from the parts.
  if (checksum.type === 'FULL_OBJECT') {
    const sent = header(call.req, checksumHeader(checksum.algorithm));
    if (sent !== undefined && sent !== checksum.value) throw s3Error(400, 'BadDigest', `The ${checksum.algorithm} you specified did not match the calculated checksum.`);
  }
  const dir = UPLOAD_BLOB_PREFIX + u.uploadId;
  const o: ObjectRecord = {
    bucket: u.bucket, key: u.key, size, etag: `"${etagMd5.digest('hex')}-${parts.length}"`, lastModified: Date.now(),
    storageClass: u.storageClass, headers: u.headers, metadata: u.metadata, checksum, partsCount: parts.length,
    blob: { dir, parts: parts.map((p) => ({ n: p.n, size: p.size })) },
  };
  // Parts uploaded but not listed are not part of the object.
  const unlisted = Object.keys(u.parts).map(Number).filter((n) => !parts.some((p) => p.n === n));
  b.uploads.delete(u.uploadId);
  await commitObject(ctx, b, o);
  await ctx.store.removeUpload(u);
  for (const n of unlisted) await fsp.rm(partFile(ctx.storage.blobsRoot, dir, n), { force: true });
  await ctx.events.emit(b, 'ObjectCreated:CompleteMultipartUpload', o);
  const location = `http://${call.req.headers.host ?? 'localhost'}/${u.bucket}/${encodeURIComponent(u.key)}`;
  sendXml(call.res, 200, xmlDoc('CompleteMultipartUploadResult', t('Location', location) + t('Bucket', u.bucket) + t('Key', u.key) + t('ETag', o.etag) +
    t(partChecksumElement(checksum.algorithm), checksum.value) + t('ChecksumType', checksum.type)));
}

export async function abortMultipartUpload(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const u = getUpload(b, call);
  b.uploads.delete(u.uploadId);
  await ctx.store.removeUpload(u);
  await removeBlobDir(ctx.storage.blobsRoot, UPLOAD_BLOB_PREFIX + u.uploadId);
  sendNoBody(call.res, 204);
}

export function listParts(ctx: S3Context, call: S3Call): void {
  const b = getBucket(ctx, call.bucket);
  const u = getUpload(b, call);
  const max = parseMaxKeys(call.query.get('max-parts'), 'max-parts');
  const markerText = call.query.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerText)) throw invalidArgument('Provided part-number-marker not an integer or within integer range', 'part-number-marker', markerText);
  const marker = Number(markerText);
  const all = Object.keys(u.parts).map(Number).filter((n) => n > marker).sort((x, y) => x - y);
  const page = all.slice(0, max);
  const truncated = all.length > page.length;
  const a = u.checksumAlgorithm;
  const items = page.map((n) => {
    const p = u.parts[n];
    return el('Part', t('PartNumber', n) + t('LastModified', isoDate(p.lastModified)) + t('ETag', `"${p.md5}"`) + t('Size', p.size) +
      (a && p.checksum ? t(partChecksumElement(a), p.checksum) : ''));
  }).join('');
  sendXml(call.res, 200, xmlDoc('ListPartsResult', t('Bucket', u.bucket) + t('Key', u.key) + t('UploadId', u.uploadId) +
    t('PartNumberMarker', marker) + t('NextPartNumberMarker', page.length ? page[page.length - 1] : marker) + t('MaxParts', max) +
    t('IsTruncated', truncated) + t('StorageClass', u.storageClass) + ownerXml(ctx) + el('Initiator', t('ID', 'local') + t('DisplayName', 'local')) +
    (a ? t('ChecksumAlgorithm', a) + t('ChecksumType', u.checksumType) : '') + items));
}

export function listMultipartUploads(ctx: S3Context, call: S3Call): void {
  const b = getBucket(ctx, call.bucket);
  const q = call.query;
  const prefix = q.get('prefix') ?? '';
  const max = parseMaxKeys(q.get('max-uploads'), 'max-uploads');
  const keyMarker = q.get('key-marker') ?? '';
  const idMarker = q.get('upload-id-marker') ?? '';
  const all = [...b.uploads.values()]
    .filter((u) => u.key.startsWith(prefix))
    .sort((x, y) => compareKeys(x.key, y.key) || x.initiated - y.initiated || (x.uploadId < y.uploadId ? -1 : 1));
  let start = 0;
  if (keyMarker) {
    start = all.findIndex((u) => {
      const c = compareKeys(u.key, keyMarker);
      if (c !== 0) return c > 0;
      if (!idMarker) return false;
      const mi = all.findIndex((x) => x.uploadId === idMarker);
      return mi >= 0 && all.indexOf(u) > mi;
    });
    if (start < 0) start = all.length;
  }
  const page = all.slice(start, start + max);
  const truncated = start + max < all.length;
  const lastU = page[page.length - 1];
  const items = page.map((u) => el('Upload', t('Key', u.key) + t('UploadId', u.uploadId) + el('Initiator', t('ID', 'local') + t('DisplayName', 'local')) +
    ownerXml(ctx) + t('StorageClass', u.storageClass) + t('Initiated', isoDate(u.initiated)) +
    (u.checksumAlgorithm ? t('ChecksumAlgorithm', u.checksumAlgorithm) + t('ChecksumType', u.checksumType) : ''))).join('');
  sendXml(call.res, 200, xmlDoc('ListMultipartUploadsResult', t('Bucket', b.record.name) + t('KeyMarker', keyMarker) + t('UploadIdMarker', idMarker) +
    (truncated && lastU ? t('NextKeyMarker', lastU.key) + t('NextUploadIdMarker', lastU.uploadId) : '') + (prefix ? t('Prefix', prefix) : '') +
    t('MaxUploads', max) + t('IsTruncated', truncated) + items));
}
