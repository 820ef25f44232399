import { createHash, type Hash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { Crc, crcBytes, crcCombine, crcFromBytes, type CrcName } from '../../hash/crc';
import { header } from '../glacier/headers';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, type ChecksumType } from './model';
import { invalidRequest, s3Error } from './s3Error';

/** S3's additional checksums: the request headers that carry them and how they are computed and joined. */

export const checksumHeader = (a: ChecksumAlgorithm): string => `x-amz-checksum-${a.toLowerCase()}`;
const DIGEST_BYTES: Record<ChecksumAlgorithm, number> = { CRC32: 4, CRC32C: 4, CRC64NVME: 8, SHA1: 20, SHA256: 32 };
const isCrc = (a: ChecksumAlgorithm): a is CrcName => a === 'CRC32' || a === 'CRC32C' || a === 'CRC64NVME';

export function parseAlgorithm(v: string | undefined, name: string): ChecksumAlgorithm | undefined {
  if (v === undefined || v === '') return undefined;
  const a = v.toUpperCase() as ChecksumAlgorithm;
  if (!CHECKSUM_ALGORITHMS.includes(a)) throw s3Error(400, 'InvalidRequest', `Value for ${name} header is invalid: ${v}.`);
  return a;
}

/** One running digest of an algorithm. */
export class ChecksumHasher {
  private readonly crc?: Crc;
  private readonly hash?: Hash;
  constructor(readonly algorithm: ChecksumAlgorithm) {
    if (isCrc(algorithm)) this.crc = new Crc(algorithm);
    else this.hash = createHash(algorithm === 'SHA1' ? 'sha1' : 'sha256');
  }
  update(b: Buffer): void {
    if (this.crc) this.crc.update(b);
    else this.hash!.update(b);
  }
  digest(): Buffer {
    return this.crc ? this.crc.digest() : this.hash!.digest();
  }
}

/** What a request says about its checksum: the algorithm, and the value from a header or (later) a trailer. */
export interface RequestChecksum {
  algorithm: ChecksumAlgorithm;
  /** Base64 value from the header; undefined when it comes in the aws-chunked trailer. */
  value?: string;
  inTrailer: boolean;
}

export function checkChecksumValue(a: ChecksumAlgorithm, value: string): void {
  const ok = /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, 'base64').length === DIGEST_BYTES[a];
  if (!ok) throw invalidRequest(`Value for ${checksumHeader(a)} header is invalid.`);
}

/** Reads the x-amz-checksum-*, x-amz-sdk-checksum-algorithm and x-amz-trailer headers of an upload. */
export function requestChecksum(req: IncomingMessage): RequestChecksum | undefined {
  const given = CHECKSUM_ALGORITHMS.filter((a) => header(req, checksumHeader(a)) !== undefined);
  const trailer = header(req, 'x-amz-trailer')?.trim().toLowerCase();
  const sdk = parseAlgorithm(header(req, 'x-amz-sdk-checksum-algorithm'), 'x-amz-sdk-checksum-algorithm');
  if (given.length > 1) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  let trailerAlgo: ChecksumAlgorithm | undefined;
  if (trailer) {
    trailerAlgo = CHECKSUM_ALGORITHMS.find((a) => checksumHeader(a) === trailer);
    if (!trailerAlgo) throw invalidRequest(`The value specified in the x-amz-trailer header is not supported: ${trailer}.`);
    if (given.length) throw invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  const algorithm = given[0] ?? trailerAlgo;
  if (!algorithm) {
    if (sdk) throw invalidRequest('x-amz-sdk-checksum-algorithm specified, but no corresponding x-amz-checksum-* or x-amz-trailer headers were found.');
    return undefined;
  }
  if (sdk && sdk !== algorithm) {
    throw invalidRequest(`Value for x-amz-sdk-checksum-algorithm header is invalid: it names ${sdk} but the checksum sent is ${algorithm}.`);
  }
  const value = given.length ? header(req, checksumHeader(algorithm))! : undefined;
  if (value !== undefined) checkChecksumValue(algorithm, value);
  return { algorithm, value, inTrailer: !given.length };
}

export const badDigest = (a: ChecksumAlgorithm): Error =>
  s3Error(400, 'BadDigest', `The ${a} you specified did not match the calculated checksum.`);

/** Which checksum types an algorithm allows for multipart uploads, the first being the default. */
export function allowedTypes(a: ChecksumAlgorithm): ChecksumType[] {
  if (a === 'CRC64NVME') return ['FULL_OBJECT'];
  if (a === 'SHA1' || a === 'SHA256') return ['COMPOSITE'];
  return ['COMPOSITE', 'FULL_OBJECT'];
}

/** COMPOSITE: the algorithm over the concatenated part digests, with `-<parts>`. */
export function compositeChecksum(a: ChecksumAlgorithm, partValues: string[]): string {
  const h = new ChecksumHasher(a);
  for (const v of partValues) h.update(Buffer.from(v, 'base64'));
  return `${h.digest().toString('base64')}-${partValues.length}`;
}

/** FULL_OBJECT of a CRC: the parts' CRCs combined, as if the whole object had been read in one go. */
export function fullObjectCrc(a: CrcName, parts: { value: bigint; size: number }[]): string {
  let crc = 0n;
  for (const p of parts) crc = crcCombine(a, crc, p.value, p.size);
  return crcBytes(a, crc).toString('base64');
}

export const crcOfBase64 = (a: CrcName, v: string): bigint => crcFromBytes(a, Buffer.from(v, 'base64'));
export { isCrc };
