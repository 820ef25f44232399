// Archive pipeline on a generated mixed tree (~1 GiB × BENCH_SCALE: compressible text, incompressible
// random data, many small files). Freeze (tar → gzip frames → fzr1 → file + hashes) and thaw (file →
// decrypt → gunzip → safe extract) MB/s and peak RSS, each in its own child process, against the
// reference pipelines measured in the same run:
//   tar -cf - DIR | gzip -6 | openssl enc -aes-256-cbc -pbkdf2 -pass pass:x | sha256sum   (and its reverse)
// Peak RSS is also measured on half the tree to show it does not grow with the data.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { textBlock } from './lib/dataSets';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const TOTAL = Math.round(1024 ** 3 * SCALE);
const MiB = 1024 * 1024;

function readVmHWM(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch { /* not Linux */ }
  return process.resourceUsage().maxRSS * 1024;
}

// ---- child mode: run one operation, print {seconds, peakRss} ----
async function child(op: string, args: string[]): Promise<void> {
  const { freezeArchive } = await import('../src/core/archive/freeze');
  const { thawArchive } = await import('../src/core/archive/thaw');
  const { importKeyJson } = await import('../src/core/crypto/keys');
  const { walkSources } = await import('../src/core/archive/walk');
  let peak = 0;
  const sampler = setInterval(() => { peak = Math.max(peak, readVmHWM()); }, 50);
  const key = importKeyJson(fs.readFileSync(args[0], 'utf8'));
  const t = performance.now();
  if (op === 'baseline') {
    // Runtime + TypeScript loader + modules, before any work: what the figures above include for free.
  } else if (op === 'freeze' || op === 'freeze-half') {
    let files: Parameters<typeof freezeArchive>[0]['files'] = [args[1]];
    if (op === 'freeze-half') {
      const all = [];
      for await (const s of walkSources([args[1]], { backupPatterns: [] })) all.push(s);
      const total = all.reduce((n, s) => n + s.size, 0);
      let acc = 0;
      files = all.filter((s) => (acc += s.size) <= total / 2);
    }
    await freezeArchive({ files, walk: { backupPatterns: [] }, output: args[2], name: 'bench', overwrite: true, encryption: { key } });
  } else {
    await thawArchive({ input: args[1], to: args[2], keys: [key] });
  }
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, readVmHWM());
  console.log(JSON.stringify({ seconds, peakRss: peak }));
}

// ---- tree generation ----
function generate(root: string): number {
  let written = 0;
  const text = Math.round(TOTAL * 0.4);
  const rand = Math.round(TOTAL * 0.4);
  const small = TOTAL - text - rand;
  fs.mkdirSync(path.join(root, 'text'), { recursive: true });
  fs.mkdirSync(path.join(root, 'random'), { recursive: true });
  // Text: files of 8–64 MiB, each made of distinct 1 MiB blocks.
  for (let f = 0, left = text; left > 0; f++) {
    const size = Math.min(left, (8 + (f % 8) * 8) * MiB);
    const fd = fs.openSync(path.join(root, 'text', `doc${f}.txt`), 'w');
    for (let off = 0; off < size; off += MiB) fs.writeSync(fd, textBlock(Math.min(MiB, size - off), f * 100_000 + off / MiB + 1));
    fs.closeSync(fd);
    left -= size;
    written += size;
  }
  for (let f = 0, left = rand; left > 0; f++) {
    const size = Math.min(left, 32 * MiB);
    const fd = fs.openSync(path.join(root, 'random', `blob${f}.bin`), 'w');
    for (let off = 0; off < size; off += 4 * MiB) fs.writeSync(fd, randomBytes(Math.min(4 * MiB, size - off)));
    fs.closeSync(fd);
    left -= size;
    written += size;
  }
  // Many small files (1–32 KiB), half text, half random, 200 per folder.
  const tb = textBlock(4 * MiB, 7);
  for (let i = 0, left = small; left > 0; i++) {
    const size = Math.min(left, 1024 * (1 + ((i * 7919) % 32)));
    const dir = path.join(root, 'small', `d${Math.floor(i / 200)}`);
    if (i % 200 === 0) fs.mkdirSync(dir, { recursive: true });
    const off = (i * 104729) % (tb.length - size);
    fs.writeFileSync(path.join(dir, `f${i}.${i % 2 ? 'bin' : 'txt'}`), i % 2 ? randomBytes(size) : tb.subarray(off, off + size));
    left -= size;
    written += size;
  }
  return written;
}

function runChild(op: string, ...args: string[]): { seconds: number; peakRss: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', op, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`${op} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { seconds: number; peakRss: number };
}

function timeShell(cmd: string): { seconds: number; peakRss?: number } {
  const t = performance.now();
  // /usr/bin/time -f %M prints the largest child's max RSS in kB (GNU time reports the biggest process of the pipeline's shell children poorly, so this is indicative only).
  execFileSync('bash', ['-o', 'pipefail', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] });
  return { seconds: (performance.now() - t) / 1000 };
}

const mbps = (bytes: number, s: number): string => `${(bytes / MiB / s).toFixed(1)} MB/s`;
const mb = (b: number): string => `${(b / MiB).toFixed(0)} MB`;

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-bench-pipeline-'));
  try {
    const root = path.join(work, 'tree');
    const t0 = performance.now();
    const bytes = generate(root);
    console.log(`pipeline bench: ${mb(bytes)} mixed tree (BENCH_SCALE=${SCALE}), generated in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${os.cpus().length} CPUs`);
    const { generateKey, exportKeyJson } = await import('../src/core/crypto/keys');
    const keyFile = path.join(work, 'key.json');
    fs.writeFileSync(keyFile, exportKeyJson(generateKey()), { mode: 0o600 });
    execFileSync('bash', ['-c', `tar -cf - -C ${work} tree > /dev/null`]); // warm the page cache

    const refEnc = path.join(work, 'ref.tar.gz.enc');
    const refFreeze = timeShell(`tar -cf - -C ${work} tree | gzip -6 | openssl enc -aes-256-cbc -pbkdf2 -pass pass:x | tee ${refEnc} | sha256sum`);
    const ours = path.join(work, 'ours.frz');
    const freeze = runChild('freeze', keyFile, root, ours);
    const freezeHalf = runChild('freeze-half', keyFile, root, path.join(work, 'half.frz'));
    fs.rmSync(path.join(work, 'half.frz'), { force: true });

    const refOut = path.join(work, 'ref-out');
    fs.mkdirSync(refOut);
    const refThaw = timeShell(`openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:x -in ${refEnc} | gzip -dc | tar -xf - -C ${refOut}`);
    fs.rmSync(refOut, { recursive: true, force: true });
    const thaw = runChild('thaw', keyFile, ours, path.join(work, 'out'));
    const baseline = runChild('baseline', keyFile);

    const archiveSize = fs.statSync(ours).size;
    const refSize = fs.statSync(refEnc).size;
    // Sanity: the restored tree matches (one big file and one small one).
    const same = (rel: string): boolean => createHash('sha256').update(fs.readFileSync(path.join(root, rel))).digest('hex') === createHash('sha256').update(fs.readFileSync(path.join(work, 'out/tree', rel))).digest('hex');
    if (!same('text/doc0.txt') || !same('small/d0/f1.bin')) throw new Error('restored tree differs');

    console.log(`archive ${mb(archiveSize)} (reference ${mb(refSize)})`);
    console.log(`freeze : ${mbps(bytes, freeze.seconds)} (${freeze.seconds.toFixed(1)} s), peak RSS ${mb(freeze.peakRss)}; half tree peak RSS ${mb(freezeHalf.peakRss)}`);
    console.log(`  reference tar|gzip -6|openssl|sha256sum: ${mbps(bytes, refFreeze.seconds)} (${refFreeze.seconds.toFixed(1)} s)`);
    console.log(`  ratio ours/reference: ${(refFreeze.seconds / freeze.seconds).toFixed(2)}× (goal ≥ 1.5×)`);
    console.log(`thaw   : ${mbps(bytes, thaw.seconds)} (${thaw.seconds.toFixed(1)} s), peak RSS ${mb(thaw.peakRss)}`);
    console.log(`  reference openssl -d|gzip -d|tar -x: ${mbps(bytes, refThaw.seconds)} (${refThaw.seconds.toFixed(1)} s)`);
    console.log(`  ratio ours/reference: ${(refThaw.seconds / thaw.seconds).toFixed(2)}× (goal ≥ 1.0×)`);
    console.log(`peak RSS goal ≤ 200 MB: freeze ${mb(freeze.peakRss)}, thaw ${mb(thaw.peakRss)}, freeze at half size ${mb(freezeHalf.peakRss)}; idle child (node + tsx + modules) ${mb(baseline.peakRss)}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

const ci = process.argv.indexOf('--child');
if (ci >= 0) void child(process.argv[ci + 1], process.argv.slice(ci + 2)).catch((e) => { console.error(e); process.exit(1); });
else void main().catch((e) => { console.error(e); process.exit(1); });
