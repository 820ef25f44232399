/**
 * A retrieval is billed per InitiateJob, and Glacier has no idempotency token for it: when the answer
 * is lost after the job was started, a plain retry starts (and bills) a second job. Freezer's token in
 * the job description lets the retry find and adopt the first one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listJobs } from '../../../src/core/glacier/jobs';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { initiateArchiveRetrieval, initiateInventoryRetrieval } from '../../../src/core/glacier/retrieval';
import { startEnv, type TestEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv({ jobDelays: { Standard: 60_000 } }); });
after(() => env.close());

const jobsAt = async () => (await listJobs(env.clients, env.vault)).map((j) => ({ id: j.jobId, action: j.action, description: j.description }));

test('a lost InitiateJob answer starts one billed job, not two, and the job id comes back', async () => {
  const file = await env.makeFile('a.bin', 3000);
  const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'a' });
  const before = (await jobsAt()).length;
  env.endpoint.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['InitiateJob'], times: 1 });
  const { jobId } = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Standard', description: 'restore a.bin' });
  env.endpoint.setFaults(undefined);
  assert.deepEqual(env.endpoint.faultLog().filter((f) => f.operation === 'InitiateJob').map((f) => f.kind), ['apply-then-drop'], 'the first answer was lost');
  const jobs = await jobsAt();
  assert.equal(jobs.length, before + 1, `exactly one job started: ${JSON.stringify(jobs)}`);
  assert.ok(jobs.some((j) => j.id === jobId), 'the id returned is the job Glacier started');
  assert.match(jobs.find((j) => j.id === jobId)!.description ?? '', /^restore a\.bin fz=[\w-]{16}$/, "the user's description is kept, the token after it");
});

test('every answer lost: still one job, adopted by its token', async () => {
  const before = (await jobsAt()).length;
  env.endpoint.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['InitiateJob'], times: 50 });
  try {
    const { jobId } = await initiateInventoryRetrieval(env.clients, { vault: env.vault });
    const jobs = await jobsAt();
    assert.equal(jobs.length, before + 1, `exactly one inventory job: ${JSON.stringify(jobs)}`);
    assert.equal(jobs.find((j) => j.id === jobId)?.action, 'InventoryRetrieval');
  } finally {
    env.endpoint.setFaults(undefined);
  }
});
