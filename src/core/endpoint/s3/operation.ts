import type { IncomingMessage } from 'node:http';

/**
 * Which S3 operation a request is, from its method, path and query alone (before its body is read),
 * named as in the S3 API. Routing uses it, and so does fault injection to target one operation.
 */
export interface S3Target {
  operation: string;
  bucket: string;
  key: string;
}

/** Sub-resources of S3 the local endpoint does not implement: refused by name rather than misread. */
const UNSUPPORTED = [
  'acl', 'tagging', 'versioning', 'policy', 'policyStatus', 'cors', 'lifecycle', 'website', 'encryption', 'replication', 'logging',
  'object-lock', 'retention', 'legal-hold', 'torrent', 'select', 'attributes', 'accelerate', 'requestPayment', 'inventory',
  'analytics', 'metrics', 'intelligent-tiering', 'ownershipControls', 'publicAccessBlock', 'versions', 'renameObject', 'metadataTable',
];

/** Bucket from a virtual-hosted name (`bucket.localhost:port`), else from the first path segment. */
export function s3Target(req: IncomingMessage, url: URL): S3Target {
  const host = String(req.headers.host ?? '').replace(/:\d+$/, '');
  const vhost = /^(.+)\.localhost$/.exec(host);
  let bucket: string;
  let key: string;
  const raw = url.pathname;
  if (vhost) {
    bucket = vhost[1];
    key = decodeURIComponent(raw.slice(1));
  } else {
    const slash = raw.indexOf('/', 1);
    bucket = decodeURIComponent(slash < 0 ? raw.slice(1) : raw.slice(1, slash));
    key = slash < 0 ? '' : decodeURIComponent(raw.slice(slash + 1));
  }
  const q = url.searchParams;
  const m = req.method ?? 'GET';
  const has = (k: string): boolean => q.has(k);
  const copy = req.headers['x-amz-copy-source'] !== undefined;
  const unsupported = UNSUPPORTED.find(has);
  let operation: string;
  if (unsupported) operation = `Unsupported:${unsupported}`;
  else if (!bucket) operation = m === 'GET' ? 'ListBuckets' : 'Unsupported';
  else if (!key) {
    switch (m) {
      case 'PUT': operation = has('notification') ? 'PutBucketNotificationConfiguration' : 'CreateBucket'; break;
      case 'HEAD': operation = 'HeadBucket'; break;
      case 'DELETE': operation = 'DeleteBucket'; break;
      case 'POST': operation = has('delete') ? 'DeleteObjects' : 'Unsupported'; break;
      case 'GET':
        operation = has('location') ? 'GetBucketLocation'
          : has('notification') ? 'GetBucketNotificationConfiguration'
          : has('uploads') ? 'ListMultipartUploads'
          : q.get('list-type') === '2' ? 'ListObjectsV2'
          : 'ListObjects';
        break;
      default: operation = 'Unsupported';
    }
  } else {
    switch (m) {
      case 'PUT':
        operation = has('uploadId') || has('partNumber') ? (copy ? 'UploadPartCopy' : 'UploadPart') : copy ? 'CopyObject' : 'PutObject';
        break;
      case 'GET': operation = has('uploadId') ? 'ListParts' : 'GetObject'; break;
      case 'HEAD': operation = 'HeadObject'; break;
      case 'DELETE': operation = has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject'; break;
      case 'POST':
        operation = has('uploads') ? 'CreateMultipartUpload' : has('uploadId') ? 'CompleteMultipartUpload' : has('restore') ? 'RestoreObject' : 'Unsupported';
        break;
      default: operation = 'Unsupported';
    }
  }
  return { operation, bucket, key };
}
