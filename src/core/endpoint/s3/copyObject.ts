import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Crc } from '../../hash/crc';
import { header } from '../glacier/headers';
import { randomId } from '../http';
import { syncDir } from '../storage';
import { getBucket, getObject, isoDate, type S3Call, type S3Context } from './context';
import { ChecksumHasher, parseAlgorithm } from './checksums';
import type { ObjectRecord } from './model';
import { checkKey, storageClassOf, storedHeadersOf } from './objectHeaders';
import { partFile, readBlob, removeBlobDir } from './objectBlob';
import { commitObject, isReadable } from './objectOps';
import { MAX_UPLOAD } from './receiveBody';
import { sendXml } from './respond';
import { invalidArgument, invalidRequest, s3Error } from './s3Error';
import { OBJECT_BLOB_PREFIX } from './s3Store';
import { t, xmlDoc } from './xml';

function parseCopySource(v: string): { bucket: string; key: string } {
  const raw = v.split('?')[0];
  const decoded = decodeURIComponent(raw.startsWith('/') ? raw.slice(1) : raw);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey', 'x-amz-copy-source', v);
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/**
 * CopyObject (up to 5 GiB, as on S3): refused with 403 ObjectNotInActiveTierError for an archived object that
 * has no restored copy — the way to make a restored copy permanent is to copy it to a readable class.
 * The bytes are streamed into a new single-part object, hashed again on the way.
 */
export async function copyObject(ctx: S3Context, call: S3Call): Promise<void> {
  const dest = getBucket(ctx, call.bucket);
  checkKey(call.key);
  const src = parseCopySource(header(call.req, 'x-amz-copy-source')!);
  const sb = getBucket(ctx, src.bucket);
  const so = getObject(ctx, sb, src.key);
  await ctx.restores.settle(so);
  if (!isReadable(so)) {
    throw s3Error(403, 'ObjectNotInActiveTierError', `The source object of the COPY action is not in the active tier and is only stored in Amazon S3 ${so.storageClass === 'GLACIER' ? 'Glacier' : 'Glacier Deep Archive'}.`);
  }
  if (so.size > MAX_UPLOAD) throw invalidRequest('The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const directive = header(call.req, 'x-amz-metadata-directive') ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw invalidArgument('Unknown metadata directive.', 'x-amz-metadata-directive', directive);
  const classGiven = header(call.req, 'x-amz-storage-class') !== undefined;
  const storageClass = classGiven ? storageClassOf(call.req) : 'STANDARD';
  const algorithm = parseAlgorithm(header(call.req, 'x-amz-checksum-algorithm'), 'x-amz-checksum-algorithm') ?? so.checksum.algorithm;
  if (src.bucket === call.bucket && src.key === call.key && directive === 'COPY' && !classGiven) {
    throw invalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const meta = directive === 'REPLACE' ? storedHeadersOf(call.req, header(call.req, 'content-encoding')) : { headers: so.headers, metadata: so.metadata };
  const dir = OBJECT_BLOB_PREFIX + randomId(18);
  const file = partFile(ctx.storage.blobsRoot, dir, 1);
  const md5 = createHash('md5');
  const crc = new Crc('CRC64NVME');
  const other = algorithm !== 'CRC64NVME' ? new ChecksumHasher(algorithm) : undefined;
  try {
    await fsp.mkdir(path.dirname(file), { recursive: true });
    await pipeline(readBlob(ctx.storage.blobsRoot, so.blob, 0, so.size - 1), new Transform({
      transform(chunk: Buffer, _e, cb) { md5.update(chunk); crc.update(chunk); other?.update(chunk); cb(null, chunk); },
    }), fs.createWriteStream(file));
    const fh = await fsp.open(file, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    await syncDir(path.dirname(file));
  } catch (e) {
    await removeBlobDir(ctx.storage.blobsRoot, dir);
    throw e instanceof Error && 'status' in e ? e : s3Error(500, 'InternalError', `Copy failed: ${(e as Error).message}`);
  }
  const o: ObjectRecord = {
    bucket: call.bucket, key: call.key, size: so.size, etag: `"${md5.digest('hex')}"`, lastModified: Date.now(), storageClass,
    headers: meta.headers, metadata: meta.metadata,
    checksum: { algorithm, type: 'FULL_OBJECT', value: (other ? other.digest() : crc.digest()).toString('base64') },
    blob: { dir, parts: [{ n: 1, size: so.size }] },
  };
  await commitObject(ctx, dest, o);
  await ctx.events.emit(dest, 'ObjectCreated:Copy', o);
  sendXml(call.res, 200, xmlDoc('CopyObjectResult', t('ETag', o.etag) + t('LastModified', isoDate(o.lastModified)) +
    t('ChecksumType', 'FULL_OBJECT') + t(`Checksum${algorithm}`, o.checksum.value)));
}
