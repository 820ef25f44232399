import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Crc } from '../../hash/crc';
import { header } from '../glacier/headers';
import { syncDir } from '../storage';
import { AwsChunkedDecoder } from './awsChunked';
import { ChecksumHasher, badDigest, checkChecksumValue, checksumHeader, requestChecksum } from './checksums';
import type { ChecksumAlgorithm } from './model';
import { invalidArgument, s3Error } from './s3Error';

export const MAX_UPLOAD = 5 * 1024 ** 3;

/** What an upload request says about its body, read from the headers before any byte of it. */
export interface BodyPlan {
  /** Length of the object bytes (the decoded length of an aws-chunked body). */
  length: number;
  chunked: boolean;
  signedChunks: boolean;
  contentMd5?: string;
  /** Hex SHA-256 the client signed, when it signed the payload. */
  contentSha256?: string;
  checksum?: ReturnType<typeof requestChecksum>;
  /** The Content-Encoding to store: what the client sent without `aws-chunked`. */
  contentEncoding?: string;
}

export function planBody(req: IncomingMessage): BodyPlan {
  const sha = header(req, 'x-amz-content-sha256');
  const encodings = (header(req, 'content-encoding') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  const chunked = encodings.includes('aws-chunked') || !!sha?.startsWith('STREAMING-');
  if (sha && !/^[0-9a-f]{64}$/i.test(sha) && !['UNSIGNED-PAYLOAD', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER'].includes(sha)) {
    throw invalidArgument(`x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a hex SHA-256 (got "${sha.slice(0, 80)}").`, 'x-amz-content-sha256', sha);
  }
  const lengthHeader = chunked ? 'x-amz-decoded-content-length' : 'content-length';
  const lengthText = header(req, lengthHeader);
  if (lengthText === undefined) {
    throw s3Error(411, 'MissingContentLength', chunked ? 'An aws-chunked upload needs x-amz-decoded-content-length.' : 'You must provide the Content-Length HTTP header.');
  }
  if (!/^\d+$/.test(lengthText)) throw invalidArgument(`Invalid ${lengthHeader} "${lengthText}".`, lengthHeader, lengthText);
  const length = Number(lengthText);
  const md5 = header(req, 'content-md5');
  if (md5 !== undefined && (!/^[A-Za-z0-9+/]{22}==$/.test(md5))) throw s3Error(400, 'InvalidDigest', 'The Content-MD5 you specified was invalid.');
  const checksum = requestChecksum(req);
  if (checksum?.inTrailer && !chunked) throw s3Error(400, 'InvalidRequest', 'x-amz-trailer needs an aws-chunked body (Content-Encoding: aws-chunked).');
  const rest = encodings.filter((e) => e !== 'aws-chunked');
  return {
    length, chunked, signedChunks: !!sha?.startsWith('STREAMING-AWS4-HMAC'), contentMd5: md5,
    contentSha256: sha && /^[0-9a-f]{64}$/i.test(sha) ? sha.toLowerCase() : undefined,
    checksum, contentEncoding: rest.length ? rest.join(',') : undefined,
  };
}

export interface ReceivedBody {
  size: number;
  md5: string;
  crc64: bigint;
  /** Base64 digest per algorithm computed (the request's, the upload's). */
  digests: Map<ChecksumAlgorithm, string>;
}

/**
 * Streams a request body to `file`, hashing on the way (MD5 for the ETag, CRC64NVME for the default
 * checksum, the request's and `also` algorithms). Every digest the client sent is verified before the
 * file is put in place; on any mismatch nothing is kept.
 */
export async function receiveBody(req: IncomingMessage, plan: BodyPlan, file: string, also: ChecksumAlgorithm[] = []): Promise<ReceivedBody> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  const md5 = createHash('md5');
  const crc64 = new Crc('CRC64NVME');
  const sha = plan.contentSha256 && !plan.chunked ? createHash('sha256') : undefined;
  const algos = new Set<ChecksumAlgorithm>(also);
  if (plan.checksum) algos.add(plan.checksum.algorithm);
  algos.delete('CRC64NVME');
  const hashers = [...algos].map((a) => new ChecksumHasher(a));
  let size = 0;
  const hashing = new Transform({
    transform(chunk: Buffer, _e, cb) {
      size += chunk.length;
      if (size > plan.length) return cb(s3Error(400, 'IncompleteBody', `The body is longer than the ${plan.length} bytes its length header announced.`));
      md5.update(chunk);
      crc64.update(chunk);
      sha?.update(chunk);
      for (const h of hashers) h.update(chunk);
      cb(null, chunk);
    },
  });
  const decoder = plan.chunked ? new AwsChunkedDecoder(plan.signedChunks) : undefined;
  const out = fs.createWriteStream(tmp);
  // The request is piped, not pipelined: a bad body must not destroy the socket the error answer goes out on.
  const first: Transform = decoder ?? hashing;
  const onReqError = (e: Error): void => { first.destroy(e); };
  req.on('error', onReqError);
  req.on('aborted', () => first.destroy(s3Error(400, 'IncompleteBody', 'The connection closed before the whole body was received.')));
  req.pipe(first);
  try {
    if (decoder) await pipeline(decoder, hashing, out);
    else await pipeline(hashing, out);
    if (size !== plan.length) throw s3Error(400, 'IncompleteBody', `You did not provide the number of bytes specified by the length header (${size} of ${plan.length}).`);
    const md5b64 = md5.digest('base64');
    if (plan.contentMd5 !== undefined && plan.contentMd5 !== md5b64) {
      throw s3Error(400, 'BadDigest', 'The Content-MD5 you specified did not match what we received.');
    }
    if (sha) {
      const got = sha.digest('hex');
      if (got !== plan.contentSha256) {
        throw s3Error(400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.",
          { ClientComputedContentSHA256: plan.contentSha256!, S3ComputedContentSHA256: got });
      }
    }
    const digests = new Map<ChecksumAlgorithm, string>();
    digests.set('CRC64NVME', crc64.digest().toString('base64'));
    for (const h of hashers) digests.set(h.algorithm, h.digest().toString('base64'));
    const c = plan.checksum;
    if (c) {
      let expected = c.value;
      if (c.inTrailer) {
        expected = decoder!.trailers.get(checksumHeader(c.algorithm));
        if (expected === undefined) throw s3Error(400, 'InvalidRequest', `The ${checksumHeader(c.algorithm)} trailer announced in x-amz-trailer was not sent.`);
        checkChecksumValue(c.algorithm, expected);
      }
      if (digests.get(c.algorithm) !== expected) throw badDigest(c.algorithm);
    }
    const fh = await fsp.open(tmp, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    await fsp.rename(tmp, file);
    await syncDir(path.dirname(file));
    return { size, md5: Buffer.from(md5b64, 'base64').toString('hex'), crc64: crc64.value, digests };
  } catch (e) {
    req.unpipe(first);
    req.resume();
    await fsp.rm(tmp, { force: true });
    throw e;
  } finally {
    req.off('error', onReqError);
  }
}
