// Glacier uploads to the local endpoint (run in its own process, as AWS would be): 1 GiB × BENCH_SCALE
// uploaded with concurrency 1 and 4 (ratio), and the parts sent again after the uploading process is
// SIGKILLed halfway. Reference measured in the same run: reading and tree-hashing the file locally.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { CreateVaultCommand, ListPartsCommand } from '@aws-sdk/client-glacier';
import { startLocalEndpoint } from '../src/core/endpoint';
import { MIB, TreeHasher } from '../src/core/hash/treeHash';
import { createClients } from '../src/core/glacier/clients';
import { uploadArchiveFile } from '../src/core/glacier/multipartUploader';
import { JsonFileUploadSessionStore, UploadSession } from '../src/core/glacier/uploadSession';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const PART = 8 * MIB;
const SIZE = Math.max(4 * PART, Math.round((1024 * MIB * SCALE) / MIB) * MIB);
const CREDS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };
const role = process.env.FREEZER_GLACIER_BENCH_ROLE;

async function endpointRole(dir: string): Promise<void> {
  const ep = await startLocalEndpoint({ dir, port: 0 });
  process.stdout.write(`${JSON.stringify({ url: ep.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void ep.close().then(() => process.exit(0)); });
}

async function uploaderRole(args: { url: string; vault: string; file: string; sessions: string; killAfter: number }): Promise<void> {
  const clients = createClients({ region: 'us-east-1', endpoint: args.url, credentials: CREDS });
  let recorded = 0;
  class Killing extends JsonFileUploadSessionStore {
    override async partDone(key: string, i: number, h: string): Promise<void> {
      await super.partDone(key, i, h);
      if (++recorded === args.killAfter) process.kill(process.pid, 'SIGKILL');
    }
  }
  await uploadArchiveFile({ clients, vault: args.vault, file: args.file, description: 'bench', partSize: PART, concurrency: 4, sessionStore: new Killing(args.sessions), sessionKey: 'bench' });
}

function self(env: Record<string, string>, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', __filename, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-glacier-bench-'));
  const endpoint = self({ FREEZER_GLACIER_BENCH_ROLE: 'endpoint' }, [path.join(dir, 'endpoint')]);
  try {
    const first = await new Promise<string>((resolve) => createInterface({ input: endpoint.stdout! }).once('line', resolve));
    const { url } = JSON.parse(first) as { url: string };
    const clients = createClients({ region: 'us-east-1', endpoint: url, credentials: CREDS, threads: 4 });
    await clients.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'bench' }));

    const file = path.join(dir, 'archive.bin');
    const block = randomBytes(16 * MIB);
    const fd = fs.openSync(file, 'w');
    for (let off = 0; off < SIZE; off += block.length) fs.writeSync(fd, block, 0, Math.min(block.length, SIZE - off));
    fs.closeSync(fd);
    console.log(`glacier bench: ${(SIZE / MIB).toFixed(0)} MiB archive, ${PART / MIB} MiB parts, endpoint in a child process (BENCH_SCALE=${SCALE})`);

    let t = performance.now();
    const hasher = new TreeHasher();
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 4 * MIB })) hasher.update(chunk as Buffer);
    hasher.digest();
    const tHash = performance.now() - t;
    const mibs = (ms: number) => `${(SIZE / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`reference: read + tree-hash locally ${(tHash / 1000).toFixed(2)} s (${mibs(tHash)})`);

    const times: Record<number, number> = {};
    for (const concurrency of [1, 4]) {
      global.gc?.();
      t = performance.now();
      const r = await uploadArchiveFile({ clients, vault: 'bench', file, description: `c${concurrency}`, partSize: PART, concurrency });
      times[concurrency] = performance.now() - t;
      console.log(`upload, concurrency ${concurrency}: ${(times[concurrency] / 1000).toFixed(2)} s (${mibs(times[concurrency])}; ${(times[concurrency] / tHash).toFixed(1)}× the local hash) ${r.partsTotal} parts`);
    }
    console.log(`concurrency 4 vs 1: ${(times[1] / times[4]).toFixed(2)}× faster`);

    // Kill the uploading process halfway, then resume in this one.
    const sessions = path.join(dir, 'sessions.json');
    const parts = Math.ceil(SIZE / PART);
    const killAfter = Math.floor(parts / 2);
    const child = self({ FREEZER_GLACIER_BENCH_ROLE: 'uploader' }, [JSON.stringify({ url, vault: 'bench', file, sessions, killAfter })]);
    child.stdin?.end();
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    const store = new JsonFileUploadSessionStore(sessions);
    const session = (await store.get('bench')) as UploadSession;
    const listed = await clients.glacier.send(new ListPartsCommand({ accountId: '-', vaultName: 'bench', uploadId: session.uploadId }));
    const atAws = listed.Parts?.length ?? 0;
    t = performance.now();
    const resumed = await uploadArchiveFile({ clients, vault: 'bench', file, description: 'bench', partSize: PART, concurrency: 4, sessionStore: store, sessionKey: 'bench' });
    const tResume = performance.now() - t;
    console.log(`kill (${signal}) after ${killAfter} recorded parts of ${parts}: ${atAws} parts at AWS; resume sent ${resumed.partsSent} parts ` +
      `(${resumed.partsSent - (parts - atAws)} already at AWS sent again) in ${(tResume / 1000).toFixed(2)} s`);
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB (parts of ${PART / MIB} MiB × 4 in flight)`);
    clients.destroy();
  } finally {
    endpoint.stdin?.end();
    await new Promise((r) => endpoint.once('exit', r));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (role === 'endpoint') void endpointRole(process.argv[2]);
else if (role === 'uploader') void uploaderRole(JSON.parse(process.argv[2]));
else main().catch((e) => { console.error(e); process.exit(1); });
