import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { JobInfo } from '../../../src/core/glacier/jobs';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { startNotificationListener, vaultNameFromArn } from '../../../src/core/glacier/notifications';
import { initiateArchiveRetrieval, initiateInventoryRetrieval } from '../../../src/core/glacier/retrieval';
import { setVaultNotifications, getVaultNotifications } from '../../../src/core/glacier/vaults';
import { Logger } from '../../../src/core/log';
import { TestEnv, startEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv(); });
after(() => env.close());

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const q = await env.clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
  const a = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }));
  return { url: q.QueueUrl as string, arn: a.Attributes?.QueueArn as string };
}

async function waitFor(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('job notifications arrive through SNS→SQS, enveloped and raw; other messages are logged, deleted and survived', async () => {
  const topic = await env.clients.sns.send(new CreateTopicCommand({ Name: 'glacier-jobs' }));
  const topicArn = topic.TopicArn as string;
  const enveloped = await queue('jobs-enveloped');
  const raw = await queue('jobs-raw');
  await env.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: enveloped.arn }));
  await env.clients.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
  await setVaultNotifications(env.clients, env.vault, topicArn);
  assert.equal((await getVaultNotifications(env.clients, env.vault))?.snsTopicArn, topicArn);

  // Garbage first, so the listener must get past it.
  for (const q of [enveloped, raw]) {
    for (const body of ['not json at all {', '{"hello":"world"}', JSON.stringify({ Type: 'Notification', Message: '{broken' }), JSON.stringify({ JobId: 'x', Action: 'ArchiveRetrieval', VaultARN: 'arn:aws:s3:::b', StatusCode: 'Succeeded' })]) {
      await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
    }
  }

  const seen: Record<string, JobInfo[]> = { enveloped: [], raw: [] };
  const warnings: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m, ...a) => { warnings.push(`${m} ${a.join(' ')}`); }, error: (m) => { warnings.push(m); } };
  const listeners = [
    startNotificationListener({ clients: env.clients, queueUrl: enveloped.url, waitTimeSeconds: 1, logger, onJob: (j) => { seen.enveloped.push(j); } }),
    startNotificationListener({ clients: env.clients, queueUrl: raw.url, waitTimeSeconds: 1, logger, onJob: (j) => { seen.raw.push(j); } }),
  ];
  try {
    const file = await env.makeFile('n.bin', 5000);
    const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'n' });
    const archiveJob = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Expedited', snsTopic: topicArn });
    const inventoryJob = await initiateInventoryRetrieval(env.clients, { vault: env.vault });
    await waitFor(() => seen.enveloped.length >= 2 && seen.raw.length >= 2);
    for (const list of [seen.enveloped, seen.raw]) {
      const a = list.find((j) => j.jobId === archiveJob.jobId);
      assert.ok(a, 'archive job notified');
      assert.equal(a.action, 'ArchiveRetrieval');
      assert.equal(a.archiveId, up.archiveId);
      assert.equal(a.statusCode, 'Succeeded');
      assert.equal(vaultNameFromArn(a.vaultArn), env.vault);
      assert.ok(list.some((j) => j.jobId === inventoryJob.jobId && j.action === 'InventoryRetrieval'));
    }
  } finally {
    await Promise.all(listeners.map((l) => l.stop()));
  }
  assert.equal(warnings.filter((w) => w.startsWith('Ignoring SQS message')).length, 8, warnings.join('\n'));
  for (const q of [enveloped, raw]) {
    const attrs = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
    assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '0');
  }
});

test('a handler that throws leaves the message for redelivery; the listener keeps going', async () => {
  const q = await queue('jobs-retry');
  await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: JSON.stringify({ JobId: 'j1', Action: 'InventoryRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:1:vaults/v', StatusCode: 'Succeeded', Completed: true }) }));
  let calls = 0;
  const errors: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m) => { errors.push(m); } };
  const l = startNotificationListener({ clients: env.clients, queueUrl: q.url, waitTimeSeconds: 1, logger, onJob: () => { calls++; throw new Error('catalogue busy'); } });
  await waitFor(() => calls >= 1);
  await l.stop();
  assert.equal(errors.length, 1);
  const attrs = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '1');
});

test('a poison message is deleted after a bounded number of failed deliveries, logged once with its escaped content', async () => {
  const q = await env.clients.sqs.send(new CreateQueueCommand({ QueueName: 'jobs-poison', Attributes: { VisibilityTimeout: '0' } }));
  const url = q.QueueUrl as string;
  const body = JSON.stringify({ JobId: 'j-poison\n2026-01-01T00:00:00Z INFO  [daemon] forged\u001b[31m', Action: 'InventoryRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:1:vaults/v', StatusCode: 'Succeeded' });
  await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
  let calls = 0;
  const lines: string[] = [];
  const { formatLogLine } = await import('../../../src/core/log');
  const logger: Logger = { debug: () => {}, info: () => {}, warn: (m, ...a) => { lines.push(formatLogLine(m, a)); }, error: (m, ...a) => { lines.push(formatLogLine(m, a)); } };
  const l = startNotificationListener({ clients: env.clients, queueUrl: url, waitTimeSeconds: 1, logger, onJob: () => { calls++; throw new Error('NOT NULL constraint failed: jobs.created'); } });
  try {
    await waitFor(() => lines.some((x) => x.startsWith('Deleting SQS message')));
    // Nothing left to deliver: the loop goes on without calling the handler again.
    await new Promise((r) => setTimeout(r, 1500));
  } finally {
    await l.stop();
  }
  assert.equal(calls, 5, 'handled exactly POISON_MESSAGE_DELIVERIES times');
  assert.equal(lines.length, 2, `one error on the first failure, one on deletion:\n${lines.join('\n')}`);
  const deleted = lines[1];
  assert.match(deleted, /after 5 failed deliveries \(NOT NULL constraint failed: jobs.created\); it was: \{"JobId":"j-poison/);
  assert.match(lines[0], /job j-poison\\n2026-01-01T00:00:00Z INFO {2}\[daemon\] forged\\x1b\[31m failed/);
  for (const x of lines) assert.ok(!x.includes('\n') && !x.includes('\r') && !x.includes('\u001b'), `no raw control character in: ${x}`);
  const attrs = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessages, '0');
  assert.equal(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible, '0');
});

test('a message whose handling fails for a transient reason is kept however often it comes back', async () => {
  const q = await env.clients.sqs.send(new CreateQueueCommand({ QueueName: 'jobs-transient', Attributes: { VisibilityTimeout: '0' } }));
  const url = q.QueueUrl as string;
  await env.clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ JobId: 'j2', Action: 'InventoryRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:1:vaults/v', StatusCode: 'Succeeded' }) }));
  let calls = 0;
  const errors: string[] = [];
  const logger: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m) => { errors.push(m); } };
  const l = startNotificationListener({ clients: env.clients, queueUrl: url, waitTimeSeconds: 1, logger, onJob: () => { calls++; throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }); } });
  await waitFor(() => calls >= 8);
  await l.stop();
  assert.equal(errors.length, 1, 'logged once, not on every delivery');
  const attrs = await env.clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }));
  assert.equal(Number(attrs.Attributes?.ApproximateNumberOfMessages) + Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible), 1);
});
