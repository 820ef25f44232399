import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateVaultCommand, DescribeJobCommand, DescribeVaultCommand, GetJobOutputCommand, GetVaultNotificationsCommand,
  GlacierClient, InitiateJobCommand, InitiateMultipartUploadCommand, ListPartsCommand, SetVaultNotificationsCommand, UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { treeHash } from '../../../src/core/hash/treeHash';
import { spawnEndpointProcess } from '../../support/endpointProcess';
import { localClientConfig, startTestEndpoint, type TestEndpoint } from '../../support/localEndpoint';
import { bytes, MIB, readAll } from './helpers';

describe('local endpoint: persistence across restarts', () => {
  let dir = '';
  let ep: TestEndpoint;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'freezer-endpoint-persist-'));
    ep = await startTestEndpoint({ dir, jobDelays: { Standard: 700 } });
  });
  after(async () => {
    await ep?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps vaults, archives, uploads, jobs, notification settings, queues and topics; pending jobs complete after restart', async () => {
    const A = { accountId: '-', vaultName: 'durable' };
    await ep.glacier.send(new CreateVaultCommand(A));
    const data = bytes(MIB + 500, 31);
    const archiveId = (await ep.glacier.send(new UploadArchiveCommand({ ...A, body: data, archiveDescription: 'kept' }))).archiveId!;
    const mp = bytes(2 * MIB + 10, 32);
    const uploadId = (await ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(MIB) }))).uploadId!;
    await ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId, body: mp.subarray(0, MIB), range: `bytes 0-${MIB - 1}/*` }));
    const topicArn = (await ep.sns.send(new CreateTopicCommand({ Name: 'persist' }))).TopicArn!;
    const QueueUrl = (await ep.sqs.send(new CreateQueueCommand({ QueueName: 'persist-q' }))).QueueUrl!;
    const qArn = (await ep.sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    await ep.sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: qArn, Attributes: { RawMessageDelivery: 'true' } }));
    await ep.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'survives' }));
    await ep.glacier.send(new SetVaultNotificationsCommand({ ...A, vaultNotificationConfig: { SNSTopic: topicArn, Events: ['ArchiveRetrievalCompleted'] } }));
    const { jobId } = await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
    assert.equal((await ep.glacier.send(new DescribeJobCommand({ ...A, jobId }))).StatusCode, 'InProgress');

    await ep.restart();

    const v = await ep.glacier.send(new DescribeVaultCommand(A));
    assert.equal(v.NumberOfArchives, 1);
    assert.equal(v.SizeInBytes, data.length);
    assert.equal((await ep.glacier.send(new GetVaultNotificationsCommand(A))).vaultNotificationConfig?.SNSTopic, topicArn);
    const parts = await ep.glacier.send(new ListPartsCommand({ ...A, uploadId }));
    assert.deepEqual(parts.Parts!.map((p) => p.RangeInBytes), [`0-${MIB - 1}`]);
    await ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId, body: mp.subarray(MIB, 2 * MIB), range: `bytes ${MIB}-${2 * MIB - 1}/*` }));
    await ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId, body: mp.subarray(2 * MIB), range: `bytes ${2 * MIB}-${mp.length - 1}/*` }));
    const done = await ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId, archiveSize: String(mp.length), checksum: treeHash(mp).toString('hex') }));
    assert.ok(done.archiveId);

    // the queue kept its message; the job's completion (after the restart) notifies through the kept subscription
    const bodies: string[] = [];
    const deadline = Date.now() + 5000;
    while (bodies.length < 2 && Date.now() < deadline) {
      const r = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 30 }));
      bodies.push(...(r.Messages ?? []).map((m) => m.Body!));
    }
    assert.ok(bodies.includes('survives'));
    const note = bodies.find((b) => b.startsWith('{'));
    assert.ok(note, 'the job-completion notification arrived');
    assert.equal(JSON.parse(note).JobId, jobId);
    const out = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId }));
    assert.ok((await readAll(out.body)).equals(data));
  });

  it('loses nothing acknowledged when the endpoint process is killed', async () => {
    const killedDir = path.join(dir, 'killed');
    const { child, url } = await spawnEndpointProcess(killedDir);
    try {
      const g = new GlacierClient(localClientConfig(url));
      const A = { accountId: '-', vaultName: 'crash' };
      await g.send(new CreateVaultCommand(A));
      const data = bytes(300_000, 41);
      const { archiveId } = await g.send(new UploadArchiveCommand({ ...A, body: data }));
      g.destroy();
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const again = await startTestEndpoint({ dir: killedDir });
      try {
        const { jobId } = await again.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId } }));
        const out = await again.glacier.send(new GetJobOutputCommand({ ...A, jobId }));
        assert.ok((await readAll(out.body)).equals(data));
      } finally {
        await again.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
