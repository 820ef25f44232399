import { FreezerError } from '../errors';

type AwsErr = { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };

export const errName = (e: unknown): string => (e as AwsErr)?.name ?? (e as AwsErr)?.Code ?? '';
export const httpStatus = (e: unknown): number | undefined => (e as AwsErr)?.$metadata?.httpStatusCode;
export const isNotFound = (e: unknown): boolean => ['NoSuchKey', 'NotFound', 'NoSuchUpload'].includes(errName(e)) || httpStatus(e) === 404;

/**
 * What an S3 error means for the user, as a FreezerError with a code and an action; other errors
 * (throttling, 5xx, network) are returned as they are for the retry logic.
 */
export function mapS3Error(e: unknown, what: { bucket: string; key?: string }): unknown {
  if (FreezerError.is(e)) return e;
  const name = errName(e);
  const status = httpStatus(e);
  const where = what.key ? `s3://${what.bucket}/${what.key}` : `bucket "${what.bucket}"`;
  if (name === 'NoSuchBucket' || (status === 404 && !what.key)) {
    return new FreezerError('BucketNotFound', `S3 bucket "${what.bucket}" does not exist in this region for these credentials; create it (Create Bucket) or check its name and region.`, { cause: e });
  }
  if (name === 'AccessDenied' || name === 'Forbidden' || name === 'AllBucketsDisabled' || (status === 403 && name !== 'InvalidObjectState')) {
    return new FreezerError('BucketForbidden', `S3 refused access to ${where} (403): the bucket belongs to another account, or these credentials lack the permissions in README's IAM policy.`, { cause: e });
  }
  if (name === 'InvalidObjectState') {
    return new FreezerError('NotRestored', `${where} is in an archive storage class and not restored (or its restored copy expired); restore it first.`, { cause: e });
  }
  if (name === 'NoSuchKey' || (status === 404 && what.key)) {
    return new FreezerError('ObjectMissing', `${where} is gone: it was deleted outside Freezer. The catalogue still lists it; run a store refresh to reconcile.`, { cause: e });
  }
  if (name === 'InvalidBucketName') {
    return new FreezerError('InvalidBucketName', `S3 refuses the bucket name "${what.bucket}".`, { cause: e });
  }
  return e;
}
