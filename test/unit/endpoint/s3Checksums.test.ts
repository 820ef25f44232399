import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import zlib from 'node:zlib';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadObjectCommand,
  PutObjectCommand, S3Client, UploadPartCommand, type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';
import { localClientConfig, withLocalEndpoint } from '../../support/localEndpoint';
import { MIB, bytes, readAll, rejectsWith, withHeader } from './helpers';
import { awsChunked, errorCode, rawS3 } from './s3RawRequest';

const crc32b64 = (b: Buffer): string => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(zlib.crc32(b) >>> 0);
  return out.toString('base64');
};
const sha256b64 = (b: Buffer): string => createHash('sha256').update(b).digest('base64');

describe('local endpoint S3 checksums', () => {
  const ep = withLocalEndpoint({ maxAttempts: 1 });
  const B = 'checksums';
  const head = (Key: string) => ep.s3.send(new HeadObjectCommand({ Bucket: B, Key, ChecksumMode: 'ENABLED' }));

  it('verifies and keeps the checksum the SDK sends by default, as a header and in an aws-chunked trailer', async () => {
    await ep.s3.send(new CreateBucketCommand({ Bucket: B }));
    const data = bytes(200_000, 1);
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'buffer', Body: data }));
    assert.equal((await head('buffer')).ChecksumCRC32, crc32b64(data));
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'stream', Body: Readable.from([data.subarray(0, 70_000), data.subarray(70_000)]), ContentLength: data.length }));
    const h = await head('stream');
    assert.equal(h.ChecksumCRC32, crc32b64(data));
    assert.equal(h.ChecksumType, 'FULL_OBJECT');
    // The SDK validates the checksum the endpoint returns on GET against the bytes it reads.
    const got = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'stream', ChecksumMode: 'ENABLED' }));
    assert.ok((await readAll(got.Body)).equals(data));
    assert.equal(got.ChecksumCRC32, crc32b64(data));
  });

  it('every algorithm round-trips and is validated by the SDK on GET; a ranged GET carries none', async () => {
    const data = bytes(1_000_003, 2);
    for (const algo of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as ChecksumAlgorithm[]) {
      await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: algo, Body: Readable.from([data]), ContentLength: data.length, ChecksumAlgorithm: algo }));
      const h = await head(algo);
      const field = `Checksum${algo}` as keyof typeof h;
      assert.ok(h[field], `${algo} returned on HEAD`);
      if (algo === 'SHA256') assert.equal(h.ChecksumSHA256, sha256b64(data));
      const got = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: algo, ChecksumMode: 'ENABLED' }));
      assert.ok((await readAll(got.Body)).equals(data), `${algo} body`);
      const ranged = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: algo, ChecksumMode: 'ENABLED', Range: 'bytes=0-9' }));
      assert.equal((ranged as unknown as Record<string, unknown>)[field as string], undefined);
      await readAll(ranged.Body);
    }
  });

  it('an object uploaded without a checksum gets CRC64NVME (as S3 does), validated by the SDK on GET', async () => {
    const plain = new S3Client({ ...localClientConfig(ep.url), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED' });
    try {
      const data = bytes(77_777, 3);
      await plain.send(new PutObjectCommand({ Bucket: B, Key: 'plain', Body: data }));
      const h = await head('plain');
      assert.ok(h.ChecksumCRC64NVME);
      assert.equal(h.ChecksumCRC32, undefined);
      const got = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'plain', ChecksumMode: 'ENABLED' }));
      assert.ok((await readAll(got.Body)).equals(data));
    } finally {
      plain.destroy();
    }
  });

  it('a wrong checksum, Content-MD5 or payload SHA-256 is refused and nothing is stored', async () => {
    const data = Buffer.from('the real bytes');
    await rejectsWith(ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'bad1', Body: data, ChecksumCRC32: crc32b64(Buffer.from('other')) })), 'BadDigest', 400);
    await rejectsWith(ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'bad2', Body: data, ChecksumSHA256: sha256b64(Buffer.from('other')) })), 'BadDigest', 400);
    await rejectsWith(ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'bad3', Body: data, ContentMD5: createHash('md5').update('other').digest('base64') })), 'BadDigest', 400);
    const shaCmd = withHeader(new PutObjectCommand({ Bucket: B, Key: 'bad4', Body: data }), 'x-amz-content-sha256', createHash('sha256').update('other').digest('hex'));
    await rejectsWith(ep.s3.send(shaCmd), 'XAmzContentSHA256Mismatch', 400);
    for (const k of ['bad1', 'bad2', 'bad3', 'bad4']) await rejectsWith(ep.s3.send(new HeadObjectCommand({ Bucket: B, Key: k })), 'NotFound', 404);
  });

  it('hand-built aws-chunked bodies: unsigned trailer, signed chunks, wrong trailer, cut body, malformed chunk', async () => {
    const data = bytes(300_000, 4);
    const put = (key: string, body: Buffer, extra: Record<string, string> = {}, sha = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER') => rawS3(ep.url, 'PUT', `/${B}/${key}`, {
      'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-content-sha256': sha,
      'x-amz-trailer': 'x-amz-checksum-crc32', 'content-length': String(body.length), ...extra,
    }, body);
    const good = await put('chunked', awsChunked(data, 65_536, { 'x-amz-checksum-crc32': crc32b64(data) }));
    assert.equal(good.status, 200, good.body);
    assert.equal(good.headers['x-amz-checksum-crc32'], crc32b64(data));
    const signed = await put('signed', awsChunked(data, 100_000, { 'x-amz-checksum-crc32': crc32b64(data) }, true), {}, 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER');
    assert.equal(signed.status, 200, signed.body);
    const signedNoTrailer = awsChunked(data, 100_000, {}, true);
    const s2 = await rawS3(ep.url, 'PUT', `/${B}/signed2`, {
      'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'content-length': String(signedNoTrailer.length),
    }, signedNoTrailer);
    assert.equal(s2.status, 200, s2.body);
    for (const k of ['chunked', 'signed', 'signed2']) {
      const got = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: k }));
      assert.ok((await readAll(got.Body)).equals(data), k);
    }
    const wrong = await put('wrong', awsChunked(data, 65_536, { 'x-amz-checksum-crc32': crc32b64(Buffer.from('x')) }));
    assert.equal(wrong.status, 400);
    assert.equal(errorCode(wrong.body), 'BadDigest');
    const full = awsChunked(data, 65_536, { 'x-amz-checksum-crc32': crc32b64(data) });
    const cut = await put('cut', full.subarray(0, full.length - 40), { 'content-length': String(full.length - 40) });
    assert.equal(cut.status, 400);
    assert.equal(errorCode(cut.body), 'IncompleteBody');
    const bad = Buffer.concat([Buffer.from('zz\r\n'), full]);
    const malformed = await put('malformed', bad, { 'content-length': String(bad.length) });
    assert.equal(malformed.status, 400);
    assert.equal(errorCode(malformed.body), 'InvalidRequest');
    const noTrailer = await put('notrailer', awsChunked(data, 65_536, {}));
    assert.equal(noTrailer.status, 400);
    for (const k of ['wrong', 'cut', 'malformed', 'notrailer']) await rejectsWith(ep.s3.send(new HeadObjectCommand({ Bucket: B, Key: k })), 'NotFound', 404);
  });

  it('multipart: COMPOSITE and FULL_OBJECT checksums, each part verified; missing or mismatched part checksums refused', async () => {
    const parts = [bytes(5 * MIB, 11), bytes(2 * MIB + 5, 12)];
    const whole = Buffer.concat(parts);
    const upload = async (key: string, algo: ChecksumAlgorithm, type?: 'COMPOSITE' | 'FULL_OBJECT', omitChecksums = false) => {
      const { UploadId, ChecksumType } = await ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: key, ChecksumAlgorithm: algo, ChecksumType: type }));
      const done = [];
      for (const [i, p] of parts.entries()) {
        const r = await ep.s3.send(new UploadPartCommand({ Bucket: B, Key: key, UploadId, PartNumber: i + 1, Body: p, ChecksumAlgorithm: algo }));
        const field = `Checksum${algo}` as 'ChecksumCRC32';
        done.push({ PartNumber: i + 1, ETag: r.ETag, ...(omitChecksums ? {} : { [field]: r[field] }) });
      }
      const c = await ep.s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: key, UploadId, MultipartUpload: { Parts: done } }));
      return { c, ChecksumType };
    };
    const composite = await upload('composite', 'CRC32');
    assert.equal(composite.ChecksumType, 'COMPOSITE');
    const partCrcs = Buffer.concat(parts.map((p) => Buffer.from(crc32b64(p), 'base64')));
    assert.equal(composite.c.ChecksumCRC32, `${crc32b64(partCrcs)}-2`);
    assert.equal((await head('composite')).ChecksumType, 'COMPOSITE');
    // The SDK does not validate a composite value as a whole-object hash; the body still reads whole.
    assert.ok((await readAll((await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'composite', ChecksumMode: 'ENABLED' }))).Body)).equals(whole));
    const fullCrc = await upload('full', 'CRC32', 'FULL_OBJECT');
    assert.equal(fullCrc.c.ChecksumCRC32, crc32b64(whole));
    assert.equal((await head('full')).ChecksumType, 'FULL_OBJECT');
    const sha = await upload('sha', 'SHA256');
    const partShas = Buffer.concat(parts.map((p) => createHash('sha256').update(p).digest()));
    assert.equal(sha.c.ChecksumSHA256, `${sha256b64(partShas)}-2`);
    await upload('crc64', 'CRC64NVME');
    const got = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'crc64', ChecksumMode: 'ENABLED' }));
    assert.ok((await readAll(got.Body)).equals(whole), 'full-object CRC64NVME validated by the SDK');
    await rejectsWith(upload('missing', 'SHA256', undefined, true), 'InvalidRequest', 400);
    await rejectsWith(ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'x', ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' })), 'InvalidRequest', 400);
    await rejectsWith(ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'x', ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' })), 'InvalidRequest', 400);
    const { UploadId } = await ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'mismatch', ChecksumAlgorithm: 'SHA256' }));
    await rejectsWith(ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'mismatch', UploadId, PartNumber: 1, Body: parts[0], ChecksumAlgorithm: 'CRC32' })), 'InvalidRequest', 400);
    await rejectsWith(ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'mismatch', UploadId, PartNumber: 1, Body: parts[0], ChecksumSHA256: sha256b64(parts[1]) })), 'BadDigest', 400);
    const r1 = await ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'mismatch', UploadId, PartNumber: 1, Body: parts[1], ChecksumAlgorithm: 'SHA256' }));
    await rejectsWith(ep.s3.send(new CompleteMultipartUploadCommand({
      Bucket: B, Key: 'mismatch', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: r1.ETag, ChecksumSHA256: sha256b64(parts[0]) }] },
    })), 'InvalidPart', 400);
  });
});
