import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CancellationError, FreezerError } from '../../../src/core/errors';
import { MIB, TreeHasher } from '../../../src/core/hash/treeHash';
import { downloadJobOutput, partialPath, statePath } from '../../../src/core/glacier/jobOutputDownloader';
import { waitForJob } from '../../../src/core/glacier/jobPoller';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { initiateArchiveRetrieval } from '../../../src/core/glacier/retrieval';
import { TestEnv, startEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv(); });
after(() => env.close());

async function uploadAndRetrieve(name: string, size: number) {
  const file = await env.makeFile(`${name}.bin`, size);
  const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: name, partSize: MIB });
  const { jobId } = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Bulk' });
  const job = await waitForJob(env.clients, env.vault, jobId, { intervalMs: 20 });
  assert.equal(job.statusCode, 'Succeeded');
  return { file, data: await fs.readFile(file), up, jobId, job };
}

/** The endpoint's stored copy of an archive: its part files. */
async function storedParts(): Promise<string[]> {
  const root = path.join(env.dir, 'endpoint', 'blobs');
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.bin')) found.push(p);
    }
  };
  await walk(root);
  return found;
}

async function newestStoredPart(): Promise<string> {
  const parts = await storedParts();
  const stats = await Promise.all(parts.map(async (p) => ({ p, t: (await fs.stat(p)).mtimeMs })));
  return stats.sort((a, b) => b.t - a.t)[0].p;
}

test('an interrupted download resumes with the missing ranges only', async () => {
  const { data, up, jobId } = await uploadAndRetrieve('resume-dl', 6 * MIB + 777);
  const dest = path.join(env.dir, 'resume-dl.out');
  const ac = new AbortController();
  const common = { clients: env.clients, vault: env.vault, jobId, size: data.length, expectedTreeHash: up.treeHash, dest, rangeSize: MIB };
  await assert.rejects(
    downloadJobOutput({ ...common, concurrency: 1, signal: ac.signal, onProgress: (p) => { if (p.bytesDone >= 3 * MIB) ac.abort(); } }),
    (e) => CancellationError.is(e),
  );
  await assert.rejects(fs.access(dest), 'nothing at the final path before verification');
  await fs.access(partialPath(dest));
  const r = await downloadJobOutput({ ...common, concurrency: 3 });
  assert.equal(r.rangesTotal, 7);
  assert.equal(r.rangesFetched, 4);
  assert.ok(data.equals(await fs.readFile(dest)));
  await assert.rejects(fs.access(statePath(dest)));
  await assert.rejects(fs.access(partialPath(dest)));
});

test('bytes corrupted in the vault are caught by the range check and never reach the destination', async () => {
  const { data, up, jobId } = await uploadAndRetrieve('corrupt-range', 3 * MIB);
  const part = await newestStoredPart();
  const bytes = await fs.readFile(part);
  bytes[bytes.length >> 1] ^= 0xff;
  await fs.writeFile(part, bytes);
  const dest = path.join(env.dir, 'corrupt-range.out');
  await assert.rejects(
    downloadJobOutput({ clients: env.clients, vault: env.vault, jobId, size: data.length, expectedTreeHash: up.treeHash, dest, rangeSize: MIB, rangeAttempts: 2 }),
    (e) => FreezerError.is(e, 'TreeHashMismatch') && /after 2 attempts/.test(e.message),
  );
  await assert.rejects(fs.access(dest));
});

test('consistently wrong bytes (range hashes agree, archive hash does not) are caught by the whole-file check', async () => {
  const { data, up, jobId } = await uploadAndRetrieve('corrupt-whole', 2 * MIB + 10);
  // Corrupt a stored part and rewrite its leaf hashes, so every range checks out on its own.
  const part = await newestStoredPart();
  const bytes = await fs.readFile(part);
  bytes[5] ^= 0xff;
  await fs.writeFile(part, bytes);
  const h = new TreeHasher().update(bytes);
  h.digest();
  await fs.writeFile(part.replace(/\.bin$/, '.leaves'), Buffer.concat(h.leafHashes() as Buffer[]));
  const dest = path.join(env.dir, 'corrupt-whole.out');
  await assert.rejects(
    downloadJobOutput({ clients: env.clients, vault: env.vault, jobId, size: data.length, expectedTreeHash: up.treeHash, dest, rangeSize: MIB }),
    (e) => FreezerError.is(e, 'TreeHashMismatch') && e.message.includes(up.treeHash),
  );
  await assert.rejects(fs.access(dest));
  await assert.rejects(fs.access(partialPath(dest)), 'wrong bytes are discarded');
});

test('a partial retrieval is widened to a tree-hash-aligned range and verified against the job hash', async () => {
  const size = 5 * MIB + 3;
  const file = await env.makeFile('ranged.bin', size);
  const data = await fs.readFile(file);
  const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'ranged', partSize: MIB });
  const started = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Standard', range: { start: MIB + 5, end: 2 * MIB + 3 }, archiveSize: size });
  assert.deepEqual(started.range, { start: 0, end: 4 * MIB - 1 });
  const job = await waitForJob(env.clients, env.vault, started.jobId, { intervalMs: 20 });
  assert.ok(job.treeHash);
  const dest = path.join(env.dir, 'ranged.out');
  await downloadJobOutput({ clients: env.clients, vault: env.vault, jobId: started.jobId, size: 4 * MIB, expectedTreeHash: job.treeHash, dest, rangeSize: 2 * MIB });
  assert.ok(data.subarray(0, 4 * MIB).equals(await fs.readFile(dest)));
  const tail = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId: up.archiveId, tier: 'Standard', range: { start: 4 * MIB, end: size - 1 }, archiveSize: size });
  assert.deepEqual(tail.range, { start: 4 * MIB, end: size - 1 });
});

test('progress counts the bytes of a range while they arrive, and ends at the size once verified', async () => {
  const { data, up, jobId } = await uploadAndRetrieve('progress-dl', 4 * MIB);
  const seen: number[] = [];
  await downloadJobOutput({
    clients: env.clients, vault: env.vault, jobId, size: data.length, expectedTreeHash: up.treeHash, dest: path.join(env.dir, 'progress-dl.out'),
    rangeSize: 4 * MIB, concurrency: 1, onProgress: (p) => seen.push(p.bytesDone),
  });
  // One range of 4 MiB: before, the bar sat at 0 until the whole range was in.
  assert.ok(seen.some((b) => b > 0 && b < data.length), `a report inside the range (${seen.length} reports)`);
  assert.deepEqual(seen, [...seen].sort((a, b) => a - b), 'never goes back');
  assert.equal(seen[seen.length - 1], data.length);
  assert.equal(seen.filter((b) => b === data.length).length, 1, 'the full size is reported once, after verification');
});
