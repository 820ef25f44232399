import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { createClients } from '../../../src/core/glacier/clients';
import { parseJobNotification } from '../../../src/core/glacier/notifications';
import { startEmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';

describe('startEmbeddedEndpoint', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-embedded-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('sets up topic → queue once, across restarts on the same folder, and delivers notifications', async () => {
    const first = await startEmbeddedEndpoint({ dir });
    const topic = first.glacierConfigPatch.snsTopicArn;
    await first.close();
    const ep = await startEmbeddedEndpoint({ dir });
    const clients = createClients(ep.glacierConfigPatch);
    try {
      assert.equal(ep.glacierConfigPatch.snsTopicArn, topic, 'same topic after a restart');
      assert.equal(ep.glacierConfigPatch.endpoint, ep.endpoint.url);
      const subs = await clients.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }));
      assert.equal(subs.Subscriptions?.length, 1, 'one subscription, not one per start');
      const job = { JobId: 'j1', Action: 'ArchiveRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/v', StatusCode: 'Succeeded', Completed: true };
      await clients.sns.send(new PublishCommand({ TopicArn: topic, Message: JSON.stringify(job) }));
      const got = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: ep.glacierConfigPatch.queueUrl, WaitTimeSeconds: 2 }));
      const parsed = parseJobNotification(got.Messages?.[0]?.Body);
      assert.ok(parsed.ok && parsed.job.jobId === 'j1', 'the queue receives what the topic publishes');
    } finally {
      clients.destroy();
      await ep.close();
    }
  });
});
