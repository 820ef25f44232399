import type { IncomingMessage } from 'node:http';
import { header } from '../glacier/headers';
import type { ObjectRecord } from './model';
import { noSuchKey, s3Error } from './s3Error';

const failed = (condition: string): Error => s3Error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', { Condition: condition });
const etagList = (v: string): string[] => v.split(',').map((s) => s.trim()).map((s) => (s.startsWith('"') ? s : `"${s}"`));
const matches = (v: string, etag: string): boolean => v.trim() === '*' || etagList(v).includes(etag);

/** GET/HEAD conditions: 412 for If-Match / If-Unmodified-Since, "not modified" (304) for the others. */
export function checkReadConditions(req: IncomingMessage, o: ObjectRecord): 'not-modified' | undefined {
  const ifMatch = header(req, 'if-match');
  const ifNoneMatch = header(req, 'if-none-match');
  const ifUnmodified = header(req, 'if-unmodified-since');
  const ifModified = header(req, 'if-modified-since');
  const seconds = Math.floor(o.lastModified / 1000) * 1000;
  if (ifMatch !== undefined && !matches(ifMatch, o.etag)) throw failed('If-Match');
  if (ifMatch === undefined && ifUnmodified !== undefined && !Number.isNaN(Date.parse(ifUnmodified)) && seconds > Date.parse(ifUnmodified)) throw failed('If-Unmodified-Since');
  if (ifNoneMatch !== undefined && matches(ifNoneMatch, o.etag)) return 'not-modified';
  if (ifNoneMatch === undefined && ifModified !== undefined && !Number.isNaN(Date.parse(ifModified)) && seconds <= Date.parse(ifModified)) return 'not-modified';
  return undefined;
}

/** Conditional writes (PutObject, CompleteMultipartUpload): `If-None-Match: *` and `If-Match: <etag>`. */
export function checkWriteConditions(req: IncomingMessage, existing: ObjectRecord | undefined, key: string): void {
  const ifNoneMatch = header(req, 'if-none-match');
  const ifMatch = header(req, 'if-match');
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() !== '*') throw s3Error(501, 'NotImplemented', 'If-None-Match on a write only takes "*".', { Header: 'If-None-Match' });
    if (existing) throw failed('If-None-Match');
  }
  if (ifMatch !== undefined) {
    if (!existing) throw noSuchKey(key);
    if (!matches(ifMatch, existing.etag)) throw failed('If-Match');
  }
}
