import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseJobNotification, vaultNameFromArn } from '../../../src/core/glacier/notifications';

const job = {
  Action: 'ArchiveRetrieval', ArchiveId: 'arch', ArchiveSHA256TreeHash: 'ab', ArchiveSizeInBytes: 42, Completed: true,
  CompletionDate: '2026-11-20T10:00:00Z', CreationDate: '2026-11-20T06:00:00Z', JobId: 'job-1', RetrievalByteRange: '0-41',
  SHA256TreeHash: 'ab', SNSTopic: 'arn:aws:sns:us-east-1:1:t', StatusCode: 'Succeeded', StatusMessage: 'Succeeded', Tier: 'Bulk',
  VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/photos',
};

test('raw delivery and the SNS envelope give the same job', () => {
  const raw = parseJobNotification(JSON.stringify(job));
  const sns = parseJobNotification(JSON.stringify({ Type: 'Notification', MessageId: 'm', TopicArn: 't', Message: JSON.stringify(job) }));
  assert.ok(raw.ok && sns.ok);
  assert.equal(raw.via, 'raw');
  assert.equal(sns.via, 'sns');
  assert.deepEqual(raw.job, sns.job);
  assert.equal(raw.job.jobId, 'job-1');
  assert.equal(raw.job.completed, true);
  assert.equal(raw.job.archiveSizeInBytes, 42);
  assert.equal(vaultNameFromArn(raw.job.vaultArn), 'photos');
});

test('anything else is rejected with a reason, never thrown', () => {
  const bad = [
    undefined, '', 'not json {', '[]', 'null', '42', JSON.stringify({ hello: 'world' }),
    JSON.stringify({ Type: 'Notification', Message: '{broken' }),
    JSON.stringify({ Type: 'SubscriptionConfirmation', Message: 'You have chosen…' }),
    JSON.stringify({ ...job, Action: 'Unknown' }), JSON.stringify({ ...job, VaultARN: 'arn:aws:s3:::bucket' }),
    JSON.stringify({ ...job, JobId: 7 }), JSON.stringify({ ...job, StatusCode: undefined }),
  ];
  for (const b of bad) {
    const r = parseJobNotification(b);
    assert.equal(r.ok, false, String(b));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});
