import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  CreateVaultCommand, InitiateJobCommand, SetVaultNotificationsCommand, UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import {
  CreateTopicCommand, ListSubscriptionsByTopicCommand, ListTopicsCommand, PublishCommand, SetSubscriptionAttributesCommand, SubscribeCommand,
  UnsubscribeCommand,
} from '@aws-sdk/client-sns';
import { CreateQueueCommand, DeleteMessageCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { treeHash } from '../../../src/core/hash/treeHash';
import { withLocalEndpoint, type TestEndpoint } from '../../support/localEndpoint';
import { bytes, MIB, rejectsWith } from './helpers';

async function queue(ep: TestEndpoint, name: string): Promise<{ url: string; arn: string }> {
  const url = (await ep.sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl!;
  const arn = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url, arn };
}

async function receiveOne(ep: TestEndpoint, url: string): Promise<string> {
  const r = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5 }));
  assert.equal(r.Messages?.length, 1, 'one message arrives');
  await ep.sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: r.Messages![0].ReceiptHandle }));
  return r.Messages![0].Body!;
}

describe('local endpoint: SNS topics and Glacier job notifications', () => {
  const ep = withLocalEndpoint({ jobDelays: { Standard: 150 } });
  const A = { accountId: '-', vaultName: 'notified' };
  const data = bytes(2 * MIB + 99, 21);
  let topicArn = '';
  let archiveId = '';
  let enveloped: { url: string; arn: string };
  let raw: { url: string; arn: string };

  before(async () => {
    topicArn = (await ep.sns.send(new CreateTopicCommand({ Name: 'glacier-jobs' }))).TopicArn!;
    enveloped = await queue(ep, 'jobs-envelope');
    raw = await queue(ep, 'jobs-raw');
    await ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: enveloped.arn }));
    await ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: raw.arn, Attributes: { RawMessageDelivery: 'true' } }));
    await ep.glacier.send(new CreateVaultCommand(A));
    archiveId = (await ep.glacier.send(new UploadArchiveCommand({ ...A, body: data, archiveDescription: 'notify me' }))).archiveId!;
  });

  it('creates topics idempotently, lists topics and subscriptions', async () => {
    assert.equal(topicArn, 'arn:aws:sns:us-east-1:123456789012:glacier-jobs');
    assert.equal((await ep.sns.send(new CreateTopicCommand({ Name: 'glacier-jobs' }))).TopicArn, topicArn);
    assert.ok((await ep.sns.send(new ListTopicsCommand({}))).Topics!.some((t) => t.TopicArn === topicArn));
    const subs = (await ep.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions!;
    assert.deepEqual(subs.map((s) => s.Endpoint).sort(), [enveloped.arn, raw.arn].sort());
  });

  it('delivers a publish wrapped in the SNS envelope, or raw', async () => {
    const { MessageId } = await ep.sns.send(new PublishCommand({ TopicArn: topicArn, Message: 'plain text', Subject: 'Hi' }));
    const env = JSON.parse(await receiveOne(ep, enveloped.url));
    assert.equal(env.Type, 'Notification');
    assert.equal(env.MessageId, MessageId);
    assert.equal(env.TopicArn, topicArn);
    assert.equal(env.Subject, 'Hi');
    assert.equal(env.Message, 'plain text');
    assert.equal(env.SignatureVersion, '1');
    for (const k of ['Timestamp', 'Signature', 'SigningCertURL', 'UnsubscribeURL']) assert.equal(typeof env[k], 'string', k);
    assert.equal(await receiveOne(ep, raw.url), 'plain text');
  });

  it('publishes the AWS job-completion message when a retrieval job with SNSTopic completes', async () => {
    const range = `0-${2 * MIB - 1}`;
    const { jobId } = await ep.glacier.send(new InitiateJobCommand({
      ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, SNSTopic: topicArn, Tier: 'Standard', RetrievalByteRange: range, Description: 'job d' },
    }));
    const env = JSON.parse(await receiveOne(ep, enveloped.url));
    assert.equal(env.Type, 'Notification');
    assert.equal(env.TopicArn, topicArn);
    const m = JSON.parse(env.Message);
    const rawBody = JSON.parse(await receiveOne(ep, raw.url));
    assert.deepEqual(rawBody, m, 'raw delivery carries the same job message, unwrapped');
    assert.equal(m.Action, 'ArchiveRetrieval');
    assert.equal(m.JobId, jobId);
    assert.equal(m.ArchiveId, archiveId);
    assert.equal(m.VaultARN, 'arn:aws:glacier:us-east-1:123456789012:vaults/notified');
    assert.equal(m.StatusCode, 'Succeeded');
    assert.equal(m.StatusMessage, 'Succeeded');
    assert.equal(m.Completed, true);
    assert.equal(m.ArchiveSizeInBytes, data.length);
    assert.equal(m.ArchiveSHA256TreeHash, treeHash(data).toString('hex'));
    assert.equal(m.SHA256TreeHash, treeHash(data.subarray(0, 2 * MIB)).toString('hex'));
    assert.equal(m.RetrievalByteRange, range);
    assert.equal(m.Tier, 'Standard');
    assert.equal(m.SNSTopic, topicArn);
    assert.equal(m.JobDescription, 'job d');
    assert.ok(Date.parse(m.CompletionDate) >= Date.parse(m.CreationDate));
    assert.ok('InventorySizeInBytes' in m);
  });

  it('notifies through the vault notification configuration for inventory jobs', async () => {
    await ep.glacier.send(new SetVaultNotificationsCommand({ ...A, vaultNotificationConfig: { SNSTopic: topicArn, Events: ['InventoryRetrievalCompleted'] } }));
    const { jobId } = await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'inventory-retrieval' } }));
    const m = JSON.parse(await receiveOne(ep, raw.url));
    assert.equal(m.Action, 'InventoryRetrieval');
    assert.equal(m.JobId, jobId);
    assert.equal(m.StatusCode, 'Succeeded');
    assert.equal(m.SNSTopic, topicArn);
    assert.ok(m.InventorySizeInBytes > 0);
    assert.equal(m.InventoryRetrievalParameters.Format, 'JSON');
    await receiveOne(ep, enveloped.url);
  });

  it('switches a subscription to raw, unsubscribes, and refuses bad requests', async () => {
    const other = await queue(ep, 'jobs-other');
    const { SubscriptionArn } = await ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: other.arn }));
    await ep.sns.send(new SetSubscriptionAttributesCommand({ SubscriptionArn, AttributeName: 'RawMessageDelivery', AttributeValue: 'true' }));
    await ep.sns.send(new PublishCommand({ TopicArn: topicArn, Message: '{"k":1}' }));
    assert.equal(await receiveOne(ep, other.url), '{"k":1}');
    await receiveOne(ep, enveloped.url);
    await receiveOne(ep, raw.url);
    await ep.sns.send(new UnsubscribeCommand({ SubscriptionArn }));
    await rejectsWith(ep.sns.send(new UnsubscribeCommand({ SubscriptionArn })), 'NotFoundException', 404);
    await rejectsWith(ep.sns.send(new PublishCommand({ TopicArn: `${topicArn}-missing`, Message: 'x' })), 'NotFoundException', 404);
    await rejectsWith(ep.sns.send(new PublishCommand({ TopicArn: topicArn, Message: '' })), 'InvalidParameterException', 400);
    await rejectsWith(ep.sns.send(new CreateTopicCommand({ Name: 'bad topic' })), 'InvalidParameterException', 400);
    await rejectsWith(ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'email', Endpoint: 'a@b.c' })), 'InvalidParameterException', 400);
    await rejectsWith(ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: other.arn, Attributes: { RawMessageDelivery: 'maybe' } })),
      'InvalidParameterException', 400);
  });
});
