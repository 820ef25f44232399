import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, DeleteObjectCommand, GetBucketNotificationConfigurationCommand,
  PutBucketNotificationConfigurationCommand, PutObjectCommand, RestoreObjectCommand, UploadPartCommand, type QueueConfiguration,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { rejectsWith } from './helpers';

interface S3Record {
  eventVersion: string; eventSource: string; eventName: string; awsRegion: string; eventTime: string;
  s3: { bucket: { name: string; arn: string }; object: { key: string; size?: number; eTag?: string; sequencer: string }; configurationId: string };
  glacierEventData?: { restoreEventData: { lifecycleRestorationExpiryTime: string; lifecycleRestoreStorageClass: string } };
}

describe('local endpoint S3 event notifications to SQS', () => {
  const ep = withLocalEndpoint({ maxAttempts: 1, jobDelays: { Standard: 300 }, restoreDayMs: 1500 });
  const B = 'notify-bucket';
  let queueUrl = '';
  let queueArn = '';

  const receiveAll = async (want: number, waitMs = 8000): Promise<unknown[]> => {
    const out: unknown[] = [];
    const until = Date.now() + waitMs;
    while (out.length < want && Date.now() < until) {
      const r = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of r.Messages ?? []) {
        out.push(JSON.parse(m.Body!));
        await ep.sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    return out;
  };
  const records = async (want: number, waitMs?: number): Promise<S3Record[]> =>
    (await receiveAll(want, waitMs)).flatMap((m) => (m as { Records: S3Record[] }).Records);

  it('validates the configuration, sends s3:TestEvent, and returns it on Get', async () => {
    await ep.s3.send(new CreateBucketCommand({ Bucket: B }));
    queueUrl = (await ep.sqs.send(new CreateQueueCommand({ QueueName: 's3-events' }))).QueueUrl!;
    queueArn = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    const put = (QueueConfigurations: QueueConfiguration[]) =>
      ep.s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: B, NotificationConfiguration: { QueueConfigurations } }));
    await rejectsWith(put([{ QueueArn: `${queueArn}-missing`, Events: ['s3:ObjectCreated:*'] }]), 'InvalidArgument', 400);
    await rejectsWith(put([{ QueueArn: queueArn, Events: ['s3:ObjectEaten:*' as 's3:ObjectCreated:*'] }]), 'InvalidArgument', 400);
    await rejectsWith(put([
      { QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] },
      { QueueArn: queueArn, Events: ['s3:ObjectCreated:Put'] },
    ]), 'InvalidArgument', 400);
    await put([
      { Id: 'created', QueueArn: queueArn, Events: ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'frozen/' }] } } },
      { Id: 'restores', QueueArn: queueArn, Events: ['s3:ObjectRestore:*'] },
    ]);
    const tests = await receiveAll(2, 3000);
    assert.equal(tests.length, 2);
    for (const t of tests) assert.deepEqual([(t as { Event: string }).Event, (t as { Bucket: string }).Bucket], ['s3:TestEvent', B]);
    const got = await ep.s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: B }));
    assert.deepEqual(got.QueueConfigurations?.map((q) => [q.Id, q.QueueArn, q.Events, q.Filter?.Key?.FilterRules?.map((r) => [r.Name, r.Value])]), [
      ['created', queueArn, ['s3:ObjectCreated:*', 's3:ObjectRemoved:*'], [['prefix', 'frozen/']]],
      ['restores', queueArn, ['s3:ObjectRestore:*'], undefined],
    ]);
  });

  it('delivers ObjectCreated (Put, CompleteMultipartUpload) and ObjectRemoved records matching the filter', async () => {
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'elsewhere/x', Body: 'ignored by the prefix filter' }));
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'frozen/a b.bin', Body: 'hello' }));
    const { UploadId } = await ep.s3.send(new CreateMultipartUploadCommand({ Bucket: B, Key: 'frozen/mp' }));
    const e1 = (await ep.s3.send(new UploadPartCommand({ Bucket: B, Key: 'frozen/mp', UploadId, PartNumber: 1, Body: 'part' }))).ETag;
    await ep.s3.send(new CompleteMultipartUploadCommand({ Bucket: B, Key: 'frozen/mp', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }] } }));
    await ep.s3.send(new DeleteObjectCommand({ Bucket: B, Key: 'frozen/mp' }));
    const recs = await records(3);
    assert.deepEqual(recs.map((r) => [r.eventName, r.s3.object.key, r.s3.configurationId]), [
      ['ObjectCreated:Put', 'frozen/a+b.bin', 'created'],
      ['ObjectCreated:CompleteMultipartUpload', 'frozen/mp', 'created'],
      ['ObjectRemoved:Delete', 'frozen/mp', 'created'],
    ]);
    const put = recs[0];
    assert.equal(put.eventSource, 'aws:s3');
    assert.equal(put.awsRegion, 'us-east-1');
    assert.equal(Number(put.eventVersion.split('.')[0]), 2);
    assert.deepEqual([put.s3.bucket.name, put.s3.bucket.arn, put.s3.object.size, put.s3.object.eTag], [B, `arn:aws:s3:::${B}`, 5, '5d41402abc4b2a76b9719d911017c592']);
    assert.ok(recs[1].s3.object.sequencer > put.s3.object.sequencer, 'sequencers grow');
    assert.equal((await receiveAll(1, 1200)).length, 0, 'the object outside the prefix sent nothing');
  });

  it('delivers ObjectRestore:Post, :Completed (with glacierEventData) and :Delete when the copy expires', async () => {
    await ep.s3.send(new PutObjectCommand({ Bucket: B, Key: 'cold', Body: 'cold bytes', StorageClass: 'DEEP_ARCHIVE' }));
    await ep.s3.send(new RestoreObjectCommand({ Bucket: B, Key: 'cold', RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Standard' } } }));
    const recs = await records(3, 10_000);
    assert.deepEqual(recs.map((r) => r.eventName), ['ObjectRestore:Post', 'ObjectRestore:Completed', 'ObjectRestore:Delete']);
    assert.equal(recs[0].glacierEventData, undefined);
    const g = recs[1].glacierEventData!.restoreEventData;
    assert.equal(g.lifecycleRestoreStorageClass, 'DEEP_ARCHIVE');
    assert.ok(Date.parse(g.lifecycleRestorationExpiryTime) > Date.parse(recs[1].eventTime));
    assert.ok(Date.parse(recs[2].eventTime) >= Date.parse(g.lifecycleRestorationExpiryTime) - 1000, 'the Delete comes when the copy expires');
  });
});
