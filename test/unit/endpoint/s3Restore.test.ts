import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, HeadBucketCommand, HeadObjectCommand, ListObjectsV2Command,
  ListPartsCommand, PutObjectCommand, RestoreObjectCommand, UploadPartCommand, CompleteMultipartUploadCommand, type Tier,
} from '@aws-sdk/client-s3';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { MIB, bytes, readAll, rejectsWith } from './helpers';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const expiryOf = (restore: string | undefined): number => Date.parse(/expiry-date="([^"]+)"/.exec(restore ?? '')?.[1] ?? 'x');

describe('local endpoint S3 restores', () => {
  // A "day" of a restored copy's life lasts 3 s here; tiers take 0.3 / 1.5 / 3 s.
  const ep = withLocalEndpoint({ maxAttempts: 1, jobDelays: { Expedited: 300, Standard: 1500, Bulk: 3000 }, restoreDayMs: 3000 });
  const B = 'restores';
  const head = (Key: string) => ep.s3.send(new HeadObjectCommand({ Bucket: B, Key }));
  const restore = (Key: string, Tier: Tier, Days = 1) => ep.s3.send(new RestoreObjectCommand({ Bucket: B, Key, RestoreRequest: { Days, GlacierJobParameters: { Tier } } }));
  const waitFor = async (what: () => Promise<boolean>, ms: number): Promise<void> => {
    const until = Date.now() + ms;
    while (!(await what())) {
      if (Date.now() > until) throw new Error('timed out waiting');
      await sleep(100);
    }
  };

  it('runs a restore through ongoing → restored → extended → expired, with x-amz-restore and ListObjectsV2 RestoreStatus', async () => {
    await ep.s3.send(new CreateBucketCommand({ Bucket: B }));
    const data = bytes(100_000, 9);
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'deep', Body: data, StorageClass: 'DEEP_ARCHIVE' }));
    const listStatus = async () => (await ep.s3.send(new ListObjectsV2Command({ Bucket: B, Prefix: 'deep', OptionalObjectAttributes: ['RestoreStatus'] }))).Contents?.[0].RestoreStatus;
    assert.equal(await listStatus(), undefined, 'never restored: no status');
    await rejectsWith(restore('deep', 'Expedited'), 'InvalidArgument', 400);
    const t0 = Date.now();
    assert.equal((await restore('deep', 'Standard')).$metadata.httpStatusCode, 202);
    assert.equal((await head('deep')).Restore, 'ongoing-request="true"');
    assert.deepEqual(await listStatus(), { IsRestoreInProgress: true });
    await rejectsWith(ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'deep' })), 'InvalidObjectState', 403);
    await rejectsWith(restore('deep', 'Standard'), 'RestoreAlreadyInProgress', 409);
    await rejectsWith(restore('deep', 'Bulk'), 'RestoreAlreadyInProgress', 409);
    await waitFor(async () => !(await head('deep')).Restore?.includes('"true"'), 10_000);
    assert.ok(Date.now() - t0 >= 1400, 'the Standard tier took its delay');
    const restored = await head('deep');
    assert.match(restored.Restore!, /^ongoing-request="false", expiry-date="/);
    const status = await listStatus();
    assert.equal(status?.IsRestoreInProgress, false);
    assert.ok(status?.RestoreExpiryDate instanceof Date);
    assert.ok((await readAll((await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'deep' }))).Body)).equals(data));
    const ranged = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'deep', Range: 'bytes=1000-1999' }));
    assert.equal(ranged.$metadata.httpStatusCode, 206);
    assert.ok((await readAll(ranged.Body)).equals(data.subarray(1000, 2000)));
    const before = expiryOf(restored.Restore);
    assert.equal((await restore('deep', 'Bulk', 2)).$metadata.httpStatusCode, 200, 'already restored: 200');
    const extended = expiryOf((await head('deep')).Restore);
    assert.ok(extended > before, `the copy lives longer (${new Date(before).toISOString()} → ${new Date(extended).toISOString()})`);
    await waitFor(async () => (await head('deep')).Restore === undefined, 12_000);
    await rejectsWith(ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'deep' })), 'InvalidObjectState', 403);
    assert.equal(await listStatus(), undefined);
  });

  it('GLACIER Expedited: 503 while capacity is off, then fast; a running Bulk restore is upgraded by Expedited', async () => {
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'flex', Body: 'flexible', StorageClass: 'GLACIER' }));
    ep.endpoint.s3.setExpeditedRetrievalAvailable(false);
    try {
      await rejectsWith(restore('flex', 'Expedited'), 'GlacierExpeditedRetrievalNotAvailable', 503);
    } finally {
      ep.endpoint.s3.setExpeditedRetrievalAvailable(true);
    }
    assert.equal((await restore('flex', 'Expedited')).$metadata.httpStatusCode, 202);
    await waitFor(async () => (await head('flex')).Restore?.includes('"false"') ?? false, 2000);
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'slow', Body: 'slow', StorageClass: 'GLACIER' }));
    const t0 = Date.now();
    assert.equal((await restore('slow', 'Bulk')).$metadata.httpStatusCode, 202);
    assert.equal((await restore('slow', 'Expedited')).$metadata.httpStatusCode, 202, 'a faster tier upgrades the running restore');
    await waitFor(async () => (await head('slow')).Restore?.includes('"false"') ?? false, 2500);
    assert.ok(Date.now() - t0 < 2500, 'done at the Expedited pace, not Bulk');
  });

  it('keeps objects, uploads and restores across a restart; a restore pending at shutdown completes after it', async () => {
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'kept', Body: 'kept bytes', StorageClass: 'DEEP_ARCHIVE', Metadata: { m: '1' } }));
    const { UploadId } = await ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'half' }));
    const p1 = bytes(5 * MIB, 1);
    const e1 = (await ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'half', UploadId, PartNumber: 1, Body: p1 }))).ETag;
    const requested = Date.now();
    await restore('kept', 'Bulk');
    await ep.restart();
    const h = await head('kept');
    const elapsed = Date.now() - requested;
    assert.deepEqual(h.Metadata, { m: '1' });
    assert.equal(h.StorageClass, 'DEEP_ARCHIVE');
    // Bulk takes 3 s: unless the restart itself took that long (a loaded machine), the restore is still running.
    if (elapsed < 2900) assert.equal(h.Restore, 'ongoing-request="true"', 'still restoring after the restart');
    const parts = await ep.s3.send(new ListPartsCommand({ Bucket: B, Key: 'half', UploadId }));
    assert.deepEqual(parts.Parts?.map((p) => [p.PartNumber, p.ETag]), [[1, e1]]);
    const e2 = (await ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'half', UploadId, PartNumber: 2, Body: 'tail' }))).ETag;
    await ep.s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'half', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }] } }));
    const whole = await readAll((await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'half' }))).Body);
    assert.ok(whole.equals(Buffer.concat([p1, Buffer.from('tail')])));
    await waitFor(async () => (await head('kept')).Restore?.includes('"false"') ?? false, 5000);
    await ep.restart();
    assert.match((await head('kept')).Restore ?? '', /"false"/, 'restored state kept');
    assert.equal(await (await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'kept' }))).Body!.transformToString(), 'kept bytes');
  });

  it("another account's bucket: 403 AccessDenied, and its name cannot be taken", async () => {
    ep.endpoint.s3.addForeignBucket('someone-elses-bucket');
    await rejectsWith(ep.s3.send(new PutObjectCommand({ Bucket: 'someone-elses-bucket', Key: 'k', Body: 'x' })), 'AccessDenied', 403);
    await rejectsWith(ep.s3.send(new ListObjectsV2Command({ Bucket: 'someone-elses-bucket' })), 'AccessDenied', 403);
    const e = await ep.s3.send(new HeadBucketCommand({ Bucket: 'someone-elses-bucket' })).then(() => undefined, (err: Error & { $metadata?: { httpStatusCode?: number } }) => err);
    assert.equal(e?.$metadata?.httpStatusCode, 403);
    await rejectsWith(ep.s3.send(new CreateBucketCommand({ Bucket: 'someone-elses-bucket' })), 'BucketAlreadyExists', 409);
  });
});
