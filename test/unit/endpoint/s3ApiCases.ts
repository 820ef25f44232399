/**
 * S3 API behaviour that Freezer relies on, written once and run against the local endpoint (with the
 * SDK's default checksums and with WHEN_REQUIRED) and against moto_server, so the local endpoint is
 * held to what an independent implementation does. Cases moto cannot produce are marked `localOnly`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListBucketsCommand,
  ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, PutObjectCommand, RestoreObjectCommand, UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { MIB, bytes, readAll, rejectsWith } from './helpers';

export interface S3Peer {
  s3: S3Client;
  /** The local endpoint (strict cases) rather than moto. */
  local: boolean;
}

let counter = 0;
export const bucketName = (): string => `fz-${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
const md5 = (b: Buffer): string => `"${createHash('md5').update(b).digest('hex')}"`;

export function s3ApiCases(peer: () => S3Peer): void {
  const s3 = (): S3Client => peer().s3;
  const localIt = (name: string, fn: () => Promise<void>): void => {
    it(name, async (t) => {
      if (!peer().local) return t.skip('moto does not do this');
      await fn();
    });
  };
  const newBucket = async (): Promise<string> => {
    const b = bucketName();
    await s3().send(new CreateBucketCommand({ Bucket: b }));
    return b;
  };

  it('creates, heads, lists and deletes buckets; a non-empty one is refused, a missing one is 404', async () => {
    const b = await newBucket();
    assert.equal((await s3().send(new HeadBucketCommand({ Bucket: b }))).$metadata.httpStatusCode, 200);
    assert.ok((await s3().send(new ListBucketsCommand({}))).Buckets?.some((x) => x.Name === b));
    await s3().send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' }));
    await rejectsWith(s3().send(new DeleteBucketCommand({ Bucket: b })), 'BucketNotEmpty', 409);
    await s3().send(new DeleteObjectCommand({ Bucket: b, Key: 'k' }));
    await s3().send(new DeleteBucketCommand({ Bucket: b }));
    await rejectsWith(s3().send(new HeadBucketCommand({ Bucket: b })), 'NotFound', 404);
    await rejectsWith(s3().send(new PutObjectCommand({ Bucket: b, Key: 'k', Body: 'x' })), 'NoSuchBucket', 404);
  });

  localIt('refuses bucket names AWS refuses', async () => {
    for (const name of ['ab', 'Upper-Case', 'under_score', 'a..b', '-leading', '192.168.1.2', 'x'.repeat(64)]) {
      await rejectsWith(s3().send(new CreateBucketCommand({ Bucket: name })), 'InvalidBucketName', 400);
    }
  });

  it('puts, gets, heads and deletes objects with their metadata, ETag and size', async () => {
    const b = await newBucket();
    const body = bytes(300_000, 3);
    const put = await s3().send(new PutObjectCommand({
      Bucket: b, Key: 'dir/a file+name.bin', Body: body, ContentType: 'application/x-freezer', Metadata: { archive: 'a1', part: '7' },
    }));
    assert.equal(put.ETag, md5(body));
    const head = await s3().send(new HeadObjectCommand({ Bucket: b, Key: 'dir/a file+name.bin' }));
    assert.equal(head.ContentLength, body.length);
    assert.equal(head.ContentType, 'application/x-freezer');
    assert.deepEqual(head.Metadata, { archive: 'a1', part: '7' });
    assert.equal(head.ETag, md5(body));
    assert.equal(head.StorageClass, undefined, 'STANDARD is not announced, as on S3');
    const got = await s3().send(new GetObjectCommand({ Bucket: b, Key: 'dir/a file+name.bin' }));
    assert.ok((await readAll(got.Body)).equals(body));
    await s3().send(new DeleteObjectCommand({ Bucket: b, Key: 'dir/a file+name.bin' }));
    await rejectsWith(s3().send(new GetObjectCommand({ Bucket: b, Key: 'dir/a file+name.bin' })), 'NoSuchKey', 404);
    await rejectsWith(s3().send(new HeadObjectCommand({ Bucket: b, Key: 'dir/a file+name.bin' })), 'NotFound', 404);
    // Deleting a missing key succeeds on an unversioned bucket.
    assert.equal((await s3().send(new DeleteObjectCommand({ Bucket: b, Key: 'never' }))).$metadata.httpStatusCode, 204);
  });

  it('serves byte ranges (206 + Content-Range) and refuses one past the end (416)', async () => {
    const b = await newBucket();
    const body = bytes(10_000, 5);
    await s3().send(new PutObjectCommand({ Bucket: b, Key: 'r', Body: body }));
    const part = await s3().send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=100-199' }));
    assert.equal(part.$metadata.httpStatusCode, 206);
    assert.equal(part.ContentRange, 'bytes 100-199/10000');
    assert.ok((await readAll(part.Body)).equals(body.subarray(100, 200)));
    const tail = await s3().send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=-10' }));
    assert.ok((await readAll(tail.Body)).equals(body.subarray(9990)));
    const open = await s3().send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=9000-20000' }));
    assert.equal(open.ContentRange, 'bytes 9000-9999/10000');
    await rejectsWith(s3().send(new GetObjectCommand({ Bucket: b, Key: 'r', Range: 'bytes=10000-10005' })), 'InvalidRange', 416);
  });

  it('lists with prefix, delimiter and continuation tokens, in key order', async () => {
    const b = await newBucket();
    const keys = ['a/1', 'a/2', 'a/3', 'b/x/1', 'b/y', 'c', 'd 1', 'd+2'];
    for (const k of [...keys].reverse()) await s3().send(new PutObjectCommand({ Bucket: b, Key: k, Body: k }));
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = await s3().send(new ListObjectsV2Command({ Bucket: b, MaxKeys: 3, ContinuationToken: token }));
      seen.push(...(r.Contents ?? []).map((c) => c.Key!));
      assert.ok((r.KeyCount ?? 0) <= 3);
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
      pages++;
    } while (token);
    assert.deepEqual(seen, keys);
    assert.equal(pages, 3);
    const top = await s3().send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/' }));
    assert.deepEqual(top.CommonPrefixes?.map((p) => p.Prefix), ['a/', 'b/']);
    assert.deepEqual(top.Contents?.map((c) => c.Key), ['c', 'd 1', 'd+2']);
    const underB = await s3().send(new ListObjectsV2Command({ Bucket: b, Prefix: 'b/', Delimiter: '/' }));
    assert.deepEqual(underB.CommonPrefixes?.map((p) => p.Prefix), ['b/x/']);
    assert.deepEqual(underB.Contents?.map((c) => c.Key), ['b/y']);
    const after = await s3().send(new ListObjectsV2Command({ Bucket: b, StartAfter: 'b/y', Prefix: '' }));
    assert.deepEqual(after.Contents?.map((c) => c.Key), ['c', 'd 1', 'd+2']);
    // Paging through common prefixes counts each prefix once.
    const p1 = await s3().send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/', MaxKeys: 1 }));
    assert.deepEqual(p1.CommonPrefixes?.map((p) => p.Prefix), ['a/']);
    const p2 = await s3().send(new ListObjectsV2Command({ Bucket: b, Delimiter: '/', MaxKeys: 1, ContinuationToken: p1.NextContinuationToken }));
    assert.deepEqual(p2.CommonPrefixes?.map((p) => p.Prefix), ['b/']);
  });

  it('multipart: parts, ListParts, ListMultipartUploads, complete; the ETag is the MD5 of the part MD5s', async () => {
    const b = await newBucket();
    const parts = [bytes(5 * MIB, 1), bytes(5 * MIB, 2), bytes(1234, 3)];
    const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'mp', StorageClass: 'DEEP_ARCHIVE' }));
    assert.ok(UploadId);
    const etags: string[] = [];
    for (const [i, p] of parts.entries()) {
      etags.push((await s3().send(new UploadPartCommand({ Bucket: b, Key: 'mp', UploadId, PartNumber: i + 1, Body: p }))).ETag!);
    }
    const listed = await s3().send(new ListPartsCommand({ Bucket: b, Key: 'mp', UploadId }));
    assert.deepEqual(listed.Parts?.map((p) => [p.PartNumber, p.Size, p.ETag]), parts.map((p, i) => [i + 1, p.length, md5(p)]));
    const pagedParts = await s3().send(new ListPartsCommand({ Bucket: b, Key: 'mp', UploadId, MaxParts: 2 }));
    assert.equal(pagedParts.IsTruncated, true);
    assert.equal(String(pagedParts.NextPartNumberMarker), '2');
    const uploads = await s3().send(new ListMultipartUploadsCommand({ Bucket: b }));
    assert.deepEqual(uploads.Uploads?.map((u) => [u.Key, u.UploadId]), [['mp', UploadId]]);
    const done = await s3().send(new CompleteMultipartUploadCommand({
      Bucket: b, Key: 'mp', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
    }));
    const whole = createHash('md5');
    for (const p of parts) whole.update(createHash('md5').update(p).digest());
    assert.equal(done.ETag, `"${whole.digest('hex')}-3"`);
    const head = await s3().send(new HeadObjectCommand({ Bucket: b, Key: 'mp' }));
    assert.equal(head.ContentLength, 10 * MIB + 1234);
    assert.equal(head.StorageClass, 'DEEP_ARCHIVE');
    assert.equal((await s3().send(new ListMultipartUploadsCommand({ Bucket: b }))).Uploads?.length ?? 0, 0);
    await rejectsWith(s3().send(new ListPartsCommand({ Bucket: b, Key: 'mp', UploadId })), 'NoSuchUpload', 404);
  });

  it('multipart: EntityTooSmall, InvalidPart, InvalidPartOrder, NoSuchUpload after abort', async () => {
    const b = await newBucket();
    const { UploadId } = await s3().send(new CreateMultipartUploadCommand({ Bucket: b, Key: 'm' }));
    const up = async (n: number, size: number): Promise<string> =>
      (await s3().send(new UploadPartCommand({ Bucket: b, Key: 'm', UploadId, PartNumber: n, Body: bytes(size, n) }))).ETag!;
    const e1 = await up(1, 5 * MIB);
    const e2 = await up(2, 1000);
    const e3 = await up(3, 5 * MIB);
    const complete = (Parts: { ETag: string; PartNumber: number }[]) =>
      s3().send(new CompleteMultipartUploadCommand({ Bucket: b, Key: 'm', UploadId, MultipartUpload: { Parts } }));
    await rejectsWith(complete([{ ETag: e1, PartNumber: 1 }, { ETag: e2, PartNumber: 2 }, { ETag: e3, PartNumber: 3 }]), 'EntityTooSmall', 400);
    await rejectsWith(complete([{ ETag: e1, PartNumber: 1 }, { ETag: e1, PartNumber: 3 }]), 'InvalidPart', 400);
    await rejectsWith(complete([{ ETag: e1, PartNumber: 1 }, { ETag: e1, PartNumber: 4 }]), 'InvalidPart', 400);
    // moto completes a list out of order; AWS refuses it.
    if (peer().local) await rejectsWith(complete([{ ETag: e3, PartNumber: 3 }, { ETag: e1, PartNumber: 1 }]), 'InvalidPartOrder', 400);
    await s3().send(new AbortMultipartUploadCommand({ Bucket: b, Key: 'm', UploadId }));
    // moto answers requests for an aborted upload with an HTML error page.
    if (peer().local) await rejectsWith(complete([{ ETag: e1, PartNumber: 1 }]), 'NoSuchUpload', 404);
    if (peer().local) await rejectsWith(s3().send(new UploadPartCommand({ Bucket: b, Key: 'm', UploadId, PartNumber: 1, Body: 'x' })), 'NoSuchUpload', 404);
  });

  it('archive classes: GET of an unrestored object is 403 InvalidObjectState, readable once restored; HEAD always works', async () => {
    const b = await newBucket();
    for (const cls of ['GLACIER', 'DEEP_ARCHIVE'] as const) {
      await s3().send(new PutObjectCommand({ Bucket: b, Key: cls, Body: `frozen ${cls}`, StorageClass: cls }));
      const head = await s3().send(new HeadObjectCommand({ Bucket: b, Key: cls }));
      assert.equal(head.StorageClass, cls);
      assert.equal(head.Restore, undefined);
      const e = await rejectsWith(s3().send(new GetObjectCommand({ Bucket: b, Key: cls })), 'InvalidObjectState', 403);
      assert.equal((e as { StorageClass?: string }).StorageClass, cls);
      await rejectsWith(s3().send(new CopyObjectCommand({ Bucket: b, Key: `${cls}-copy`, CopySource: `${b}/${cls}` })), 'ObjectNotInActiveTierError', 403);
      const r = await s3().send(new RestoreObjectCommand({ Bucket: b, Key: cls, RestoreRequest: { Days: 2, GlacierJobParameters: { Tier: 'Standard' } } }));
      assert.equal(r.$metadata.httpStatusCode, 202);
      // Restores complete at once here (no delay configured / moto's default).
      const restored = await s3().send(new HeadObjectCommand({ Bucket: b, Key: cls }));
      assert.match(restored.Restore ?? '', /^ongoing-request="false", expiry-date="[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT"$/);
      assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: b, Key: cls }))).Body!.transformToString(), `frozen ${cls}`);
      const again = await s3().send(new RestoreObjectCommand({ Bucket: b, Key: cls, RestoreRequest: { Days: 3 } }));
      assert.equal(again.$metadata.httpStatusCode, 200, 'already restored: 200, the copy lives longer');
    }
    await s3().send(new PutObjectCommand({ Bucket: b, Key: 'ir', Body: 'instant', StorageClass: 'GLACIER_IR' }));
    assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: b, Key: 'ir' }))).Body!.transformToString(), 'instant');
    await rejectsWith(s3().send(new PutObjectCommand({ Bucket: b, Key: 'bad', Body: 'x', StorageClass: 'FROZEN' as 'GLACIER' })), 'InvalidStorageClass', 400);
  });

  localIt('refuses RestoreObject on an object not in an archive class', async () => {
    const b = await newBucket();
    await s3().send(new PutObjectCommand({ Bucket: b, Key: 'std', Body: 'x' }));
    await rejectsWith(s3().send(new RestoreObjectCommand({ Bucket: b, Key: 'std', RestoreRequest: { Days: 1 } })), 'InvalidObjectState', 403);
  });

  it('conditional writes: If-None-Match: * refuses to replace an existing key', async () => {
    const b = await newBucket();
    await s3().send(new PutObjectCommand({ Bucket: b, Key: 'once', Body: 'first', IfNoneMatch: '*' }));
    await rejectsWith(s3().send(new PutObjectCommand({ Bucket: b, Key: 'once', Body: 'second', IfNoneMatch: '*' })), 'PreconditionFailed', 412);
    assert.equal(await (await s3().send(new GetObjectCommand({ Bucket: b, Key: 'once' }))).Body!.transformToString(), 'first');
  });
}
