import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { localClientConfig, withLocalEndpoint } from '../../support/localEndpoint';
import { bytes, readAll, rejectsWith } from './helpers';

describe('local endpoint S3: fault injection', () => {
  const ep = withLocalEndpoint({ maxAttempts: 1 });
  const B = 'faulty-bucket';

  it("answers each injected fault in S3's own words (InternalError, ServiceUnavailable, SlowDown, RequestTimeout), drops and slows", async () => {
    await ep.s3.send(new CreateBucketCommand({ Bucket: B }));
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'k', Body: 'v' }));
    const cases: [kind: '500' | '503' | 'throttle' | 'timeout', name: string, status: number][] = [
      ['500', 'InternalError', 500], ['503', 'ServiceUnavailable', 503], ['throttle', 'SlowDown', 503], ['timeout', 'RequestTimeout', 400],
    ];
    try {
      for (const [kind, name, status] of cases) {
        ep.endpoint.setFaults({ rate: 1, kinds: [kind] });
        const head = await ep.s3.send(new HeadObjectCommand({ Bucket: B, Key: 'k' })).then(() => undefined, (err: { $metadata?: { httpStatusCode?: number } }) => err);
        assert.equal(head?.$metadata?.httpStatusCode, status, `HEAD meets ${kind} (no body, as on S3)`);
        await rejectsWith(ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' })), name, status);
      }
      ep.endpoint.setFaults({ rate: 1, kinds: ['drop'] });
      const e = await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' })).then(() => undefined, (err: Error) => err);
      assert.ok(e, 'a dropped connection fails the call');
      assert.equal((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, undefined, 'no HTTP response at all');
      ep.endpoint.setFaults({ rate: 1, kinds: ['slow'], slowMs: 300 });
      const t0 = Date.now();
      assert.equal(await (await ep.s3.send(new GetObjectCommand({ Bucket: B, Key: 'k' }))).Body!.transformToString(), 'v');
      assert.ok(Date.now() - t0 >= 290);
    } finally {
      ep.endpoint.setFaults(undefined);
    }
  });

  it('the SDK retries through a moderate fault rate and every upload lands whole', async () => {
    const retrying = new S3Client({ ...localClientConfig(ep.url), forcePathStyle: true, maxAttempts: 10, retryMode: 'standard' });
    ep.endpoint.setFaults({ rate: 0.3, kinds: ['500', '503', 'throttle', 'timeout'], seed: 5 });
    try {
      for (let i = 0; i < 8; i++) {
        const body = bytes(50_000 + i, i + 1);
        await retrying.send(new PutObjectCommand({ Bucket: B, Key: `r${i}`, Body: body }));
        assert.ok((await readAll((await retrying.send(new GetObjectCommand({ Bucket: B, Key: `r${i}` }))).Body)).equals(body));
      }
      const c = ep.endpoint.faultCounts();
      assert.ok(c['500'] + c['503'] + c.throttle + c.timeout > 0, 'faults were injected');
    } finally {
      ep.endpoint.setFaults(undefined);
      retrying.destroy();
    }
  });
});
