/** What only the local endpoint can produce (moto cannot): 403 of another account, 409, 503, BadDigest, expiry, S3 events to SQS. */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand, PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { FinalizeRequestMiddleware, MetadataBearer } from '@smithy/types';
import { FreezerError } from '../../../src/core/errors';
import { createS3Clients, type S3Clients } from '../../../src/core/s3/clients';
import { manifestKey, MIB } from '../../../src/core/s3/layout';
import { parseS3Notification } from '../../../src/core/s3/notifications';
import { S3Store } from '../../../src/core/s3/s3Store';
import { parseStoreNotification } from '../../../src/core/storage/notifications';
import { startTestEndpoint, TEST_CREDENTIALS, type TestEndpoint } from '../../support/localEndpoint';
import { openS3Case, type S3Case } from './support/s3Case';

const BUCKET = 'freezer-local-cases';
let ep: TestEndpoint;
let c: S3Case;
let dir: string;
let clients: S3Clients;
let store: S3Store;
const newClients = () => createS3Clients({ region: ep.endpoint.region, endpoint: ep.url, credentials: TEST_CREDENTIALS });

before(async () => {
  // Standard restores take long enough to be seen in progress; a "day" of a restored copy is 1.5 s.
  ep = await startTestEndpoint({ jobDelays: { Expedited: 0, Standard: 30_000, Bulk: 0 }, restoreDayMs: 1500, foreignBuckets: ['someone-elses-bucket'] });
  c = await openS3Case(BUCKET, { region: ep.endpoint.region, endpoint: ep.url, credentials: TEST_CREDENTIALS });
  ({ dir, clients, store } = c);
});
after(async () => {
  await c?.close();
  await ep?.close();
});

const makeFile = (name: string, size: number) => c.makeFile(name, size);
const put = async (name: string, size: number, storageClass?: 'GLACIER' | 'DEEP_ARCHIVE') => {
  const { file, data } = await makeFile(`${name}.bin`, size);
  return { data, out: await store.putArchive({ file, description: `freezer/1;name=${name};c=none;e=none`, sessionKey: name, ...(storageClass ? { storageClass } : {}) }) };
};

test('a bucket of another account (403) is a clear error, for check and for an upload', async () => {
  const other = new S3Store({ clients: newClients(), bucket: 'someone-elses-bucket' });
  try {
    await assert.rejects(other.check(), (e: unknown) => FreezerError.is(e, 'BucketForbidden') && /another account/.test(e.message));
    const { file } = await makeFile('forbidden.bin', 1000);
    await assert.rejects(other.putArchive({ file, description: 'freezer/1;name=f;c=none;e=none', sessionKey: 'f' }), (e: unknown) => FreezerError.is(e, 'BucketForbidden'));
  } finally {
    other.close();
  }
});

test('a restore asked again while in progress (409) is in progress, not an error', async () => {
  const { out } = await put('twice', 1 * MIB);
  const plan = await store.planRestore(out.ref);
  const a = await store.requestRestore(plan, { tier: 'Standard' });
  assert.deepEqual(Object.values(a.requestedUnits ?? {}), ['requested']);
  const b = await store.requestRestore(plan, { tier: 'Standard' });
  assert.deepEqual(Object.values(b.requestedUnits ?? {}), ['in-progress']);
  assert.equal((await store.status(b)).state, 'in-progress');
  await assert.rejects(store.download(b, path.join(dir, 'twice.out')), (e: unknown) => FreezerError.is(e, 'NotRestored'));
});

test('no Expedited capacity (503) says to request Standard; Expedited is refused for DEEP_ARCHIVE before any request', async () => {
  const { out } = await put('expedited', 1 * MIB, 'GLACIER');
  ep.endpoint.s3.setExpeditedRetrievalAvailable(false);
  try {
    await assert.rejects(store.requestRestore(await store.planRestore(out.ref), { tier: 'Expedited' }), (e: unknown) => FreezerError.is(e, 'ExpeditedUnavailable') && /Standard/.test(e.message));
  } finally {
    ep.endpoint.s3.setExpeditedRetrievalAvailable(true);
  }
  const deep = await put('deep', 1 * MIB);
  const plan = await store.planRestore(deep.out.ref);
  assert.ok(!plan.tiers.includes('Expedited'));
  await assert.rejects(store.requestRestore(plan, { tier: 'Expedited' }), (e: unknown) => FreezerError.is(e, 'InvalidTier'));
});

test('a part damaged in transit (BadDigest) is sent again; the archive comes back identical', async () => {
  const c = newClients();
  let corrupted = 0;
  const corrupt: FinalizeRequestMiddleware<object, MetadataBearer> = (next, ctx) => async (args) => {
    const req = args.request as { body?: unknown };
    if (ctx.commandName === 'UploadPartCommand' && corrupted === 0 && Buffer.isBuffer(req.body)) {
      corrupted++;
      const b = Buffer.from(req.body);
      b[100] ^= 0xff;
      req.body = b;
    }
    return next(args);
  };
  c.s3.middlewareStack.addRelativeTo(corrupt, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'corruptOnePart' });
  const s = new S3Store({ clients: c, bucket: BUCKET, segmentSize: 12 * MIB, partSize: 5 * MIB });
  try {
    const { file, data } = await makeFile('baddigest.bin', 11 * MIB);
    const out = await s.putArchive({ file, description: 'freezer/1;name=bd;c=none;e=none', sessionKey: 'bd', storageClass: 'GLACIER' });
    assert.equal(corrupted, 1);
    const t = await s.requestRestore(await s.planRestore(out.ref), { tier: 'Expedited' });
    for (let i = 0; i < 50 && (await s.status(t)).state !== 'ready'; i++) await sleep(50);
    assert.ok(data.equals(await fs.readFile((await s.download(t, path.join(dir, 'bd.out'))).path)));
  } finally {
    s.close();
  }
});

test('a restored copy expires: the status says so (request it again)', async () => {
  const { out } = await put('expiry', 1 * MIB, 'GLACIER');
  const t = await store.requestRestore(await store.planRestore(out.ref), { tier: 'Expedited', days: 1 });
  let s = await store.status(t);
  for (let i = 0; i < 50 && s.state !== 'ready'; i++) { await sleep(50); s = await store.status(t); }
  assert.equal(s.state, 'ready');
  assert.ok(s.expires);
  await sleep(Math.max(0, Date.parse(s.expires) - Date.now()) + 1200);
  const later = await store.status(t);
  assert.equal(later.state, 'expired');
  await assert.rejects(store.download(t, path.join(dir, 'expiry.out')), (e: unknown) => FreezerError.is(e, 'NotRestored'));
});

test('the bucket\'s S3 events on SQS: the test event is ignored, a completed restore names the segment and its expiry', async () => {
  const q = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'freezer-s3-events' }));
  const arn = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  await clients.s3.send(new PutBucketNotificationConfigurationCommand({
    Bucket: BUCKET, NotificationConfiguration: { QueueConfigurations: [{ QueueArn: arn, Events: ['s3:ObjectRestore:*'] }] },
  }));
  const { out } = await put('events', 1 * MIB, 'GLACIER');
  await store.requestRestore(await store.planRestore(out.ref), { tier: 'Expedited' });
  const seen: ReturnType<typeof parseS3Notification>[] = [];
  const end = Date.now() + 10_000;
  while (Date.now() < end && !seen.some((p) => p.ok && p.events.some((e) => e.kind === 'restore-completed'))) {
    const r = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    for (const m of r.Messages ?? []) {
      seen.push(parseS3Notification(m.Body));
      const any = parseStoreNotification(m.Body);
      assert.ok(!any.ok || any.kind === 's3-restore', 'never taken for a vault job');
      await ep.sqs.send(new DeleteMessageCommand({ QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  assert.ok(seen.some((p) => !p.ok && /test event/.test(p.reason)), 'the s3:TestEvent is recognised and ignored');
  const done = seen.flatMap((p) => (p.ok ? p.events : [])).find((e) => e.kind === 'restore-completed');
  assert.ok(done, 'a restore-completed event arrived');
  assert.equal(done.bucket, BUCKET);
  assert.equal(done.key, out.ref.segments![0].key);
  assert.ok(done.expires && Date.parse(done.expires) > Date.now() - 60_000);
});

test('data without a manifest (an upload whose session was lost, a deletion cut short) is found, and deleting it leaves nothing', async () => {
  const { out } = await put('orphan', 13 * MIB);
  const { out: whole } = await put('whole', 1 * MIB);
  await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: manifestKey('', out.ref.id) }));
  const paged = new S3Store({ clients: newClients(), bucket: BUCKET, listPageSize: 2 });
  try {
    const found = await paged.listIncomplete();
    assert.deepEqual(found.map((f) => [f.id, f.objects, f.bytes]), [[out.ref.id, 2, out.ref.segments!.reduce((n, s) => n + s.size, 0)]]);
    assert.ok(!found.some((f) => f.id === whole.ref.id));
    await paged.deleteArchive({ id: out.ref.id, size: out.ref.size });
    assert.deepEqual(await paged.listIncomplete(), []);
  } finally {
    paged.close();
  }
});
