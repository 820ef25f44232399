/** SIGKILL at the worst moments of an S3 upload, then resume: only what S3 lacks is sent, never a second copy. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { createS3Clients, type S3Clients } from '../../../src/core/s3/clients';
import { dataPrefix, MIB } from '../../../src/core/s3/layout';
import { S3Store } from '../../../src/core/s3/s3Store';
import { JsonFileSessionStore } from '../../../src/core/storage/sessionStore';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer, type MotoServer } from '../../support/motoServer';

const CHILD = path.join(__dirname, 'support', 's3UploadChild.ts');
const BUCKET = 'freezer-kill';
const SEG = 12 * MIB;
const PART = 5 * MIB;
let moto: MotoServer;
let dir: string;
let clients: S3Clients;

before(async () => {
  moto = await startMotoServer();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-s3kill-'));
  clients = createS3Clients({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
  await clients.s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
});
after(async () => {
  clients?.destroy();
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

function runChild(args: object): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal || code === 0 ? resolve(signal) : reject(new Error(`child failed (${code}): ${err}`))));
  });
}

// 15 MiB: segment 0 is a 3-part multipart upload, segment 1 a single 3 MiB PUT.
for (const kill of ['afterSave:2', 'afterAnswer:UploadPartCommand:2', 'afterAnswer:CompleteMultipartUploadCommand:1', 'afterAnswer:PutObjectCommand:1']) {
  test(`killed ${kill}: the resume sends only what S3 lacks and stores each segment once`, async () => {
    const name = kill.replace(/[^a-zA-Z0-9]/g, '_');
    const data = randomBytes(15 * MIB);
    const file = path.join(dir, `${name}.bin`);
    await fs.writeFile(file, data);
    const sessionsFile = path.join(dir, `${name}.sessions.json`);
    const signal = await runChild({ url: moto.url, bucket: BUCKET, file, sessions: sessionsFile, key: name, segmentSize: SEG, partSize: PART, kill });
    assert.equal(signal, 'SIGKILL');
    const sessions = new JsonFileSessionStore(sessionsFile);
    assert.ok(await sessions.get(name), 'the session survived the kill');

    const c = createS3Clients({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
    const sent: Record<string, number> = {};
    for (const cl of [c.s3, c.once]) {
      cl.middlewareStack.add((next, ctx) => async (x) => {
        sent[ctx.commandName as string] = (sent[ctx.commandName as string] ?? 0) + 1;
        return next(x);
      }, { step: 'initialize', name: 'count' });
    }
    const store = new S3Store({ clients: c, bucket: BUCKET, segmentSize: SEG, partSize: PART, concurrency: 2 });
    try {
      const out = await store.putArchive({ file, description: 'freezer/1;name=kill;c=none;e=none', sessionKey: name, sessions });
      assert.equal(out.resumed, true);
      assert.ok(out.partsSent < out.partsTotal, `sent ${out.partsSent} of ${out.partsTotal} again`);
      if (kill.startsWith('afterAnswer:Complete')) {
        assert.equal(sent.CompleteMultipartUploadCommand ?? 0, 0, 'the lost Complete is settled by HEAD, not sent again');
        assert.equal(sent.UploadPartCommand ?? 0, 0);
      }
      if (kill.startsWith('afterAnswer:PutObject')) assert.equal(sent.PutObjectCommand, 1, 'only the manifest is PUT: the segment was settled by HEAD');
      const keys = ((await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: dataPrefix('', out.ref.id) }))).Contents ?? []).map((o) => o.Key);
      assert.deepEqual(keys, out.ref.segments!.map((s) => s.key));
      assert.equal(await sessions.get(name), undefined);
      const t = await store.requestRestore(await store.planRestore(out.ref), { tier: 'Standard' });
      assert.ok(data.equals(await fs.readFile((await store.download(t, path.join(dir, `${name}.out`))).path)));
    } finally {
      store.close();
    }
  });
}
