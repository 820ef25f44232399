import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-glacier';
import { MIB, treeHash } from '../../../src/core/hash/treeHash';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { JsonFileUploadSessionStore } from '../../../src/core/glacier/uploadSession';
import { TestEnv, retrieve, startEnv } from './support/env';

const CHILD = path.join(__dirname, 'support', 'uploadChild.ts');
const PARTS = 8;
let env: TestEnv;
before(async () => { env = await startEnv(); });
after(() => env.close());

/** Runs the uploading child; resolves with the signal that ended it. */
function runChild(args: object, onSpawn?: (pid: number) => void): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, JSON.stringify(args)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('spawn', () => onSpawn?.(child.pid as number));
    child.on('exit', (code, signal) => (signal ? resolve(signal) : reject(new Error(`child exited with ${code} instead of being killed: ${err}`))));
  });
}

async function partsAtAws(uploadId: string): Promise<number> {
  const out = await env.clients.glacier.send(new ListPartsCommand({ accountId: '-', vaultName: env.vault, uploadId }));
  return out.Parts?.length ?? 0;
}

async function killThenResume(name: string, kill: string, concurrency: number, opts: { external?: (sessions: string, pid: number) => void } = {}) {
  const file = await env.makeFile(`${name}.bin`, PARTS * MIB - 1000);
  const sessions = path.join(env.dir, `${name}.sessions.json`);
  const args = { url: env.endpoint.url, vault: env.vault, file, sessions, key: name, partSize: MIB, concurrency, kill };
  const signal = await runChild(args, opts.external && ((pid) => opts.external?.(sessions, pid)));
  assert.equal(signal, 'SIGKILL');
  const store = new JsonFileUploadSessionStore(sessions);
  const session = await store.get(name);
  assert.ok(session, 'the killed process left its session');
  const before = await partsAtAws(session.uploadId);
  const r = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'resume-test', partSize: MIB, concurrency: 4, sessionStore: store, sessionKey: name });
  assert.equal(r.resumed, true);
  assert.equal(r.partsTotal, PARTS);
  assert.equal(r.partsSent, PARTS - before, `parts at AWS before resume: ${before}`);
  const data = await fs.readFile(file);
  assert.equal(r.treeHash, treeHash(data).toString('hex'));
  assert.equal(await store.get(name), undefined);
  return { r, before, file, data, recorded: Object.keys(session.parts).length };
}

test('killed right after starting the upload: resume continues that upload and sends every part', async () => {
  const { before } = await killThenResume('k-init', 'afterInitiate', 2);
  assert.equal(before, 0);
});

test('killed after 3 recorded parts: resume sends only the missing parts, bytes identical', async () => {
  const { r, before, data, recorded } = await killThenResume('k-after3', 'afterPart:3', 1);
  assert.equal(recorded, 3);
  assert.equal(before, 3);
  const back = await retrieve(env, r.archiveId, data.length, r.treeHash, path.join(env.dir, 'k-after3.out'));
  assert.ok(data.equals(await fs.readFile(back)));
});

test('killed after AWS took a part but before it was recorded: the part is re-hashed locally, not re-sent', async () => {
  const { before, recorded } = await killThenResume('k-unrecorded', 'beforeRecord:5', 1);
  assert.equal(recorded, 4);
  assert.equal(before, 5);
});

test('killed from outside mid-transfer with parts in flight', async () => {
  // Slow every request so the kill lands while parts are on the wire.
  env.endpoint.setFaults({ rate: 1, kinds: ['slow'], slowMs: 150 });
  let killedAt = -1;
  try {
    const { before } = await killThenResume('k-external', 'none', 3, {
      external: (sessions, pid) => {
        void (async () => {
          for (;;) {
            await sleep(10);
            const text = await fs.readFile(sessions, 'utf8').catch(() => '');
            const parts = text ? Object.keys((JSON.parse(text) as Record<string, { parts: object }>)['k-external']?.parts ?? {}).length : 0;
            if (parts >= 2) {
              killedAt = parts;
              process.kill(pid, 'SIGKILL');
              env.endpoint.setFaults(undefined);
              return;
            }
          }
        })();
      },
    });
    assert.ok(killedAt >= 2 && before >= killedAt && before < PARTS, `killed at ${killedAt} recorded parts, ${before} at AWS`);
  } finally {
    env.endpoint.setFaults(undefined);
  }
  const uploads = await env.clients.glacier.send(new ListMultipartUploadsCommand({ accountId: '-', vaultName: env.vault }));
  assert.deepEqual(uploads.UploadsList ?? [], [], 'no multipart upload left behind');
});

test('a file changed between the kill and the resume is never completed with stale parts', async () => {
  const name = 'k-changed';
  const file = await env.makeFile(`${name}.bin`, PARTS * MIB);
  const sessions = path.join(env.dir, `${name}.sessions.json`);
  assert.equal(await runChild({ url: env.endpoint.url, vault: env.vault, file, sessions, key: name, partSize: MIB, concurrency: 1, kill: 'afterPart:3' }), 'SIGKILL');
  const store = new JsonFileUploadSessionStore(sessions);
  const session = await store.get(name);
  assert.ok(session);
  const before = await partsAtAws(session.uploadId);
  const data = await fs.readFile(file);
  data[MIB + 10] ^= 0xff; // inside part 2, which AWS already holds
  await fs.writeFile(file, data);
  const r = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'resume-test', partSize: MIB, sessionStore: store, sessionKey: name });
  assert.equal(r.partsSent, PARTS - before + 1);
  assert.equal(r.treeHash, treeHash(data).toString('hex'));
});
