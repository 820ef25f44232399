import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseS3Notification } from '../../../src/core/s3/notifications';
import { parseStoreNotification } from '../../../src/core/storage/notifications';

const record = (over: Record<string, unknown> = {}) => ({
  eventVersion: '2.1', eventSource: 'aws:s3', awsRegion: 'us-east-1', eventTime: '2026-12-01T10:00:00.000Z',
  eventName: 'ObjectRestore:Completed',
  s3: { bucket: { name: 'photos', arn: 'arn:aws:s3:::photos' }, object: { key: 'backup/freezer/v1/data/a%C3%A9+b/00000', size: 5 } },
  glacierEventData: { restoreEventData: { lifecycleRestorationExpiryTime: '2026-12-08T00:00:00.000Z', lifecycleRestoreStorageClass: 'DEEP_ARCHIVE' } },
  ...over,
});

test('an S3 restore completion, raw or inside SNS, gives the decoded key and the expiry', () => {
  const raw = JSON.stringify({ Records: [record()] });
  for (const body of [raw, JSON.stringify({ Type: 'Notification', Message: raw })]) {
    const p = parseS3Notification(body);
    assert.ok(p.ok);
    assert.deepEqual(p.events, [{
      kind: 'restore-completed', bucket: 'photos', key: 'backup/freezer/v1/data/aé b/00000',
      eventTime: '2026-12-01T10:00:00.000Z', region: 'us-east-1', expires: '2026-12-08T00:00:00.000Z',
    }]);
  }
});

test('expiry (:Delete) and start (:Post) events are told apart; a newer minor eventVersion is accepted', () => {
  const p = parseS3Notification(JSON.stringify({ Records: [record({ eventName: 'ObjectRestore:Delete', eventVersion: '2.3', glacierEventData: undefined }), record({ eventName: 'ObjectRestore:Post' })] }));
  assert.ok(p.ok);
  assert.deepEqual(p.events.map((e) => e.kind), ['restore-expired', 'restore-started']);
  assert.equal(p.events[0].expires, undefined);
});

test('test events, other events, other majors, other services and junk are not restore events', () => {
  const bodies = [
    undefined, '', 'not json', '[]', JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'photos' }),
    JSON.stringify({ Records: [record({ eventName: 'ObjectCreated:Put' })] }),
    JSON.stringify({ Records: [record({ eventVersion: '3.0' })] }),
    JSON.stringify({ Records: [record({ eventSource: 'aws:sqs' })] }),
    JSON.stringify({ Type: 'Notification', Message: '{oops' }),
  ];
  for (const b of bodies) assert.equal(parseS3Notification(b).ok, false, String(b));
});

test('one parser for the shared queue: Glacier job notifications and S3 restore events', () => {
  const job = JSON.stringify({ JobId: 'j1', Action: 'ArchiveRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/v', StatusCode: 'Succeeded', Completed: true });
  const a = parseStoreNotification(job);
  assert.ok(a.ok && a.kind === 'vault-job' && a.job.jobId === 'j1');
  const b = parseStoreNotification(JSON.stringify({ Records: [record()] }));
  assert.ok(b.ok && b.kind === 's3-restore' && b.events.length === 1);
  const c = parseStoreNotification(JSON.stringify({ Event: 's3:TestEvent' }));
  assert.equal(c.ok, false);
});
