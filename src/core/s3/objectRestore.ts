import { HeadObjectCommand, ListObjectsV2Command, RestoreObjectCommand, type _Object } from '@aws-sdk/client-s3';
import { FreezerError } from '../errors';
import type { S3Clients } from './clients';
import { errName, httpStatus, isNotFound, mapS3Error } from './s3Errors';
import type { RestoreTier } from './storageClass';

/** A restored copy as `x-amz-restore` says: `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`. */
export interface RestoreHeader {
  ongoing: boolean;
  expiry?: string;
}

export function parseRestoreHeader(h: string | undefined): RestoreHeader | undefined {
  if (!h) return undefined;
  const ongoing = /ongoing-request\s*=\s*"?true"?/i.test(h);
  const m = /expiry-date\s*=\s*"([^"]+)"/i.exec(h);
  const t = m ? Date.parse(m[1]) : NaN;
  return { ongoing, ...(Number.isNaN(t) ? {} : { expiry: new Date(t).toISOString() }) };
}

export type RestoreAnswer = 'requested' | 'in-progress' | 'restored' | 'readable';

/**
 * RestoreObject for one object: 202 requested, 200 already restored (this extends the copy's days),
 * 409 RestoreAlreadyInProgress, 403 InvalidObjectState for objects readable at once (GLACIER_IR).
 * 503 GlacierExpeditedRetrievalNotAvailable becomes `ExpeditedUnavailable`: offer Standard.
 */
export async function restoreObject(c: S3Clients, bucket: string, key: string, tier: RestoreTier, days: number, signal?: AbortSignal): Promise<RestoreAnswer> {
  try {
    const out = await c.s3.send(new RestoreObjectCommand({ Bucket: bucket, Key: key, RestoreRequest: { Days: days, GlacierJobParameters: { Tier: tier } } }), { abortSignal: signal });
    return out.$metadata.httpStatusCode === 200 ? 'restored' : 'requested';
  } catch (e) {
    const name = errName(e);
    if (name === 'RestoreAlreadyInProgress' || httpStatus(e) === 409) return 'in-progress';
    if (name === 'GlacierExpeditedRetrievalNotAvailable') {
      throw new FreezerError('ExpeditedUnavailable', 'S3 has no Expedited capacity right now (503 GlacierExpeditedRetrievalNotAvailable). Request the restore with the Standard tier instead.', { cause: e });
    }
    if (name === 'InvalidObjectState') return 'readable';
    throw mapS3Error(e, { bucket, key });
  }
}

export interface ObjectState {
  exists: boolean;
  storageClass: string;
  size?: number;
  restore?: RestoreHeader;
}

export async function headRestoreState(c: S3Clients, bucket: string, key: string, signal?: AbortSignal): Promise<ObjectState> {
  try {
    const h = await c.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return { exists: true, storageClass: h.StorageClass ?? 'STANDARD', size: h.ContentLength, restore: parseRestoreHeader(h.Restore) };
  } catch (e) {
    if (isNotFound(e)) return { exists: false, storageClass: '' };
    throw mapS3Error(e, { bucket, key });
  }
}

/**
 * The restore state of every object under `prefix` in one paged listing (ListObjectsV2 with
 * OptionalObjectAttributes=RestoreStatus). Servers that leave RestoreStatus out give `restore: undefined`
 * for archived objects; the caller HEADs those.
 */
export async function listRestoreStates(c: S3Clients, bucket: string, prefix: string, signal?: AbortSignal): Promise<Map<string, ObjectState & { listed: boolean }>> {
  const out = new Map<string, ObjectState & { listed: boolean }>();
  let token: string | undefined;
  try {
    do {
      const page = await c.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token, OptionalObjectAttributes: ['RestoreStatus'] }), { abortSignal: signal });
      for (const o of page.Contents ?? []) out.set(o.Key ?? '', toState(o));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  } catch (e) {
    throw mapS3Error(e, { bucket });
  }
  return out;
}

function toState(o: _Object): ObjectState & { listed: boolean } {
  const rs = o.RestoreStatus;
  const restore = rs ? { ongoing: rs.IsRestoreInProgress === true, ...(rs.RestoreExpiryDate ? { expiry: new Date(rs.RestoreExpiryDate).toISOString() } : {}) } : undefined;
  return { exists: true, storageClass: o.StorageClass ?? 'STANDARD', size: o.Size, restore, listed: rs !== undefined };
}
