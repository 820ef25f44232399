import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { before, describe, it } from 'node:test';
import {
  CreateVaultCommand, DescribeJobCommand, GetJobOutputCommand, InitiateJobCommand, ListJobsCommand, UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import { treeHash } from '../../../src/core/hash/treeHash';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { bytes, MIB, readAll, rejectsWith } from './helpers';

describe('local endpoint: retrieval and inventory jobs', () => {
  const ep = withLocalEndpoint();
  const vaultName = 'jobs';
  const A = { accountId: '-', vaultName };
  const data = bytes(5 * MIB + 333, 11);
  let archiveId = '';

  before(async () => {
    await ep.glacier.send(new CreateVaultCommand(A));
    archiveId = (await ep.glacier.send(new UploadArchiveCommand({ ...A, body: data, archiveDescription: 'five and a bit' }))).archiveId!;
  });

  const retrieve = async (extra: Record<string, string> = {}) =>
    (await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, ...extra } }))).jobId!;

  it('retrieves a whole archive: job description and output with its tree hash', async () => {
    const r = await ep.glacier.send(new InitiateJobCommand({
      ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, Description: 'restore me', Tier: 'Bulk' },
    }));
    assert.equal(r.location, `/-/vaults/${vaultName}/jobs/${r.jobId}`);
    const d = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: r.jobId }));
    assert.equal(d.Action, 'ArchiveRetrieval');
    assert.equal(d.ArchiveId, archiveId);
    assert.equal(d.JobDescription, 'restore me');
    assert.equal(d.VaultARN, `arn:aws:glacier:us-east-1:123456789012:vaults/${vaultName}`);
    assert.equal(d.StatusCode, 'Succeeded');
    assert.equal(d.Completed, true);
    assert.equal(d.Tier, 'Bulk');
    assert.equal(d.ArchiveSizeInBytes, data.length);
    assert.equal(d.RetrievalByteRange, `0-${data.length - 1}`);
    assert.equal(d.ArchiveSHA256TreeHash, treeHash(data).toString('hex'));
    assert.equal(d.SHA256TreeHash, treeHash(data).toString('hex'));
    assert.ok(Date.parse(d.CompletionDate!) >= Date.parse(d.CreationDate!));
    const out = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: r.jobId }));
    assert.equal(out.status, 200);
    assert.equal(out.acceptRanges, 'bytes');
    assert.equal(out.archiveDescription, 'five and a bit');
    assert.equal(out.checksum, treeHash(data).toString('hex'));
    assert.ok((await readAll(out.body)).equals(data));
  });

  it('retrieves a byte range; SHA256TreeHash only when the range is tree-hash aligned', async () => {
    const aligned = await retrieve({ RetrievalByteRange: `${2 * MIB}-${4 * MIB - 1}` });
    const a = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: aligned }));
    assert.equal(a.RetrievalByteRange, `${2 * MIB}-${4 * MIB - 1}`);
    assert.equal(a.SHA256TreeHash, treeHash(data.subarray(2 * MIB, 4 * MIB)).toString('hex'));
    const unaligned = await retrieve({ RetrievalByteRange: `${MIB}-${3 * MIB - 1}` });
    const u = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: unaligned }));
    assert.equal(u.SHA256TreeHash ?? null, null);
    const out = await readAll((await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: unaligned }))).body);
    assert.ok(out.equals(data.subarray(MIB, 3 * MIB)));
    const tail = await retrieve({ RetrievalByteRange: `${4 * MIB}-${data.length - 1}` });
    const t = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: tail }));
    assert.equal(t.SHA256TreeHash, treeHash(data.subarray(4 * MIB)).toString('hex'));
  });

  it('refuses retrieval ranges that are not megabyte aligned or fall outside the archive', async () => {
    for (const bad of ['1-1048575', `0-${MIB}`, `0-${data.length}`, `${2 * MIB}-${MIB - 1}`, 'abc', `${MIB}`]) {
      await rejectsWith(retrieve({ RetrievalByteRange: bad }), 'InvalidParameterValueException', 400);
    }
  });

  it('serves output ranges with 206, Content-Range and a tree hash when MiB aligned', async () => {
    const jobId = await retrieve();
    const r1 = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId, range: `bytes=${MIB}-${2 * MIB - 1}` }));
    assert.equal(r1.status, 206);
    assert.equal(r1.contentRange, `bytes ${MIB}-${2 * MIB - 1}/${data.length}`);
    const b1 = await readAll(r1.body);
    assert.ok(b1.equals(data.subarray(MIB, 2 * MIB)));
    assert.equal(r1.checksum, treeHash(b1).toString('hex'));
    const r2 = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId, range: 'bytes=100-199' }));
    assert.equal(r2.status, 206);
    assert.equal(r2.checksum, undefined);
    assert.ok((await readAll(r2.body)).equals(data.subarray(100, 200)));
    const r3 = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId, range: `bytes=${3 * MIB}-` }));
    const b3 = await readAll(r3.body);
    assert.ok(b3.equals(data.subarray(3 * MIB)));
    assert.equal(r3.contentRange, `bytes ${3 * MIB}-${data.length - 1}/${data.length}`);
    assert.equal(r3.checksum, treeHash(b3).toString('hex'));
    await rejectsWith(ep.glacier.send(new GetJobOutputCommand({ ...A, jobId, range: `bytes=${data.length}-` })), 'InvalidParameterValueException', 416);
    await rejectsWith(ep.glacier.send(new GetJobOutputCommand({ ...A, jobId, range: 'pages=1-2' })), 'InvalidParameterValueException', 400);
  });

  it('produces a JSON and a CSV inventory', async () => {
    const jobId = (await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'inventory-retrieval' } }))).jobId!;
    const d = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId }));
    assert.equal(d.Action, 'InventoryRetrieval');
    assert.equal(d.InventoryRetrievalParameters?.Format, 'JSON');
    const out = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId }));
    assert.equal(out.contentType, 'application/json');
    const text = (await readAll(out.body)).toString('utf8');
    assert.equal(Buffer.byteLength(text), d.InventorySizeInBytes);
    const inv = JSON.parse(text);
    assert.equal(inv.VaultARN, d.VaultARN);
    assert.ok(!Number.isNaN(Date.parse(inv.InventoryDate)));
    const entry = inv.ArchiveList.find((x: { ArchiveId: string }) => x.ArchiveId === archiveId);
    assert.deepEqual(Object.keys(entry).sort(), ['ArchiveDescription', 'ArchiveId', 'CreationDate', 'SHA256TreeHash', 'Size']);
    assert.equal(entry.Size, data.length);
    assert.equal(entry.ArchiveDescription, 'five and a bit');
    assert.equal(entry.SHA256TreeHash, treeHash(data).toString('hex'));

    const csvJob = (await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'inventory-retrieval', Format: 'CSV' } }))).jobId!;
    const csv = (await readAll((await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: csvJob }))).body)).toString('utf8');
    const lines = csv.trim().split('\n');
    assert.equal(lines[0], 'ArchiveId,ArchiveDescription,CreationDate,Size,SHA256TreeHash');
    assert.ok(lines.some((l) => l.startsWith(`${archiveId},"five and a bit",`) && l.endsWith(`,${data.length},${treeHash(data).toString('hex')}`)));
    await rejectsWith(ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'inventory-retrieval', Format: 'XML' } })),
      'InvalidParameterValueException', 400);
  });

  it('validates job parameters', async () => {
    await rejectsWith(ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: {} })), 'MissingParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'select' } })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval' } })), 'MissingParameterValueException', 400);
    await rejectsWith(retrieve({ Tier: 'Instant' }), 'InvalidParameterValueException', 400);
    await rejectsWith(retrieve({ SNSTopic: 'arn:aws:sns:us-east-1:123456789012:missing' }), 'InvalidParameterValueException', 400);
    await rejectsWith(retrieve({ Description: 'x'.repeat(1025) }), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: 'nope' } })),
      'ResourceNotFoundException', 404);
    await rejectsWith(ep.glacier.send(new DescribeJobCommand({ ...A, jobId: 'nope' })), 'ResourceNotFoundException', 404);
    await rejectsWith(ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: 'nope' })), 'ResourceNotFoundException', 404);
  });

  it('lists jobs with completed/statuscode filters and paging', async () => {
    const all: string[] = [];
    let marker: string | undefined;
    do {
      const r = await ep.glacier.send(new ListJobsCommand({ ...A, limit: 3, marker }));
      assert.ok(r.JobList!.length <= 3);
      all.push(...r.JobList!.map((j) => j.JobId!));
      marker = r.Marker ?? undefined;
    } while (marker);
    assert.ok(all.length >= 6);
    assert.equal(new Set(all).size, all.length);
    const done = await ep.glacier.send(new ListJobsCommand({ ...A, completed: 'true', statuscode: 'Succeeded' }));
    assert.equal(done.JobList!.length, all.length);
    const pending = await ep.glacier.send(new ListJobsCommand({ ...A, completed: 'false' }));
    assert.equal(pending.JobList!.length, 0);
    await rejectsWith(ep.glacier.send(new ListJobsCommand({ ...A, statuscode: 'Done' })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new ListJobsCommand({ ...A, completed: 'yes' })), 'InvalidParameterValueException', 400);
  });
});

describe('local endpoint: job timing per tier', () => {
  const ep = withLocalEndpoint({ jobDelays: { Expedited: 0, Standard: 400, Bulk: 60_000 } });
  const A = { accountId: '-', vaultName: 'timing' };

  it('keeps a job InProgress for its tier delay, refusing its output until then', async () => {
    await ep.glacier.send(new CreateVaultCommand(A));
    const data = bytes(4096, 2);
    const archiveId = (await ep.glacier.send(new UploadArchiveCommand({ ...A, body: data }))).archiveId!;
    const start = (Tier: string) => ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: archiveId, Tier } }));
    const fast = (await start('Expedited')).jobId!;
    const std = (await start('Standard')).jobId!;
    const bulk = (await start('Bulk')).jobId!;
    assert.equal((await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: fast }))).StatusCode, 'Succeeded');
    const d = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: std }));
    assert.equal(d.StatusCode, 'InProgress');
    assert.equal(d.Completed, false);
    await rejectsWith(ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: std })), 'InvalidParameterValueException', 400);
    const inProgress = await ep.glacier.send(new ListJobsCommand({ ...A, statuscode: 'InProgress' }));
    assert.deepEqual(inProgress.JobList!.map((j) => j.JobId).sort(), [std, bulk].sort());
    await sleep(450);
    const later = await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: std }));
    assert.equal(later.StatusCode, 'Succeeded');
    assert.ok((await readAll((await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: std }))).body)).equals(data));
    assert.equal((await ep.glacier.send(new DescribeJobCommand({ ...A, jobId: bulk }))).StatusCode, 'InProgress');
  });
});
