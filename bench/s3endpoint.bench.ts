/**
 * Local endpoint, S3 side: a multipart upload of 512 MiB (× BENCH_SCALE) to DEEP_ARCHIVE through the endpoint
 * running as its own process (the SDK's default CRC32 per part, MD5 + CRC64NVME computed by the endpoint), a
 * restore, then a GET of the whole object with the SDK validating the endpoint's checksum. Reports throughput
 * and the endpoint's peak RSS (VmHWM) for the full and half size, to show memory does not grow with object
 * size. Reference: the same bytes generated and written to a local file, then read back, in this process.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectCommand, RestoreObjectCommand, S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { spawnEndpointProcess } from '../test/support/endpointProcess';

const MIB = 1024 * 1024;
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const FULL = Math.max(32 * MIB, Math.round((512 * MIB * SCALE) / MIB) * MIB);
const PART = 16 * MIB;
const CONCURRENCY = 3;

function fillPart(buf: Buffer, index: number): void {
  let x = (index * 2654435761) >>> 0 || 1;
  const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    words[i] = x;
  }
}

async function hwmMiB(pid: number): Promise<number> {
  const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function run(size: number): Promise<{ up: number; down: number; peakMiB: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'freezer-bench-s3ep-'));
  const { child, url } = await spawnEndpointProcess(dir);
  const s3 = new S3Client({ endpoint: url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' } });
  try {
    const B = { Bucket: 'bench-bucket', Key: 'archive.bin' };
    await s3.send(new CreateBucketCommand({ Bucket: B.Bucket }));
    const t0 = process.hrtime.bigint();
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ ...B, StorageClass: 'DEEP_ARCHIVE' }));
    const count = Math.ceil(size / PART);
    const etags: string[] = new Array(count);
    let next = 0;
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      const buf = Buffer.alloc(PART);
      for (let i = next++; i < count; i = next++) {
        const body = buf.subarray(0, Math.min(PART, size - i * PART));
        fillPart(body, i);
        etags[i] = (await s3.send(new UploadPartCommand({ ...B, UploadId, PartNumber: i + 1, Body: body }))).ETag!;
      }
    }));
    await s3.send(new CompleteMultipartUploadCommand({ ...B, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }));
    const up = Number(process.hrtime.bigint() - t0) / 1e9;
    await s3.send(new RestoreObjectCommand({ ...B, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }));
    const t1 = process.hrtime.bigint();
    const got = await s3.send(new GetObjectCommand({ ...B, ChecksumMode: 'ENABLED' }));
    let n = 0;
    for await (const c of got.Body as Readable) n += (c as Buffer).length;
    if (n !== size) throw new Error(`read ${n} of ${size} bytes`);
    const down = Number(process.hrtime.bigint() - t1) / 1e9;
    return { up, down, peakMiB: await hwmMiB(child.pid!) };
  } finally {
    s3.destroy();
    child.kill('SIGTERM');
    await once(child, 'exit');
    await rm(dir, { recursive: true, force: true });
  }
}

async function reference(size: number): Promise<{ up: number; down: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'freezer-bench-s3ref-'));
  try {
    const file = path.join(dir, 'ref.bin');
    const buf = Buffer.alloc(PART);
    const t0 = process.hrtime.bigint();
    const out = createWriteStream(file);
    for (let i = 0; i * PART < size; i++) {
      const body = buf.subarray(0, Math.min(PART, size - i * PART));
      fillPart(body, i);
      if (!out.write(body)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    const up = Number(process.hrtime.bigint() - t0) / 1e9;
    const t1 = process.hrtime.bigint();
    for await (const c of createReadStream(file)) void c;
    return { up, down: Number(process.hrtime.bigint() - t1) / 1e9 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const half = Math.max(PART, Math.round(FULL / 2 / MIB) * MIB);
  const mb = (n: number): string => (n / MIB).toFixed(0);
  const rate = (bytes: number, s: number): string => (bytes / MIB / s).toFixed(1);
  console.log(`S3 multipart upload + restore + GET through the local endpoint process: ${mb(FULL)} MiB and ${mb(half)} MiB, ${PART / MIB} MiB parts, ${CONCURRENCY} in flight`);
  const ref = await reference(FULL);
  const full = await run(FULL);
  const halfRun = await run(half);
  console.log(`reference (generate + write a file / read it back) ${mb(FULL)} MiB: ${rate(FULL, ref.up)} MiB/s up, ${rate(FULL, ref.down)} MiB/s down`);
  console.log(`endpoint ${mb(FULL)} MiB: ${rate(FULL, full.up)} MiB/s up, ${rate(FULL, full.down)} MiB/s down (SDK-validated), peak RSS ${full.peakMiB.toFixed(0)} MiB`);
  console.log(`endpoint ${mb(half)} MiB: ${rate(half, halfRun.up)} MiB/s up, ${rate(half, halfRun.down)} MiB/s down, peak RSS ${halfRun.peakMiB.toFixed(0)} MiB`);
  console.log(`ratio endpoint/reference: up ${(ref.up / full.up).toFixed(2)}, down ${(ref.down / full.down).toFixed(2)}`);
  console.log(`ratio peak RSS ${mb(FULL)} MiB / ${mb(half)} MiB: ${(full.peakMiB / halfRun.peakMiB).toFixed(2)} (flat memory ≈ 1.0)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
