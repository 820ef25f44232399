/** The `freezer` binary on S3 bucket stores (moto_server): bucket create, freeze --store, plan, restore one file, remove. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer, type MotoServer } from '../../support/motoServer';
import { cleanEnv, prepareCli, runCli, tempDir, type CliResult } from './cliHarness';

const json = <T = any>(r: CliResult): T => {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};
const sha = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');

describe('freezer binary on bucket stores', () => {
  let moto: MotoServer;
  let home: string;
  let src: string;
  const env = cleanEnv({ AWS_ACCESS_KEY_ID: TEST_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: TEST_CREDENTIALS.secretAccessKey });
  const cli = (args: string[]) => runCli(args, { cwd: home, env });

  before(async () => {
    await prepareCli();
    moto = await startMotoServer();
    const sqs = new SQSClient({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const queue = (await sqs.send(new CreateQueueCommand({ QueueName: 'freezer-cli' }))).QueueUrl;
    sqs.destroy();
    const root = tempDir();
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: moto.url, region: 'us-east-1', queue, 'poll-time': 1 }));
    src = path.join(root, 'home-dir');
    fs.mkdirSync(path.join(src, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(src, 'docs', 'notes.txt'), 'frozen notes\n'.repeat(5000));
    fs.writeFileSync(path.join(src, 'blob.bin'), randomBytes(3_000_000));
  });
  after(async () => { await moto?.close(); });

  it('refuses a bucket name AWS would refuse, creates a bucket store with its class, and lists it among the stores', async () => {
    const bad = await cli(['bucket', 'create', 's3://Bad_Name']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /cannot be an S3 bucket name: it has capital letters/);
    const v = json(await cli(['bucket', 'create', 's3://cli-backups/home', '--storage-class', 'GLACIER', '--json']));
    assert.deepEqual([v.name, v.kind, v.storageClass], ['s3://cli-backups/home', 'bucket', 'GLACIER']);
    const human = await cli(['stores']);
    assert.match(human.stdout, /^s3:\/\/cli-backups\/home\s+bucket\s+.*GLACIER/m);
  });

  let id = 0;
  it('freezes with --store into the remembered class, plans one file, restores only it, and prices removal', async () => {
    const a = json(await cli(['freeze', src, '--store', 's3://cli-backups/home', '--key', 'none', '--json']));
    id = a.id;
    assert.equal(a.storageClass, 'GLACIER');
    assert.equal(a.vault, 's3://cli-backups/home');
    assert.equal((await cli(['archive', 'disconnect', String(id)])).code, 0);
    const listed = await cli(['archives', 's3://cli-backups/home']);
    assert.match(listed.stdout, new RegExp(`^${id}\\s+\\S+\\s+frozen\\b.*GLACIER$`, 'm'));

    const notes = path.join(src, 'docs', 'notes.txt');
    const plan = await cli(['plan', notes]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.match(plan.stdout, /Restores 1 object/);
    assert.match(plan.stdout, /Expedited: 1–5 min, \$/);
    assert.match(plan.stdout, /estimate, us-east-1 list prices as of \d{4}-\d{2}-\d{2}/);
    // The restored copy's days: 3 unless --days says otherwise, priced in the plan; out of 1–30 refused.
    assert.match(plan.stdout, /for 3 days/);
    const week = await cli(['plan', notes, '--days', '7']);
    assert.equal(week.code, 0, week.stderr);
    assert.match(week.stdout, /for 7 days/);
    assert.notEqual(week.stdout, plan.stdout, 'the restored copy\'s days change the estimate');
    const bad = await cli(['plan', notes, '--days', '31']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--days must be a whole number of days from 1 to 30, got "31"/);

    const out = path.join(home, 'restored');
    const r = await cli(['restore', notes, '--to', out, '--tier', 'Bulk']);
    assert.equal(r.code, 6, r.stderr);
    assert.match(r.stderr + r.stdout, /Restores 1 object/, 'the plan is shown before the restore is requested');
    const jobs = json(await cli(['jobs', '--refresh', '--json']));
    assert.ok(jobs.some((j: any) => j.status === 'Succeeded' && j.executedAt), JSON.stringify(jobs));
    // A restore that completed later says what it restored, as a vault's does (the extension announces it).
    assert.ok(jobs.some((j: any) => j.statusMessage === `Restored 1 file into ${out}`), JSON.stringify(jobs));
    assert.match((await cli(['jobs'])).stdout, new RegExp(`Restored 1 file into ${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.equal(sha(path.join(out, 'notes.txt')), sha(notes));

    // An upload whose session was lost left a segment and no manifest: listed, deleted only when old
    // enough; the frozen archive (with its manifest) is never among them.
    const orphan = '20250101T000000Z-abcdefabcdef';
    const s3 = new S3Client({ region: 'us-east-1', endpoint: moto.url, forcePathStyle: true, credentials: TEST_CREDENTIALS });
    await s3.send(new PutObjectCommand({ Bucket: 'cli-backups', Key: `home/freezer/v1/data/${orphan}/000000`, Body: randomBytes(1000), StorageClass: 'GLACIER' }));
    const listedIncomplete = await cli(['bucket', 'incomplete', 's3://cli-backups/home']);
    assert.equal(listedIncomplete.code, 0, listedIncomplete.stderr);
    assert.match(listedIncomplete.stdout, new RegExp(`^${orphan}\\s+1\\s+.*abandoned$`, 'm'));
    assert.match(listedIncomplete.stdout, /freezer bucket incomplete s3:\/\/cli-backups\/home --delete/);
    const young = json(await cli(['bucket', 'incomplete', 's3://cli-backups/home', '--delete', '--json']));
    assert.deepEqual([young.deleted.length, young.incomplete.map((u: any) => u.id)], [0, [orphan]], 'younger than 7 days: kept');
    const gone = json(await cli(['bucket', 'incomplete', 's3://cli-backups/home', '--delete', '--older-than', '0', '--json']));
    assert.deepEqual([gone.deleted.map((u: any) => u.id), gone.incomplete], [[orphan], []]);
    assert.equal((await s3.send(new ListObjectsV2Command({ Bucket: 'cli-backups', Prefix: `home/freezer/v1/data/${orphan}/` }))).KeyCount ?? 0, 0);
    s3.destroy();
    assert.equal(json(await cli(['archives', 's3://cli-backups/home', '--json'])).length >= 1, true, 'the frozen archive is still there');

    const rm = await cli(['archive', 'remove', String(id)]);
    assert.equal(rm.code, 2);
    assert.match(rm.stderr, /bills about \$\d+\.\d+ for the rest of the minimum storage duration \(free from \d{4}-\d{2}-\d{2}\)/);
    assert.equal((await cli(['bucket', 'remove', 's3://cli-backups/home'])).code !== 0, true, 'a store holding archives is not removed');
    assert.equal((await cli(['archive', 'remove', String(id), '--yes'])).code, 0);
    assert.equal((await cli(['bucket', 'remove', 's3://cli-backups/home'])).code, 0);
  });
});
