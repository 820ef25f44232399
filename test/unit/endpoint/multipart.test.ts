import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateVaultCommand, DescribeVaultCommand, GetJobOutputCommand,
  InitiateJobCommand, InitiateMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand, UploadMultipartPartCommand,
} from '@aws-sdk/client-glacier';
import { combineTreeHashes, treeHash } from '../../../src/core/hash/treeHash';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { bytes, MIB, readAll, rejectsWith } from './helpers';

describe('local endpoint: multipart uploads', () => {
  const ep = withLocalEndpoint();
  const vaultName = 'mpu';
  const A = { accountId: '-', vaultName };

  const initiate = async (partSize = MIB, archiveDescription?: string): Promise<string> => {
    const r = await ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(partSize), archiveDescription }));
    assert.equal(r.location, `/-/vaults/${vaultName}/multipart-uploads/${r.uploadId}`);
    return r.uploadId!;
  };
  const part = (uploadId: string, data: Buffer, start: number, range = `bytes ${start}-${start + data.length - 1}/*`) =>
    ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId, body: data, range }));

  it('uploads parts in any order, lists them, completes into an archive that reads back intact', async () => {
    await ep.glacier.send(new CreateVaultCommand(A));
    const data = bytes(3 * MIB + 12345, 9);
    const uploadId = await initiate(MIB, 'multi');
    const starts = [2 * MIB, 0, 3 * MIB, MIB];
    for (const s of starts) {
      const chunk = data.subarray(s, Math.min(s + MIB, data.length));
      const r = await part(uploadId, chunk, s);
      assert.equal(r.checksum, treeHash(chunk).toString('hex'));
    }
    const first = await ep.glacier.send(new ListPartsCommand({ ...A, uploadId, limit: 3 }));
    assert.equal(first.PartSizeInBytes, MIB);
    assert.equal(first.ArchiveDescription, 'multi');
    assert.deepEqual(first.Parts!.map((p) => p.RangeInBytes), ['0-1048575', '1048576-2097151', '2097152-3145727']);
    assert.ok(first.Marker);
    const rest = await ep.glacier.send(new ListPartsCommand({ ...A, uploadId, marker: first.Marker }));
    assert.deepEqual(rest.Parts!.map((p) => p.RangeInBytes), [`3145728-${data.length - 1}`]);
    assert.equal(rest.Marker ?? null, null);

    const ups = await ep.glacier.send(new ListMultipartUploadsCommand(A));
    assert.ok(ups.UploadsList!.some((u) => u.MultipartUploadId === uploadId && u.PartSizeInBytes === MIB && u.ArchiveDescription === 'multi'));

    const whole = treeHash(data).toString('hex');
    const done = await ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId, archiveSize: String(data.length), checksum: whole }));
    assert.equal(done.checksum, whole);
    assert.match(done.archiveId!, /^[A-Za-z0-9_-]{138}$/);
    await rejectsWith(ep.glacier.send(new ListPartsCommand({ ...A, uploadId })), 'ResourceNotFoundException', 404);
    const d = await ep.glacier.send(new DescribeVaultCommand(A));
    assert.equal(d.SizeInBytes, data.length);

    const job = await ep.glacier.send(new InitiateJobCommand({ ...A, jobParameters: { Type: 'archive-retrieval', ArchiveId: done.archiveId } }));
    const out = await ep.glacier.send(new GetJobOutputCommand({ ...A, jobId: job.jobId }));
    assert.equal(out.checksum, whole);
    assert.ok((await readAll(out.body)).equals(data));
  });

  it('requires part sizes of 1 MiB x 2^n', async () => {
    for (const bad of [MIB / 2, 3 * MIB, MIB + 1, 8 * 1024 * MIB]) {
      await rejectsWith(ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(bad) })), 'InvalidParameterValueException', 400);
    }
    await rejectsWith(ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: 'abc' })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new InitiateMultipartUploadCommand({ ...A })), 'MissingParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new InitiateMultipartUploadCommand({ ...A, partSize: String(MIB), archiveDescription: 'caf\u00e9' })),
      'InvalidParameterValueException', 400);
    await initiate(4 * MIB);
  });

  it('rejects misplaced, oversized, mis-sized and corrupt parts', async () => {
    const uploadId = await initiate(MIB);
    const one = bytes(MIB, 5);
    await rejectsWith(part(uploadId, one, 0, 'bytes 1-1048576/*'), 'InvalidParameterValueException', 400); // not at a part boundary
    await rejectsWith(part(uploadId, bytes(2 * MIB), 0), 'InvalidParameterValueException', 400); // larger than the part size
    await rejectsWith(part(uploadId, bytes(1000), 0, 'bytes 0-1048575/*'), 'InvalidParameterValueException', 400); // range vs length
    await rejectsWith(part(uploadId, one, 0, '0-1048575'), 'InvalidParameterValueException', 400); // malformed range
    await rejectsWith(ep.glacier.send(new UploadMultipartPartCommand({ ...A, uploadId, body: one, range: 'bytes 0-1048575/*', checksum: '00'.repeat(32) })),
      'InvalidParameterValueException', 400);
    await rejectsWith(part('no-such-upload', one, 0), 'ResourceNotFoundException', 404);
    const listed = await ep.glacier.send(new ListPartsCommand({ ...A, uploadId }));
    assert.deepEqual(listed.Parts, [], 'rejected parts are not recorded');
  });

  it('completes only when parts cover the archive exactly and the tree hash matches', async () => {
    const data = bytes(3 * MIB, 6);
    const uploadId = await initiate(MIB);
    await part(uploadId, data.subarray(0, MIB), 0);
    await part(uploadId, data.subarray(2 * MIB), 2 * MIB);
    const complete = (size: number, checksum: string) =>
      ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId, archiveSize: String(size), checksum }));
    const whole = treeHash(data).toString('hex');
    await rejectsWith(complete(data.length, whole), 'InvalidParameterValueException', 400); // part 1 missing
    await part(uploadId, data.subarray(MIB, 2 * MIB), MIB);
    await rejectsWith(complete(data.length + 1, whole), 'InvalidParameterValueException', 400); // size disagrees with parts
    await rejectsWith(complete(2 * MIB, combineTreeHashes([treeHash(data.subarray(0, MIB)), treeHash(data.subarray(MIB, 2 * MIB))]).toString('hex')),
      'InvalidParameterValueException', 400); // a part beyond the size
    await rejectsWith(complete(data.length, 'ff'.repeat(32)), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId, checksum: whole })), 'MissingParameterValueException', 400);
    const ok = await complete(data.length, whole);
    assert.equal(ok.checksum, whole);
  });

  it('refuses an archive whose middle part is short', async () => {
    const uploadId = await initiate(MIB);
    const a = bytes(MIB, 1);
    const b = bytes(1000, 2);
    const c = bytes(MIB, 3);
    await part(uploadId, a, 0);
    await part(uploadId, b, MIB);
    await part(uploadId, c, 2 * MIB);
    const h = combineTreeHashes([treeHash(a), treeHash(b), treeHash(c)]).toString('hex');
    await rejectsWith(ep.glacier.send(new CompleteMultipartUploadCommand({ ...A, uploadId, archiveSize: String(2 * MIB + 1000), checksum: h })),
      'InvalidParameterValueException', 400);
  });

  it('aborts an upload; it is gone afterwards', async () => {
    const uploadId = await initiate(MIB);
    await part(uploadId, bytes(100), 0);
    await ep.glacier.send(new AbortMultipartUploadCommand({ ...A, uploadId }));
    await rejectsWith(ep.glacier.send(new ListPartsCommand({ ...A, uploadId })), 'ResourceNotFoundException', 404);
    await rejectsWith(ep.glacier.send(new AbortMultipartUploadCommand({ ...A, uploadId })), 'ResourceNotFoundException', 404);
    const ups = await ep.glacier.send(new ListMultipartUploadsCommand(A));
    assert.ok(!ups.UploadsList!.some((u) => u.MultipartUploadId === uploadId));
  });

  it('pages ListMultipartUploads with limit and marker', async () => {
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'mpu-list' }));
    const B = { accountId: '-', vaultName: 'mpu-list' };
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await ep.glacier.send(new InitiateMultipartUploadCommand({ ...B, partSize: String(MIB) }))).uploadId!);
    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const r = await ep.glacier.send(new ListMultipartUploadsCommand({ ...B, limit: 2, marker }));
      assert.ok(r.UploadsList!.length <= 2);
      seen.push(...r.UploadsList!.map((u) => u.MultipartUploadId!));
      marker = r.Marker ?? undefined;
    } while (marker);
    assert.deepEqual(seen.sort(), ids.sort());
    await rejectsWith(ep.glacier.send(new ListMultipartUploadsCommand({ ...B, limit: 0 })), 'InvalidParameterValueException', 400);
  });
});
