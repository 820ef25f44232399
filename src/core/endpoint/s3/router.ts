import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError } from '../awsError';
import { parseAuthorization } from '../sigv4';
import { createBucket, deleteBucket, getBucketLocation, headBucket, listBuckets } from './bucketOps';
import type { S3Call, S3Context } from './context';
import { copyObject } from './copyObject';
import { listObjectsV2 } from './listObjects';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listMultipartUploads, listParts, uploadPart } from './multipartOps';
import { getBucketNotification, putBucketNotification } from './notificationOps';
import { deleteObject, deleteObjects, getObjectOp, headObject, putObject } from './objectOps';
import type { S3Target } from './operation';
import { restoreObject } from './restoreOps';
import { s3Error } from './s3Error';

/** The service a SigV4-signed request names in its credential scope (header or presigned query). */
export function signedService(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(auth) : null;
  if (m) return m[1];
  const cred = url.searchParams.get('X-Amz-Credential');
  return cred?.split('/')[3];
}

/** S3 needs a SigV4 Authorization header or a presigned URL; any credentials are accepted. */
function checkAuth(req: IncomingMessage, url: URL): void {
  const q = url.searchParams;
  if (q.has('X-Amz-Signature')) {
    if (q.get('X-Amz-Algorithm') !== 'AWS4-HMAC-SHA256' || !q.get('X-Amz-Credential') || !q.get('X-Amz-SignedHeaders')) {
      throw s3Error(400, 'AuthorizationQueryParametersError', 'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.');
    }
    return;
  }
  const auth = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
  if (!auth) throw s3Error(403, 'AccessDenied', 'Anonymous access is not allowed by the local endpoint: sign requests with SigV4 (any credentials work).');
  try {
    parseAuthorization(auth);
  } catch (e) {
    throw s3Error(400, 'AuthorizationHeaderMalformed', `The authorization header is malformed: ${(e as Error).message}`);
  }
  if (req.headers['x-amz-content-sha256'] === undefined) throw s3Error(400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
}

export async function handleS3(ctx: S3Context, req: IncomingMessage, res: ServerResponse, url: URL, target: S3Target): Promise<void> {
  checkAuth(req, url);
  const call: S3Call = { req, res, url, bucket: target.bucket, key: target.key, query: url.searchParams };
  switch (target.operation) {
    case 'ListBuckets': return listBuckets(ctx, call);
    case 'CreateBucket': return createBucket(ctx, call);
    case 'HeadBucket': return headBucket(ctx, call);
    case 'DeleteBucket': return deleteBucket(ctx, call);
    case 'GetBucketLocation': return getBucketLocation(ctx, call);
    case 'ListObjectsV2': return listObjectsV2(ctx, call);
    case 'PutBucketNotificationConfiguration': return putBucketNotification(ctx, call);
    case 'GetBucketNotificationConfiguration': return getBucketNotification(ctx, call);
    case 'ListMultipartUploads': return listMultipartUploads(ctx, call);
    case 'DeleteObjects': return deleteObjects(ctx, call);
    case 'PutObject': return putObject(ctx, call);
    case 'CopyObject': return copyObject(ctx, call);
    case 'GetObject': return getObjectOp(ctx, call);
    case 'HeadObject': return headObject(ctx, call);
    case 'DeleteObject': return deleteObject(ctx, call);
    case 'CreateMultipartUpload': return createMultipartUpload(ctx, call);
    case 'UploadPart': return uploadPart(ctx, call);
    case 'CompleteMultipartUpload': return completeMultipartUpload(ctx, call);
    case 'AbortMultipartUpload': return abortMultipartUpload(ctx, call);
    case 'ListParts': return listParts(ctx, call);
    case 'RestoreObject': return restoreObject(ctx, call);
    default: {
      const what = target.operation.startsWith('Unsupported:') ? `the ?${target.operation.slice(12)} sub-resource` : `${req.method} ${url.pathname}`;
      const op = target.operation.startsWith('Unsupported') ? what : target.operation;
      throw s3Error(501, 'NotImplemented', `${op} is not implemented by the local endpoint.`) as AwsError;
    }
  }
}
