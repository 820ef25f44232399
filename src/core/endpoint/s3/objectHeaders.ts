import type { IncomingMessage } from 'node:http';
import { header } from '../glacier/headers';
import { httpDate } from './context';
import { checksumHeader } from './checksums';
import { STORAGE_CLASSES, STORED_HEADERS, type ObjectRecord, type StorageClass } from './model';
import { restoreHeader } from './restoreRunner';
import { s3Error } from './s3Error';

export const MAX_KEY_BYTES = 1024;

export function checkKey(key: string): void {
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw s3Error(400, 'KeyTooLongError', 'Your key is too long', { Size: Buffer.byteLength(key), MaxSizeAllowed: MAX_KEY_BYTES });
}

export function storageClassOf(req: IncomingMessage): StorageClass {
  const v = header(req, 'x-amz-storage-class');
  if (v === undefined || v === '') return 'STANDARD';
  if (!STORAGE_CLASSES.includes(v as StorageClass)) throw s3Error(400, 'InvalidStorageClass', 'The storage class you specified is not valid', { StorageClassRequested: v });
  return v as StorageClass;
}

/** Content headers and x-amz-meta-* user metadata of an upload request (at most 2 KB of metadata, as on S3). */
export function storedHeadersOf(req: IncomingMessage, contentEncoding?: string): { headers: Record<string, string>; metadata: Record<string, string> } {
  const headers: Record<string, string> = {};
  for (const h of STORED_HEADERS) {
    const v = h === 'content-encoding' ? contentEncoding : header(req, h);
    if (v !== undefined && v !== '') headers[h] = v;
  }
  const metadata: Record<string, string> = {};
  let size = 0;
  for (const [k, v] of Object.entries(req.headers)) {
    if (!k.startsWith('x-amz-meta-')) continue;
    const value = Array.isArray(v) ? v.join(',') : String(v);
    metadata[k.slice('x-amz-meta-'.length)] = value;
    size += k.length - 'x-amz-meta-'.length + value.length;
  }
  if (size > 2048) throw s3Error(400, 'MetadataTooLarge', 'Your metadata headers exceed the maximum allowed metadata size', { MaxSizeAllowed: 2048 });
  return { headers, metadata };
}

/** Headers of GET/HEAD: ETag, dates, content headers, metadata, class, restore status, checksum (when asked). */
export function objectHeaders(o: ObjectRecord, opts: { withChecksum: boolean }): Record<string, string> {
  const h: Record<string, string> = {
    etag: o.etag,
    'last-modified': httpDate(o.lastModified),
    'accept-ranges': 'bytes',
    'content-type': o.headers['content-type'] ?? 'binary/octet-stream',
  };
  for (const k of STORED_HEADERS) if (k !== 'content-type' && o.headers[k] !== undefined) h[k] = o.headers[k];
  for (const [k, v] of Object.entries(o.metadata)) h[`x-amz-meta-${k}`] = v;
  if (o.storageClass !== 'STANDARD') h['x-amz-storage-class'] = o.storageClass;
  const restore = restoreHeader(o);
  if (restore) h['x-amz-restore'] = restore;
  if (o.partsCount && opts.withChecksum) h['x-amz-mp-parts-count'] = String(o.partsCount);
  if (opts.withChecksum) {
    h[checksumHeader(o.checksum.algorithm)] = o.checksum.value;
    h['x-amz-checksum-type'] = o.checksum.type;
  }
  return h;
}

/** Parses `Range: bytes=a-b | a- | -n`; a malformed or multi-range header is ignored, as S3 does. */
export function parseRange(value: string | undefined, size: number): { start: number; end: number } | undefined {
  if (value === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) throw invalidRange(size, value);
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (m[2] !== '' && Number(m[2]) < start) return undefined;
  }
  if (start >= size) throw invalidRange(size, value);
  return { start, end };
}

const invalidRange = (size: number, range: string): Error =>
  s3Error(416, 'InvalidRange', 'The requested range is not satisfiable', { RangeRequested: range, ActualObjectSize: size });
