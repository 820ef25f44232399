import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListSubscriptionsByTopicCommand, PublishCommand } from '@aws-sdk/client-sns';
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { CreateVaultCommand, ListVaultsCommand } from '@aws-sdk/client-glacier';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { EndpointInUseError } from '../../../src/core/endpoint';
import { OWNER_LOCK } from '../../../src/core/endpoint/ownerLock';
import { createClients } from '../../../src/core/glacier/clients';
import { parseJobNotification } from '../../../src/core/glacier/notifications';
import { startEmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { spawnEndpointProcess } from '../../support/endpointProcess';

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
      assert.equal(ep.glacierConfigPatch.endpoint, ep.endpoint?.url);
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

  const vaultsAt = async (clients: ReturnType<typeof createClients>): Promise<string[]> =>
    ((await clients.glacier.send(new ListVaultsCommand({ accountId: '-' }))).VaultList ?? []).map((v) => v.VaultName ?? '');

  it('a second start on the same folder shares the first: one endpoint, one view of the data', async () => {
    const shared = path.join(dir, 'two-windows');
    const a = await startEmbeddedEndpoint({ dir: shared });
    const b = await startEmbeddedEndpoint({ dir: shared });
    const ca = createClients(a.glacierConfigPatch);
    const cb = createClients(b.glacierConfigPatch);
    try {
      assert.ok(a.endpoint, 'the first runs the endpoint');
      assert.equal(b.endpoint, undefined, 'the second runs none of its own');
      assert.equal(b.url, a.url);
      assert.equal(b.glacierConfigPatch.queueUrl, a.glacierConfigPatch.queueUrl);
      await cb.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'made-in-b' }));
      assert.deepEqual(await vaultsAt(ca), ['made-in-b'], 'what one writes the other sees at once');
      // Serving in the foreground (`freezer endpoint`) refuses, naming who runs it.
      await assert.rejects(startEmbeddedEndpoint({ dir: shared, share: false }), (e: unknown) =>
        e instanceof EndpointInUseError && e.message.includes(String(process.pid)) && e.message.includes(a.url));
    } finally {
      ca.destroy();
      cb.destroy();
      await b.close();
      await a.close();
    }
    assert.equal(existsSync(path.join(shared, OWNER_LOCK)), false, 'a clean stop leaves no lock');
  });

  it('when the process that runs the endpoint dies, a sharer takes over on the same port and loses nothing', async () => {
    const folder = path.join(dir, 'owner-dies');
    const { child, url } = await spawnEndpointProcess(folder);
    try {
      const ep = await startEmbeddedEndpoint({ dir: folder });
      const clients = createClients(ep.glacierConfigPatch);
      try {
        assert.equal(ep.url, url);
        assert.equal(ep.endpoint, undefined, 'shares the other process\'s endpoint');
        await clients.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'before-the-kill' }));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        // The same clients, the same URL work again once this process has taken over.
        const end = Date.now() + 10_000;
        let seen: string[] | undefined;
        while (!seen) {
          seen = await vaultsAt(clients).catch((e: unknown) => { if (Date.now() > end) throw e; return undefined; });
          if (!seen) await new Promise((r) => setTimeout(r, 100));
        }
        assert.deepEqual(seen, ['before-the-kill']);
        // A getter: it changed since the check above. The new server may answer a moment before it is recorded.
        let taken = ep.endpoint as { url: string } | undefined;
        while (!taken && Date.now() < end) {
          await new Promise((r) => setTimeout(r, 50));
          taken = ep.endpoint as { url: string } | undefined;
        }
        assert.ok(taken, 'this process runs the endpoint now');
        assert.equal(taken.url, url, 'on the same port');
        await clients.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'after-the-kill' }));
        assert.deepEqual((await vaultsAt(clients)).sort(), ['after-the-kill', 'before-the-kill']);
      } finally {
        clients.destroy();
        await ep.close();
      }
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('a lock left behind (its process gone, or a live pid with nothing listening) does not stop a start', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    for (const [name, pid] of [['dead-pid', Number(dead.stdout)], ['reused-pid', process.ppid]] as const) {
      const folder = path.join(dir, name);
      await fs.mkdir(folder, { recursive: true });
      writeFileSync(path.join(folder, OWNER_LOCK), JSON.stringify({ pid, url: 'http://127.0.0.1:9', since: new Date().toISOString() }));
      const ep = await startEmbeddedEndpoint({ dir: folder });
      try {
        assert.ok(ep.endpoint, `${name}: runs its own endpoint`);
        assert.notEqual(ep.url, 'http://127.0.0.1:9');
        const lock = JSON.parse(await fs.readFile(path.join(folder, OWNER_LOCK), 'utf8')) as { pid: number; url: string };
        assert.deepEqual([lock.pid, lock.url], [process.pid, ep.url], `${name}: the lock names this process now`);
      } finally {
        await ep.close();
      }
    }
  });
});
