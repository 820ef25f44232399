import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { CancellationError } from '../../../src/core/errors';
import { InventoryHeader, needsInventory, parseInventoryStream } from '../../../src/core/glacier/inventory';
import { mergeInventoryStream } from '../../../src/core/glacier/inventoryMerge';
import { waitForJob } from '../../../src/core/glacier/jobPoller';
import { describeJob, listJobs } from '../../../src/core/glacier/jobs';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { initiateArchiveRetrieval, initiateInventoryRetrieval } from '../../../src/core/glacier/retrieval';
import { describeVault } from '../../../src/core/glacier/vaults';
import { TestEnv, startEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv({ jobDelays: { Standard: 400, Bulk: 60_000 } }); });
after(() => env.close());

test('the poller waits for a job with DescribeJob, and can be cancelled', async () => {
  const file = await env.makeFile('p.bin', 1000);
  const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'p' });
  const { jobId } = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Standard' });
  assert.equal((await describeJob(env.clients, env.vault, jobId)).completed, false);
  let polls = 0;
  const job = await waitForJob(env.clients, env.vault, jobId, { intervalMs: 50, onPoll: () => { polls++; } });
  assert.equal(job.statusCode, 'Succeeded');
  assert.equal(job.archiveSizeInBytes, 1000);
  assert.ok(polls >= 2);
  const slow = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Bulk' });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 150);
  await assert.rejects(waitForJob(env.clients, env.vault, slow.jobId, { intervalMs: 50, signal: ac.signal }), (e) => CancellationError.is(e));
  assert.ok((await listJobs(env.clients, env.vault)).some((j) => j.jobId === slow.jobId && !j.completed));
});

test('an inventory job is streamed, parsed and merged against the local list', async () => {
  const ids: string[] = [];
  for (const n of ['i1', 'i2', 'i3']) {
    const file = await env.makeFile(`${n}.bin`, 100 + ids.length);
    ids.push((await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: `${n}.tar.gz:AES-256-1` })).archiveId);
  }
  const vault = await describeVault(env.clients, env.vault);
  assert.equal(needsInventory(1, vault.numberOfArchives), true);
  const { jobId } = await initiateInventoryRetrieval(env.clients, { vault: env.vault });
  const job = await waitForJob(env.clients, env.vault, jobId, { intervalMs: 50 });
  assert.equal(job.statusCode, 'Succeeded');
  const out = await env.clients.glacier.send(new GetJobOutputCommand({ accountId: '-', vaultName: env.vault, jobId }));
  const header: InventoryHeader = {};
  const local = [{ archiveId: ids[0], size: 100 }, { archiveId: 'long-gone', uploadedAt: '2020-01-01T00:00:00Z' }];
  const merge = await mergeInventoryStream(local, parseInventoryStream(out.body as Readable, header), () => header.inventoryDate);
  assert.ok(header.vaultArn?.endsWith(`:vaults/${env.vault}`));
  const added = merge.add.map((a) => a.archiveId).sort();
  for (const id of ids.slice(1)) assert.ok(added.includes(id));
  assert.ok(!added.includes(ids[0]));
  assert.ok(merge.add.some((a) => a.description === 'i2.tar.gz:AES-256-1' && a.size === 101));
  assert.deepEqual(merge.missing, ['long-gone']);
});
