/**
 * Faults that act after the work is done: the request is handled and persisted, and only its answer
 * is lost (apply-then-drop) or cut off mid-body (cut-body), per operation and for its next N times.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CompleteMultipartUploadCommand, CreateVaultCommand, DescribeVaultCommand, GetJobOutputCommand, InitiateJobCommand,
  InitiateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, ListVaultsCommand, UploadArchiveCommand,
  UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { CreateTopicCommand, ListTopicsCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { treeHash } from '../../../src/core/hash/treeHash';
import type { ObservedRequest } from '../../../src/core/endpoint';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { MIB, bytes, rejectsWith } from './helpers';

const lost = async (p: Promise<unknown>): Promise<Error> => {
  const e = await p.then(() => undefined, (err: Error) => err);
  assert.ok(e, 'the call must fail: its answer was lost');
  assert.equal((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, undefined, `no complete HTTP response (${e.name}: ${e.message})`);
  return e;
};

describe('local endpoint: faults after the work is done', () => {
  const ep = withLocalEndpoint({ maxAttempts: 1 });
  const A = { accountId: '-', vaultName: 'after' };

  it('apply-then-drop on CompleteMultipartUpload: the archive exists, the answer is lost, only the next time', async () => {
    await ep.glacier.send(new CreateVaultCommand(A));
    const body = bytes(2 * MIB, 5);
    const init = await ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(MIB) }));
    for (const i of [0, 1]) {
      const part = body.subarray(i * MIB, (i + 1) * MIB);
      await ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId: init.uploadId, range: `bytes ${i * MIB}-${(i + 1) * MIB - 1}/*`, checksum: treeHash(part).toString('hex'), body: part }));
    }
    ep.endpoint.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['CompleteMultipartUpload'], times: 1 });
    const before = (await ep.glacier.send(new DescribeVaultCommand(A))).NumberOfArchives ?? 0;
    await lost(ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId: init.uploadId, archiveSize: String(body.length), checksum: treeHash(body).toString('hex') })));
    // Only that operation met the rule, and it is spent after one fault.
    assert.equal((await ep.glacier.send(new DescribeVaultCommand(A))).NumberOfArchives, before + 1, 'the archive was created');
    const uploads = await ep.glacier.send(new ListMultipartUploadsCommand(A));
    assert.ok(!(uploads.UploadsList ?? []).some((u) => u.MultipartUploadId === init.uploadId), 'the upload is gone: it completed');
    await rejectsWith(ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId: init.uploadId, archiveSize: String(body.length), checksum: treeHash(body).toString('hex') })), 'ResourceNotFoundException', 404);
    assert.deepEqual(ep.endpoint.faultLog().filter((f) => f.kind === 'apply-then-drop'), [{ operation: 'CompleteMultipartUpload', kind: 'apply-then-drop' }]);
    ep.endpoint.setFaults(undefined);
  });

  it('apply-then-drop on an empty-bodied part upload stores the part; cut-body leaves no complete answer either', async () => {
    const init = await ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(MIB) }));
    const part = bytes(MIB, 9);
    const send = (i: number) => ep.glacier.send(new UploadMultipartPartCommand({
      ...A, uploadId: init.uploadId, range: `bytes ${i * MIB}-${(i + 1) * MIB - 1}/*`, checksum: treeHash(part).toString('hex'), body: part,
    }));
    ep.endpoint.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['UploadMultipartPart'] });
    await lost(send(0));
    ep.endpoint.setFaults({ rate: 1, kinds: ['cut-body'], operations: ['UploadMultipartPart'] });
    await lost(send(1));
    ep.endpoint.setFaults(undefined);
    const parts = await ep.glacier.send(new ListPartsCommand({ ...A, uploadId: init.uploadId }));
    assert.deepEqual((parts.Parts ?? []).map((p) => p.RangeInBytes), [`0-${MIB - 1}`, `${MIB}-${2 * MIB - 1}`], 'both parts were stored');
  });

  it('cut-body on JSON answers and on a job output stream: headers and part of the body, then the connection closes', async () => {
    ep.endpoint.setFaults({ rate: 1, kinds: ['cut-body'], operations: ['ListVaults'] });
    const cut = await ep.glacier.send(new ListVaultsCommand({ accountId: '-' })).then(() => undefined, (e: Error) => e);
    assert.ok(cut, 'a JSON answer cut in half fails the call');
    assert.match(cut.message, /aborted|Deserialization|socket hang up|ECONNRESET/i);
    ep.endpoint.setFaults(undefined);
    const data = bytes(3 * MIB, 11);
    const up = await ep.glacier.send(new UploadArchiveCommand({ ...A, checksum: treeHash(data).toString('hex'), body: data }));
    const job = await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: up.archiveId, Tier: 'Expedited' } }));
    const seen: ObservedRequest[] = [];
    const stop = ep.endpoint.onRequest((r) => seen.push(r));
    ep.endpoint.setFaults({ rate: 1, kinds: ['cut-body'], operations: ['GetJobOutput'], times: 1 });
    const out = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: job.jobId }));
    assert.equal(out.$metadata.httpStatusCode, 200, 'the status line and headers arrived');
    let received = 0;
    const read = (async () => { for await (const c of out.body as AsyncIterable<Uint8Array>) received += c.length; })();
    await assert.rejects(read, 'reading the cut body fails');
    assert.ok(received > 0 && received < data.length, `part of the body arrived (${received} of ${data.length})`);
    const again = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: job.jobId }));
    assert.equal(Buffer.from(await again.body!.transformToByteArray()).equals(data), true, 'spent after one: the next read is whole');
    for (let i = 0; i < 100 && seen.filter((r) => r.operation === 'GetJobOutput').length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    stop();
    const outputs = seen.filter((r) => r.operation === 'GetJobOutput');
    assert.deepEqual(outputs.map((r) => [r.fault, r.status]), [['cut-body', undefined], [undefined, 200]], 'the observer tells the cut answer from the whole one');
    ep.endpoint.setFaults(undefined);
  });

  it('apply-then-drop on SQS and SNS: the message is queued and the topic created although the caller saw a failure', async () => {
    const q = await ep.sqs.send(new CreateQueueCommand({ QueueName: 'after-q' }));
    ep.endpoint.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['SendMessage', 'CreateTopic'] });
    await lost(ep.sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'kept' })));
    await lost(ep.sns.send(new CreateTopicCommand({ Name: 'after-t' })));
    ep.endpoint.setFaults(undefined);
    const got = await ep.sqs.send(new ReceiveMessageCommand({ QueueUrl: q.QueueUrl, WaitTimeSeconds: 0 }));
    assert.deepEqual((got.Messages ?? []).map((m) => m.Body), ['kept']);
    const topics = await ep.sns.send(new ListTopicsCommand({}));
    assert.ok((topics.Topics ?? []).some((t) => t.TopicArn?.endsWith(':after-t')));
  });

  it('per-operation rules leave other operations alone, and replay from their seed', async () => {
    const run = async (seed: number) => {
      ep.endpoint.setFaults([{ rate: 0.5, kinds: ['apply-then-drop', 'cut-body', '503'], operations: ['DescribeVault'], seed }]);
      let s = '';
      for (let i = 0; i < 16; i++) {
        s += await ep.glacier.send(new DescribeVaultCommand(A)).then(() => '.', () => 'x');
        assert.ok((await ep.glacier.send(new ListVaultsCommand({ accountId: '-' }))).VaultList, 'ListVaults is never hit');
      }
      ep.endpoint.setFaults(undefined);
      return s;
    };
    const a = await run(4);
    assert.equal(await run(4), a, 'same seed, same faults');
    assert.ok(a.includes('x') && a.includes('.'), a);
  });
});
