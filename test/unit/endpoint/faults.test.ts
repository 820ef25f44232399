import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateVaultCommand, DescribeVaultCommand, ListVaultsCommand } from '@aws-sdk/client-glacier';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { rejectsWith } from './helpers';

describe('local endpoint: fault injection', () => {
  // maxAttempts 1: no SDK retries, so every injected fault is seen by the caller.
  const ep = withLocalEndpoint({ maxAttempts: 1 });
  const A = { accountId: '-', vaultName: 'faulty' };
  const describeVault = () => ep.glacier.send(new DescribeVaultCommand(A));

  it('produces each configured fault in each protocol, then stops and comes back', async () => {
    await ep.glacier.send(new CreateVaultCommand(A));
    const cases: [kind: '500' | '503' | 'throttle' | 'timeout', glacier: string, sqs: string, sns: string, status: number][] = [
      ['500', 'InternalFailure', 'InternalFailure', 'InternalErrorException', 500],
      ['503', 'ServiceUnavailableException', 'ServiceUnavailable', 'ServiceUnavailable', 503],
      ['throttle', 'ThrottlingException', 'ThrottlingException', 'ThrottledException', 400],
      ['timeout', 'RequestTimeoutException', 'RequestTimeout', 'RequestTimeout', 408],
    ];
    for (const [kind, g, q, n, status] of cases) {
      ep.endpoint.setFaults({ rate: 1, kinds: [kind] });
      await rejectsWith(describeVault(), g, status);
      await rejectsWith(ep.sqs.send(new CreateQueueCommand({ QueueName: 'fq' })), q, status);
      await rejectsWith(ep.sns.send(new CreateTopicCommand({ Name: 'ft' })), n, status);
    }
    ep.endpoint.setFaults(undefined);
    assert.equal((await describeVault()).VaultName, 'faulty');
    ep.endpoint.setFaults({ rate: 1, kinds: ['503'] });
    await rejectsWith(describeVault(), 'ServiceUnavailableException', 503);
    ep.endpoint.setFaults(undefined);
    assert.equal((await describeVault()).VaultName, 'faulty');
  });

  it('drops connections and slows responses', async () => {
    ep.endpoint.setFaults({ rate: 1, kinds: ['drop'] });
    const e = await describeVault().then(() => undefined, (err: Error) => err);
    assert.ok(e, 'a dropped connection fails the call');
    assert.equal((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode, undefined, 'no HTTP response at all');
    assert.match(`${(e as Error).message} ${(e as NodeJS.ErrnoException).code ?? ''}`, /socket hang up|ECONNRESET|EPIPE/i);
    ep.endpoint.setFaults({ rate: 1, kinds: ['slow'], slowMs: 300 });
    const t0 = Date.now();
    assert.equal((await describeVault()).VaultName, 'faulty');
    assert.ok(Date.now() - t0 >= 290, 'the response was delayed');
    ep.endpoint.setFaults(undefined);
  });

  it('injects at the configured rate, reproducibly from the seed', async () => {
    const run = async (seed: number): Promise<string> => {
      ep.endpoint.setFaults({ rate: 0.4, kinds: ['500', '503', 'throttle'], seed });
      let outcome = '';
      for (let i = 0; i < 40; i++) {
        outcome += await ep.glacier.send(new ListVaultsCommand({ accountId: '-' })).then(() => '.', (err: Error) => err.name[0]);
      }
      ep.endpoint.setFaults(undefined);
      return outcome;
    };
    const a = await run(42);
    const b = await run(42);
    const c = await run(7);
    assert.equal(a, b, 'the same seed gives the same faults');
    assert.notEqual(a, c, 'another seed gives other faults');
    const failures = [...a].filter((ch) => ch !== '.').length;
    assert.ok(failures >= 6 && failures <= 28, `about 40% of 40 calls failed (${failures})`);
    assert.ok(new Set([...a].filter((ch) => ch !== '.')).size >= 2, 'several kinds were injected');
    const counts = ep.endpoint.faultCounts();
    assert.ok(counts['500'] + counts['503'] + counts.throttle >= failures);
  });

  it('lets the SDK retry through a moderate fault rate', async () => {
    ep.endpoint.setFaults({ rate: 0.3, kinds: ['500', '503', 'throttle'], seed: 3 });
    const { GlacierClient } = await import('@aws-sdk/client-glacier');
    const { localClientConfig } = await import('../../support/localEndpoint');
    const retrying = new GlacierClient({ ...localClientConfig(ep.url), maxAttempts: 10, retryMode: 'standard' });
    try {
      for (let i = 0; i < 10; i++) assert.equal((await retrying.send(new DescribeVaultCommand(A))).VaultName, 'faulty');
    } finally {
      retrying.destroy();
      ep.endpoint.setFaults(undefined);
    }
  });
});
