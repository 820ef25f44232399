/**
 * Bucket stores through the service, against moto_server (S3 + SQS): freeze into a bucket, restore
 * one file of a big Deep Archive archive from only the segments holding it, the daemon finishing a
 * restore from the S3 event, and bad input (bucket names, another account's bucket, objects deleted
 * behind Freezer's back).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand, DeleteObjectCommand, HeadObjectCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { SQSClient } from '@aws-sdk/client-sqs';
import { FreezerError } from '../../../src/core/errors';
import { createS3Clients, type S3Clients } from '../../../src/core/s3/clients';
import { memoryKeyStore } from '../../../src/core/service/fileKeyStore';
import { createFreezerService } from '../../../src/core/service/freezerService';
import type { FreezerService, ServiceOptions } from '../../../src/core/service/service';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer, type MotoServer } from '../../support/motoServer';
import { capturingLogger, eventually, makeTree, type CapturingLogger } from './harness';

const MIB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('S3 bucket stores through the service (moto_server)', () => {
  let moto: MotoServer;
  let dir: string;
  let admin: S3Clients;
  let queueUrl: string;
  let options: ServiceOptions;
  let service: FreezerService;
  let log: CapturingLogger;
  const keyStore = memoryKeyStore();
  const opened: FreezerService[] = [];
  const open = async (extra: Partial<ServiceOptions> = {}) => {
    const s = await createFreezerService({ ...options, ...extra });
    opened.push(s);
    return s;
  };

  before(async () => {
    moto = await startMotoServer();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-buckets-'));
    admin = createS3Clients({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
    queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: 'freezer-jobs' }))).QueueUrl!;
    sqs.destroy();
    log = capturingLogger();
    options = {
      glacier: { region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS, queueUrl, pollTimeSeconds: 1, threads: 3 },
      databasePath: path.join(dir, 'freezer.db'), uploadFolder: path.join(dir, 'upload'), keyStore, log,
      segmentSize: 32 * MIB,
    };
    service = await open();
  });
  after(async () => {
    for (const s of opened) await s.dispose();
    admin?.destroy();
    await moto?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('a bucket name AWS would refuse is refused first, with the rule it breaks; nothing is recorded', async () => {
    await assert.rejects(service.addBucket('s3://My_Backups', { create: true }), (e) => FreezerError.is(e, 'InvalidBucketName') && /lowercase/.test(e.message));
    await assert.rejects(service.addBucket('s3://ab', { create: true }), (e) => FreezerError.is(e, 'InvalidBucketName') && /3 to 63/.test(e.message));
    await assert.rejects(service.addBucket('s3://no-such-bucket-here'), (e) => FreezerError.is(e, 'BucketNotFound'));
    assert.deepEqual((await service.listVaults()).filter((v) => v.kind === 'bucket'), []);
  });

  it('a bucket that refuses these credentials (403, another account) is a clear error and is not added', async () => {
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'someone-elses' }));
    await admin.s3.send(new PutBucketPolicyCommand({
      Bucket: 'someone-elses',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: ['arn:aws:s3:::someone-elses', 'arn:aws:s3:::someone-elses/*'] }] }),
    }));
    const err = await service.addBucket('s3://someone-elses/freezer').then(() => undefined, (e: unknown) => e);
    // moto enforces bucket policies only with authentication on; either answer must be a clear one.
    if (err) assert.ok(FreezerError.is(err, 'BucketForbidden') && /another account|IAM policy/.test(err.message), String(err));
    else await service.removeVault('s3://someone-elses/freezer');
  });

  let archiveId = 0;
  let src = '';
  const files: Record<string, Buffer> = {};
  it('freezes 200 MB into a Deep Archive bucket as 32 MiB segments; the class is remembered per store', async () => {
    const store = await service.addBucket('s3://freezer-photos/laptop', { create: true });
    assert.deepEqual([store.kind, store.bucket, store.prefix, store.storageClass], ['bucket', 'freezer-photos', 'laptop/', 'DEEP_ARCHIVE']);
    src = path.join(dir, 'photos');
    for (let i = 0; i < 20; i++) files[`big-${String(i).padStart(2, '0')}.bin`] = randomBytes(10 * MIB);
    // Between two big files in tar order, so it lies in a middle segment.
    files['big-10a.txt'] = randomBytes(MIB);
    await makeTree(src, files);
    const key = await service.createKey('AES-256', 'photos');
    const a = await service.freeze({ vault: store.name, sources: [src], keyId: key.id, compression: 'none' });
    archiveId = a.id;
    assert.equal(a.state, 'liquid');
    assert.equal(a.storageClass, 'DEEP_ARCHIVE');
    assert.ok(a.size > 200 * MIB, `archive of ${a.size} bytes`);
    const again = (await service.listVaults()).find((v) => v.name === store.name);
    assert.equal(again?.localArchiveCount, 1);
    await service.disconnectArchive(a.id);
    assert.equal((await service.getArchive(a.id))?.state, 'frozen');
  });

  it('restoring one 1 MiB file shows the plan first, restores only the segment holding it and downloads about 1 MiB, byte for byte', async () => {
    const [v] = await service.listVersions(path.join(src, 'big-10a.txt'));
    assert.ok(v, 'the file is catalogued');
    const est = await service.estimateRetrieval(archiveId, { member: v.memberPath });
    assert.ok(est.plan, 'a bucket archive gets the planner');
    for (const line of est.plan.lines) process.stdout.write(`# plan: ${line}\n`);
    const size = (await service.getArchive(archiveId))!.size;
    assert.ok(est.plan.archiveObjects >= Math.ceil(size / (32 * MIB)), `${est.plan.archiveObjects} segments of at most 32 MiB`);
    assert.ok(est.plan.objects <= 2, `${est.plan.objects} segment(s) to restore`);
    assert.ok(est.plan.restoreBytes <= 2 * 32 * MIB);
    // The file's frames (4 MiB each), widened to the parts S3 verified (the store's part size).
    assert.ok(est.plan.downloadBytes <= 32 * MIB && est.plan.downloadBytes < est.plan.restoreBytes + 1, `downloads ${est.plan.downloadBytes} bytes`);
    assert.deepEqual(est.tiers.map((t) => t.tier), ['Standard', 'Bulk'], 'no Expedited for Deep Archive');
    assert.deepEqual(est.plan.unavailable.map((t) => t.tier), ['Expedited']);
    assert.match(est.plan.lines.join('\n'), /estimate, us-east-1 list prices as of/);

    const to = path.join(dir, 'restored');
    const r = await service.restoreFileVersion(v, to, { tier: 'Bulk' });
    assert.equal(r.status, 'retrieving');
    assert.equal((await service.getArchive(archiveId))?.state, 'frozen', 'restoring one file leaves the archive frozen');
    await service.refreshJobs();
    const out = path.join(to, 'big-10a.txt');
    await eventually(async () => fs.access(out).then(() => true, () => false), 30_000, 'the restored file');
    assert.equal(sha(await fs.readFile(out)), sha(files['big-10a.txt']));
    // Only the segments the plan named were restored at S3.
    const segs = Array.from({ length: est.plan.archiveObjects }, (_, i) => i);
    const restored: number[] = [];
    const arch = (await service.getArchive(archiveId))!;
    for (const i of segs) {
      const h = await admin.s3.send(new HeadObjectCommand({ Bucket: 'freezer-photos', Key: `laptop/freezer/v1/data/${arch.glacierId}/${String(i).padStart(6, '0')}` }));
      if (h.Restore) restored.push(i);
    }
    const downloaded = log.lines.map((l) => /downloaded (\d+) bytes/.exec(l)?.[1]).filter(Boolean).map(Number);
    process.stdout.write(`# one 1 MiB file of a ${arch.size}-byte archive: ${restored.length} of ${segs.length} segments restored (${est.plan.restoreBytes} bytes), ${downloaded.at(-1)} bytes downloaded\n`);
    assert.equal(restored.length, est.plan.objects, `segments restored: ${restored.join(', ')}`);
    assert.equal(downloaded.at(-1), est.plan.downloadBytes, 'downloaded what the plan said');
  });

  it('a restore started with VS Code closed is finished by the daemon from the S3 event; reopened, the archive is liquid', async () => {
    // The daemon listens first (polling only hourly): only the event can make it act.
    const daemonLog = capturingLogger();
    const daemon = await open({ autoDownload: true, jobPollIntervalMs: 3_600_000, log: daemonLog });
    const stop = new AbortController();
    const watching = daemon.watchJobs(stop.signal);
    await eventually(() => daemonLog.lines.some((l) => /Listening for job notifications/.test(l)), 10_000, 'the daemon listening');
    await new Promise((r) => setTimeout(r, 1500));
    const ext = await open();
    const job = await ext.retrieveArchive(archiveId, 'Bulk');
    assert.equal(job.status, 'InProgress');
    await ext.dispose(); // VS Code closes
    await eventually(async () => (await daemon.getArchive(archiveId))?.state === 'liquid', 60_000, 'the daemon to download the archive')
      .catch((e) => { throw new Error(`${(e as Error).message}\n${[...log.lines.filter((l) => /notification|restore events/i.test(l)), ...daemonLog.lines].join('\n')}`); });
    assert.ok(daemonLog.lines.some((l) => /is now Succeeded \(restored copy until/.test(l)), daemonLog.lines.join('\n'));
    stop.abort();
    await watching;
    const reopened = await open();
    assert.equal((await reopened.getArchive(archiveId))?.state, 'liquid');
  });

  it('an object deleted behind Freezer\'s back fails the restore with a clear message; the catalogue keeps the archive', async () => {
    await service.disconnectArchive(archiveId);
    const arch = (await service.getArchive(archiveId))!;
    await admin.s3.send(new DeleteObjectCommand({ Bucket: 'freezer-photos', Key: `laptop/freezer/v1/data/${arch.glacierId}/000003` }));
    await assert.rejects(service.retrieveArchive(archiveId, 'Standard'), (e) => FreezerError.is(e, 'ObjectMissing') && /deleted outside Freezer/.test(e.message));
    assert.deepEqual((await service.listJobs()).filter((j) => j.status === 'InProgress'), [], 'no restore is left pending');
    // Still catalogued (melted: the earlier whole-archive restore's copy has not expired).
    assert.equal((await service.getArchive(archiveId))?.state, 'melted');
    assert.equal((await service.listVersions(path.join(src, 'big-10a.txt'))).length, 1, 'the catalogue still lists its files');
  });

  it('the store is removed only when Freezer\'s prefix is empty; Remove Archive first says the early-deletion charge', async () => {
    await assert.rejects(service.removeVault('s3://freezer-photos/laptop'), (e) => FreezerError.is(e, 'VaultNotEmpty'));
    const est = await service.estimateRemoval(archiveId);
    assert.ok(est && est.earlyDeletionUsd > 0, JSON.stringify(est));
    assert.match(est.text, /free from \d{4}-\d{2}-\d{2}/);
    await service.removeArchive(archiveId);
    await service.removeVault('s3://freezer-photos/laptop');
    assert.equal((await service.listVaults()).some((v) => v.name === 's3://freezer-photos/laptop'), false);
  });
});
