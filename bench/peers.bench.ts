// Freezer beside the tools its users would otherwise pick, as whole commands on generated data sets:
//   restic 0.14 (backup/restore, local repository; the reference every ratio is against),
//   tar | pigz -6 | openssl enc | sha256sum   and   tar | zstd -T0 | openssl enc | sha256sum (and reverse),
//   freezer freeze (the whole CLI command, encrypted, uploading to a local endpoint in its own process)
//   and freezer restore (from the local archive file, every file's SHA-256 checked).
// Prints wall time, stored size and peak RSS, each as a ratio to restic in the same run, and PASS/FAIL
// for the goals. Median of BENCH_RUNS (default 3) runs; data sets scale with BENCH_SCALE (default 1);
// the memory check freezes trees of BENCH_RSS_GIB (default "1,4") GiB × BENCH_SCALE.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bigSet, type DataSet, MiB, mixedSet, sourceTreeSet } from './lib/dataSets';
import { cliNode, duBytes, ensureTools, medianOf, type Timed, timed, treeDigest } from './lib/measure';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const RSS_GIB = (process.env.BENCH_RSS_GIB ?? '1,4').split(',').filter(Boolean).map(Number);
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist', 'cli.js');
const node = cliNode();

interface Row { tool: string; freeze: Timed; thaw?: Timed; stored: number }

async function startEndpoint(dir: string): Promise<{ url: string; stop: () => void }> {
  const p = spawn(node, [cli, 'endpoint', '--dir', dir, '--port', '0', '--json'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    p.stdout.on('data', (d: Buffer) => {
      buf += d;
      const line = buf.split('\n').find((l) => l.trim().startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    p.on('exit', (code) => reject(new Error(`freezer endpoint exited ${code}`)));
  });
  return { url, stop: () => p.kill('SIGTERM') };
}

function freezer(url: string, db: string, ...args: string[]): string {
  return execFileSync(node, [cli, '--endpoint', url, '--database', db, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Freezer: a fresh catalogue, vault and default key per run, so no run profits from the one before. */
function freezerRow(url: string, set: DataSet, work: string): Row {
  let db = '';
  const freeze = medianOf(RUNS, () => timed(node, [cli, '--endpoint', url, '--database', db, 'freeze', set.root, '--vault', path.basename(path.dirname(db))]), (i) => {
    const dir = path.join(work, `freezer-${path.basename(set.root)}-${i}`);
    fs.mkdirSync(dir, { recursive: true });
    db = path.join(dir, 'freezer.db');
    freezer(url, db, 'vault', 'create', path.basename(dir));
    freezer(url, db, 'keys', 'create', '--default');
  });
  const stored = duBytes(path.join(path.dirname(db), 'freezer-archives'));
  const out = path.join(work, 'freezer-out');
  const thaw = medianOf(RUNS, () => timed(node, [cli, '--endpoint', url, '--database', db, 'restore', '1', '--to', out]), () => fs.rmSync(out, { recursive: true, force: true }));
  checkRestored(set, out, 'freezer');
  return { tool: 'freezer', freeze, thaw, stored };
}

function resticRow(set: DataSet, work: string): Row {
  const repo = path.join(work, 'restic-repo');
  const env = { RESTIC_PASSWORD: 'bench-password', RESTIC_CACHE_DIR: path.join(work, 'restic-cache') };
  const freeze = medianOf(RUNS, () => timed('restic', ['-r', repo, 'backup', '--quiet', set.root], { env }), () => {
    fs.rmSync(repo, { recursive: true, force: true });
    execFileSync('restic', ['-r', repo, 'init', '--quiet'], { env: { ...process.env, ...env } });
  });
  const stored = duBytes(repo);
  const out = path.join(work, 'restic-out');
  const thaw = medianOf(RUNS, () => timed('restic', ['-r', repo, 'restore', 'latest', '--quiet', '--target', out], { env }), () => fs.rmSync(out, { recursive: true, force: true }));
  checkRestored(set, out, 'restic');
  return { tool: 'restic', freeze, thaw, stored };
}

function pipelineRow(tool: string, compress: string, decompress: string, set: DataSet, work: string): Row {
  const enc = path.join(work, `${tool.replace(/\W+/g, '-')}.enc`);
  const parent = path.dirname(set.root);
  const base = path.basename(set.root);
  const freeze = medianOf(RUNS, () => timed('bash', ['-o', 'pipefail', '-c',
    `tar -cf - -C '${parent}' '${base}' | ${compress} | openssl enc -aes-256-cbc -pbkdf2 -pass pass:x | tee '${enc}' | sha256sum > /dev/null`]));
  const out = path.join(work, 'pipe-out');
  const thaw = medianOf(RUNS, () => timed('bash', ['-o', 'pipefail', '-c',
    `openssl enc -d -aes-256-cbc -pbkdf2 -pass pass:x -in '${enc}' | ${decompress} | tar -xf - -C '${out}'`]), () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out);
  });
  checkRestored(set, out, tool);
  const stored = fs.statSync(enc).size;
  fs.rmSync(enc);
  return { tool, freeze, thaw, stored };
}

/** The restored copy sits under `out` at the source's path (absolute or relative): find it and compare. */
function checkRestored(set: DataSet, out: string, tool: string): void {
  const want = treeDigest(set.root);
  const candidates = [path.join(out, set.root), path.join(out, path.basename(set.root)), out];
  if (!candidates.some((c) => fs.existsSync(c) && treeDigest(c) === want)) throw new Error(`${tool}: the restored tree differs from the source`);
  fs.rmSync(out, { recursive: true, force: true });
}

const mb = (b: number): string => `${(b / MiB).toFixed(1)} MB`;
const ratio = (x: number): string => `${x.toFixed(2)}×`;
const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

function table(set: DataSet, name: string, rows: Row[]): { speed: number; freezer: Row; restic: Row } {
  const restic = rows.find((r) => r.tool === 'restic')!;
  const ours = rows.find((r) => r.tool === 'freezer')!;
  console.log(`\n${name}: ${mb(set.bytes)} in ${set.files.toLocaleString('en')} files (median of ${RUNS})`);
  console.log('| tool | freeze | MB/s | × restic | thaw | × restic | stored | × restic | peak RSS freeze | × restic |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(`| ${r.tool} | ${r.freeze.seconds.toFixed(2)} s | ${(set.bytes / MiB / r.freeze.seconds).toFixed(1)} | ${ratio(restic.freeze.seconds / r.freeze.seconds)}`
      + ` | ${r.thaw ? `${r.thaw.seconds.toFixed(2)} s` : '—'} | ${r.thaw ? ratio(restic.thaw!.seconds / r.thaw.seconds) : '—'}`
      + ` | ${mb(r.stored)} | ${ratio(r.stored / restic.stored)} | ${mb(r.freeze.peakRss)} | ${ratio(r.freeze.peakRss / restic.freeze.peakRss)} |`);
  }
  const fz = restic.freeze.seconds / ours.freeze.seconds;
  const th = restic.thaw!.seconds / ours.thaw!.seconds;
  const sz = ours.stored / restic.stored;
  console.log(`goal freeze ≥ 1.0× restic (stretch 1.3×): ${ratio(fz)} ${verdict(fz >= 1)}${fz >= 1.3 ? ' (stretch met)' : ''}`);
  console.log(`goal thaw ≥ 1.0× restic restore: ${ratio(th)} ${verdict(th >= 1)}`);
  console.log(`goal stored size ≤ 1.05× restic: ${ratio(sz)} ${verdict(sz <= 1.05)}`);
  return { speed: set.bytes / ours.freeze.seconds, freezer: ours, restic };
}

async function main(): Promise<void> {
  ensureTools();
  if (!fs.existsSync(cli)) execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-bench-peers-'));
  const endpoint = await startEndpoint(path.join(work, 'endpoint'));
  try {
    console.log(`peers bench: BENCH_SCALE=${SCALE}, ${os.cpus().length} CPUs, Node ${execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()} for freezer, ${execFileSync('restic', ['version'], { encoding: 'utf8' }).trim()}`);
    const sets: [string, (r: string, s: number) => DataSet][] = [['mixed', mixedSet], ['source tree', sourceTreeSet]];
    const speeds: Record<string, number> = {};
    for (const [name, make] of sets) {
      const set = make(path.join(work, name.replace(/\W+/g, '-')), SCALE);
      execFileSync('bash', ['-c', `tar -cf - -C '${path.dirname(set.root)}' '${path.basename(set.root)}' > /dev/null`]); // page cache warm for everyone
      const rows = [
        resticRow(set, work),
        freezerRow(endpoint.url, set, work),
        pipelineRow('tar|pigz -6|openssl', 'pigz -6', 'pigz -dc', set, work),
        pipelineRow('tar|zstd -T0|openssl', 'zstd -T0 -q', 'zstd -dc -q', set, work),
      ];
      speeds[name] = table(set, name, rows).speed;
      fs.rmSync(set.root, { recursive: true, force: true });
    }
    const perByte = speeds['source tree'] / speeds.mixed;
    console.log(`\ngoal many small files freeze at least as fast per byte as the mixed set: ${ratio(perByte)} ${verdict(perByte >= 1)}`);

    const rss: { gib: number; peak: number }[] = [];
    for (const gib of RSS_GIB) {
      const set = bigSet(path.join(work, `big-${gib}`), Math.round(gib * 1024 * MiB * SCALE));
      const dir = path.join(work, `freezer-big-${gib}`);
      fs.mkdirSync(dir);
      const db = path.join(dir, 'freezer.db');
      freezer(endpoint.url, db, 'vault', 'create', `big-${gib}`);
      freezer(endpoint.url, db, 'keys', 'create', '--default');
      const t = timed(node, [cli, '--endpoint', endpoint.url, '--database', db, 'freeze', set.root, '--vault', `big-${gib}`]);
      rss.push({ gib, peak: t.peakRss });
      console.log(`memory: freezer freeze of ${mb(set.bytes)}: ${t.seconds.toFixed(1)} s, peak RSS ${mb(t.peakRss)}`);
      fs.rmSync(set.root, { recursive: true, force: true });
      fs.rmSync(dir, { recursive: true, force: true });
    }
    if (rss.length) {
      const worst = Math.max(...rss.map((r) => r.peak));
      const flat = rss.length < 2 || rss[rss.length - 1].peak <= rss[0].peak * 1.15;
      console.log(`goal peak RSS ≤ 200 MB at every size: ${mb(worst)} ${verdict(worst <= 200 * MiB)}; flat in archive size (largest ≤ 1.15× smallest): ${verdict(flat)}`);
    }
  } finally {
    endpoint.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

void main().catch((e) => { console.error(e); process.exit(1); });
