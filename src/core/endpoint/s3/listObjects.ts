import { header } from '../glacier/headers';
import { ownerXml } from './bucketOps';
import { getBucket, isoDate, type S3Call, type S3Context } from './context';
import { ARCHIVE_CLASSES, type ObjectRecord } from './model';
import { sendXml } from './respond';
import { invalidArgument } from './s3Error';
import { compareKeys } from './s3Store';
import { el, t, xmlDoc } from './xml';

/** Where a listing resumes: after this key, or after every key under this common prefix. */
interface Resume { k: string; p?: boolean }

const encodeKey = (s: string): string => encodeURIComponent(s).replace(/%2F/g, '/');

export function parseMaxKeys(v: string | null, name = 'max-keys'): number {
  if (v === null) return 1000;
  if (!/^\d+$/.test(v)) throw invalidArgument(`Provided ${name} not an integer or within integer range`, name, v);
  return Math.min(1000, Number(v));
}

function restoreStatusXml(o: ObjectRecord): string {
  if (!ARCHIVE_CLASSES.includes(o.storageClass) || !o.restore) return '';
  const r = o.restore;
  return el('RestoreStatus', t('IsRestoreInProgress', r.ongoing) + (r.ongoing || r.expiresAt === undefined ? '' : t('RestoreExpiryDate', isoDate(r.expiresAt))));
}

/** First index in sorted `keys` whose key is > `k` (or >= when `inclusive`). */
function lowerBound(keys: string[], k: string, inclusive: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeys(keys[mid], k);
    if (c < 0 || (!inclusive && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** ListObjectsV2: prefix, delimiter, paging by opaque continuation tokens, start-after, encoding-type=url, RestoreStatus. */
export async function listObjectsV2(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const q = call.query;
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const maxKeys = parseMaxKeys(q.get('max-keys'));
  const encoding = q.get('encoding-type');
  if (encoding !== null && encoding !== 'url') throw invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encoding);
  const optional = (header(call.req, 'x-amz-optional-object-attributes') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const a of optional) if (a !== 'RestoreStatus') throw invalidArgument(`Invalid attribute name specified: ${a}`, 'x-amz-optional-object-attributes', a);
  const withRestore = optional.includes('RestoreStatus');
  const fetchOwner = q.get('fetch-owner') === 'true';
  const token = q.get('continuation-token');
  const startAfter = q.get('start-after') ?? '';
  let resume: Resume | undefined;
  if (token !== null) {
    try {
      resume = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Resume;
      if (typeof resume.k !== 'string') throw new Error('bad token');
    } catch {
      throw invalidArgument('The continuation token provided is incorrect', 'continuation-token', token);
    }
  } else if (startAfter) {
    resume = { k: startAfter };
  }
  const keys = ctx.store.sortedKeys(b);
  for (const o of b.objects.values()) if (ctx.restores.due(o)) await ctx.restores.settle(o);
  let i = resume ? lowerBound(keys, resume.k, false) : prefix ? lowerBound(keys, prefix, true) : 0;
  if (prefix && resume && compareKeys(resume.k, prefix) < 0) i = lowerBound(keys, prefix, true);
  const enc = (s: string): string => (encoding === 'url' ? encodeKey(s) : s);
  let contents = '';
  let prefixes = '';
  let count = 0;
  let last: Resume | undefined;
  let truncated = false;
  let lastPrefix: string | undefined;
  for (; i < keys.length; i++) {
    const key = keys[i];
    if (!key.startsWith(prefix)) {
      if (compareKeys(key, prefix) > 0) break;
      continue;
    }
    if (resume?.p && key.startsWith(resume.k)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const common = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (common !== undefined && common === lastPrefix) continue;
    if (count >= maxKeys) { truncated = true; break; }
    if (common !== undefined) {
      prefixes += el('CommonPrefixes', t('Prefix', enc(common)));
      lastPrefix = common;
      last = { k: common, p: true };
    } else {
      const o = b.objects.get(key)!;
      contents += el('Contents', t('Key', enc(key)) + t('LastModified', isoDate(o.lastModified)) + t('ETag', o.etag) +
        t('ChecksumAlgorithm', o.checksum.algorithm) + t('ChecksumType', o.checksum.type) + t('Size', o.size) + t('StorageClass', o.storageClass) +
        (fetchOwner ? ownerXml(ctx) : '') + (withRestore ? restoreStatusXml(o) : ''));
      last = { k: key };
    }
    count++;
  }
  const next = truncated && last ? Buffer.from(JSON.stringify(last)).toString('base64url') : undefined;
  sendXml(call.res, 200, xmlDoc('ListBucketResult',
    t('Name', b.record.name) + t('Prefix', enc(prefix)) + (delimiter ? t('Delimiter', enc(delimiter)) : '') + t('MaxKeys', maxKeys) +
    t('KeyCount', count) + t('IsTruncated', truncated) + (encoding ? t('EncodingType', encoding) : '') +
    (token !== null ? t('ContinuationToken', token) : '') + (startAfter ? t('StartAfter', enc(startAfter)) : '') +
    t('NextContinuationToken', next) + contents + prefixes));
}
