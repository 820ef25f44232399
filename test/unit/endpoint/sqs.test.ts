import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand,
  GetQueueUrlCommand, ListQueuesCommand, PurgeQueueCommand, ReceiveMessageCommand, SendMessageCommand, SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { rejectsWith } from './helpers';

describe('local endpoint: SQS (JSON protocol)', () => {
  const ep = withLocalEndpoint();

  it('creates a queue idempotently, finds it by name and reports its attributes', async () => {
    const { QueueUrl } = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-basic', Attributes: { VisibilityTimeout: '5' } }));
    assert.equal(QueueUrl, `${ep.url}/123456789012/q-basic`);
    assert.equal((await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-basic', Attributes: { VisibilityTimeout: '5' } }))).QueueUrl, QueueUrl);
    await rejectsWith(ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-basic', Attributes: { VisibilityTimeout: '6' } })), 'QueueNameExists', 400);
    assert.equal((await ep.sqs.send(new GetQueueUrlCommand({ QueueName: 'q-basic' }))).QueueUrl, QueueUrl);
    const attrs = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(attrs.QueueArn, 'arn:aws:sqs:us-east-1:123456789012:q-basic');
    assert.equal(attrs.VisibilityTimeout, '5');
    assert.equal(attrs.ApproximateNumberOfMessages, '0');
    const one = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!;
    assert.deepEqual(Object.keys(one), ['QueueArn']);
    await ep.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { ReceiveMessageWaitTimeSeconds: '1' } }));
    assert.ok((await ep.sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'q-b' }))).QueueUrls!.includes(QueueUrl!));
  });

  it('sends, receives (with the body MD5 the SDK checks) and deletes messages', async () => {
    const { QueueUrl } = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-msgs' }));
    const sent = await ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'hello ❄ world' }));
    assert.equal(sent.MD5OfMessageBody, createHash('md5').update('hello ❄ world').digest('hex'));
    const r = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }));
    assert.equal(r.Messages!.length, 1);
    const m = r.Messages![0];
    assert.equal(m.Body, 'hello ❄ world');
    assert.equal(m.MessageId, sent.MessageId);
    assert.equal(m.Attributes?.ApproximateReceiveCount, '1');
    await ep.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    const attrs = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(attrs.ApproximateNumberOfMessages, '0');
    assert.equal(attrs.ApproximateNumberOfMessagesNotVisible, '0');
    await rejectsWith(ep.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: 'garbage' })), 'ReceiptHandleIsInvalid');
  });

  it('hides a received message for its visibility timeout, then delivers it again', async () => {
    const { QueueUrl } = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-vis' }));
    await ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'again' }));
    const first = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1 }));
    assert.equal(first.Messages!.length, 1);
    const none = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(none.Messages, undefined);
    const t0 = Date.now();
    const second = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 3, MessageSystemAttributeNames: ['All'] }));
    assert.equal(second.Messages![0].Body, 'again');
    assert.equal(second.Messages![0].Attributes?.ApproximateReceiveCount, '2');
    assert.ok(Date.now() - t0 < 2500, 'the long poll returned once the message became visible');
    // the older receipt no longer deletes the message
    await ep.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages![0].ReceiptHandle }));
    await ep.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: second.Messages![0].ReceiptHandle, VisibilityTimeout: 0 }));
    const third = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    assert.equal(third.Messages![0].Body, 'again');
  });

  it('long polling waits for a message sent during the wait, and times out empty', async () => {
    const { QueueUrl } = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-long' }));
    const t0 = Date.now();
    const empty = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    assert.equal(empty.Messages, undefined);
    assert.ok(Date.now() - t0 >= 900, 'waited about WaitTimeSeconds');
    const poll = ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    setTimeout(() => void ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'late' })), 200);
    const t1 = Date.now();
    const got = await poll;
    assert.equal(got.Messages![0].Body, 'late');
    assert.ok(Date.now() - t1 < 5000);
    await rejectsWith(ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 21 })), 'InvalidParameterValue');
    await rejectsWith(ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })), 'InvalidParameterValue');
  });

  it('purges and deletes queues; unknown queues and bad names are refused', async () => {
    const { QueueUrl } = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-purge' }));
    for (let i = 0; i < 3; i++) await ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` }));
    await ep.sqs.send(new PurgeQueueCommand({ QueueUrl }));
    assert.equal((await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages, undefined);
    await ep.sqs.send(new DeleteQueueCommand({ QueueUrl }));
    await rejectsWith(ep.sqs.send(new GetQueueUrlCommand({ QueueName: 'q-purge' })), 'QueueDoesNotExist', 400);
    await rejectsWith(ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'x' })), 'QueueDoesNotExist', 400);
    await rejectsWith(ep.sqs.send(new CreateQueueCommand({ QueueName: 'bad name!' })), 'InvalidParameterValue');
    await rejectsWith(ep.sqs.send(new CreateQueueCommand({ QueueName: 'q-attr', Attributes: { VisibilityTimeout: '99999' } })), 'InvalidAttributeValue');
  });
});
