// S3 store on the local endpoint (its own process, as AWS would be): a 200 MiB × BENCH_SCALE fzr1
// archive of 1 MiB files stored as 32 MiB segments, uploaded with concurrency 1 and 4 (ratio), against
// reading + SHA-256 of the same file locally (reference, same run); then restoring one 1 MiB file:
// bytes restored and bytes downloaded against the archive's size.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { freezeArchive } from '../src/core/archive/freeze';
import { memberArchiveRange, restoreMemberFromRange } from '../src/core/archive/rangeRestore';
import { generateKey } from '../src/core/crypto/keys';
import { startLocalEndpoint } from '../src/core/endpoint';
import { createS3Clients } from '../src/core/s3/clients';
import { MIB } from '../src/core/s3/layout';
import { S3Store } from '../src/core/s3/s3Store';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const FILES = Math.max(8, Math.round(200 * SCALE));
const SEGMENT = 32 * MIB;
const PART = 8 * MIB;
const CREDS = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret' };

async function endpointRole(dir: string): Promise<void> {
  const ep = await startLocalEndpoint({ dir, port: 0 });
  process.stdout.write(`${JSON.stringify({ url: ep.url })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => { void ep.close().then(() => process.exit(0)); });
}

function self(env: Record<string, string>, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', __filename, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'inherit'] });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-s3-bench-'));
  const endpoint = self({ FREEZER_S3_BENCH_ROLE: 'endpoint' }, [path.join(dir, 'endpoint')]);
  try {
    const first = await new Promise<string>((resolve) => createInterface({ input: endpoint.stdout! }).once('line', resolve));
    const { url } = JSON.parse(first) as { url: string };
    const tree = path.join(dir, 'tree');
    fs.mkdirSync(tree);
    for (let i = 0; i < FILES; i++) fs.writeFileSync(path.join(tree, `f${String(i).padStart(4, '0')}.bin`), randomBytes(MIB));
    const key = generateKey('AES-256');
    const built = await freezeArchive({ files: [tree], output: path.join(dir, 'a.frz'), name: 'bench', encryption: { format: 'fzr1', key } });
    const members = built.members.filter((m) => m.type === 'file').map((m) => ({ path: m.path, size: m.size, sha256: m.sha256 as string, mtimeMs: m.mtimeMs, tarOffset: m.tarOffset }));
    const size = built.size;
    console.log(`s3 bench: ${(size / MIB).toFixed(0)} MiB fzr1 archive of ${FILES} files, ${SEGMENT / MIB} MiB segments, ${PART / MIB} MiB parts, DEEP_ARCHIVE, endpoint in a child process (BENCH_SCALE=${SCALE})`);

    let t = performance.now();
    const h = createHash('sha256');
    for await (const chunk of fs.createReadStream(built.output, { highWaterMark: 4 * MIB })) h.update(chunk as Buffer);
    h.digest();
    const tHash = performance.now() - t;
    const mibs = (ms: number) => `${(size / MIB / (ms / 1000)).toFixed(0)} MiB/s`;
    console.log(`reference: read + SHA-256 locally ${(tHash / 1000).toFixed(2)} s (${mibs(tHash)})`);

    const admin = createS3Clients({ region: 'us-east-1', endpoint: url, credentials: CREDS });
    await admin.s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
    admin.destroy();
    const times: Record<number, number> = {};
    let stored;
    for (const concurrency of [1, 4]) {
      const store = new S3Store({ clients: createS3Clients({ region: 'us-east-1', endpoint: url, credentials: CREDS }), bucket: 'bench', prefix: `c${concurrency}`, segmentSize: SEGMENT, partSize: PART, concurrency });
      global.gc?.();
      t = performance.now();
      const out = await store.putArchive({ file: built.output, description: built.description, sessionKey: `c${concurrency}`, frameIndex: built.frameIndex, members, key });
      times[concurrency] = performance.now() - t;
      console.log(`upload, concurrency ${concurrency}: ${(times[concurrency] / 1000).toFixed(2)} s (${mibs(times[concurrency])}; ${(times[concurrency] / tHash).toFixed(1)}× the local hash) ${out.ref.segments!.length} segments, ${out.partsTotal} parts`);
      if (concurrency === 4) stored = { store, out };
      else store.close();
    }
    console.log(`concurrency 4 vs 1: ${(times[1] / times[4]).toFixed(2)}× faster`);

    const { store, out } = stored!;
    const member = members[Math.floor(members.length / 2)].path;
    const r = memberArchiveRange(built.frameIndex, member);
    t = performance.now();
    const plan = await store.planRestore(out.ref, { start: r.start, end: r.end - 1 });
    const ticket = await store.requestRestore(plan, { tier: 'Bulk' });
    while ((await store.status(ticket)).state !== 'ready') await new Promise((res) => setTimeout(res, 50));
    const got = await store.download(ticket, path.join(dir, 'range.bin'));
    const fh = await fs.promises.open(got.path, 'r');
    await restoreMemberFromRange({
      index: built.frameIndex, member, to: path.join(dir, 'out'), keys: [key], description: built.description,
      expectedSha256: members.find((m) => m.path === member)?.sha256,
      readRange: async (s, e) => { const b = Buffer.alloc(e - s); await fh.read(b, 0, b.length, s - got.range.start); return b; },
    });
    await fh.close();
    const tOne = performance.now() - t;
    const pct = (n: number) => `${((100 * n) / size).toFixed(1)} % of the archive`;
    console.log(`one ${MIB}-byte file: ${plan.units.length} of ${out.ref.segments!.length} segments restored, ${plan.bytesRestored} bytes restored (${pct(plan.bytesRestored)}), ${got.bytesDownloaded} bytes downloaded (${pct(got.bytesDownloaded)}), verified, ${(tOne / 1000).toFixed(2)} s`);
    store.close();
  } finally {
    endpoint.stdin?.end();
    await new Promise((resolve) => endpoint.once('exit', resolve));
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.env.FREEZER_S3_BENCH_ROLE === 'endpoint') void endpointRole(process.argv[2]);
else main().catch((e) => { console.error(e); process.exit(1); });
