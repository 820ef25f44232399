import { createHash } from 'node:crypto';
import { ChecksumHasher, badDigest } from './checksums';
import type { BodyPlan } from './receiveBody';
import { s3Error } from './s3Error';

/**
 * Verifies a small XML body read whole (DeleteObjects, CompleteMultipartUpload, configurations) against
 * the Content-MD5 / x-amz-checksum-* / x-amz-content-sha256 the client sent. aws-chunked is not expected
 * for these bodies.
 */
export function verifySmallBody(raw: Buffer, plan: BodyPlan): void {
  if (plan.chunked) throw s3Error(400, 'InvalidRequest', 'aws-chunked bodies are only accepted for object and part uploads.');
  if (plan.contentMd5 && createHash('md5').update(raw).digest('base64') !== plan.contentMd5) {
    throw s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
  }
  if (plan.contentSha256 && createHash('sha256').update(raw).digest('hex') !== plan.contentSha256) {
    throw s3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const c = plan.checksum;
  if (c?.value) {
    const h = new ChecksumHasher(c.algorithm);
    h.update(raw);
    if (h.digest().toString('base64') !== c.value) throw badDigest(c.algorithm);
  }
}
