// Catalogue at scale: 1,000,000 files (× BENCH_SCALE) in 2,000 archives. Times opening the file, one
// folder level, the versions of a path and an "already frozen" test of a 100,000-file selection, and
// reports the file size. Reference measured in the same run: reading the file's bytes (fs.readFile).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Catalogue } from '../src/core/catalogue/catalogue';
import { loadSqlJs } from '../src/core/catalogue/sqlJs';
import type { FileIdentity, MemberInput } from '../src/core/catalogue/types';

const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const FILES = Math.max(2000, Math.round(1_000_000 * SCALE));
const ARCHIVES = 2000;
const PER_ARCHIVE = Math.ceil(FILES / ARCHIVES);
const SELECTION = Math.max(1000, Math.round(100_000 * Math.min(1, SCALE * 10)));
const FILES_PER_FOLDER = 200;
const VERSIONED = Math.floor(FILES * 0.1); // one file in ten is a second version of an earlier path

const ms = (t: number) => `${t.toFixed(1)} ms`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const shaOf = (k: number) => createHash('sha256').update(`content-${k}`).digest('hex');
const pathOf = (i: number) => {
  const folder = Math.floor(i / FILES_PER_FOLDER);
  return `/data/u${folder % 10}/p${Math.floor(folder / 10) % 50}/d${Math.floor(folder / 500)}/f${i}.bin`;
};
// Member k: the first FILES - VERSIONED are distinct paths; the rest are new versions of spread-out paths.
const distinctPaths = FILES - VERSIONED;
const memberPath = (k: number) => pathOf(k < distinctPaths ? k : ((k - distinctPaths) * 9) % distinctPaths);
const identity = (k: number): FileIdentity => ({ name: path.posix.basename(memberPath(k)), size: 1000 + (k % 5000), sha256: shaOf(k) });

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

/** Wall time, and this process's CPU time (user + system) in `cpu` — the figure to trust on a busy machine. */
let cpu = 0;
async function timeAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const c = process.cpuUsage();
  const r = await fn();
  const u = process.cpuUsage(c);
  cpu = (u.user + u.system) / 1000;
  return [r, performance.now() - t];
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-bench-catalogue-'));
  const file = path.join(dir, 'freezer.db');
  try {
    const [, tLoad] = await timeAsync(() => loadSqlJs());
    console.log(`catalogue bench: ${FILES.toLocaleString('en')} files in ${ARCHIVES} archives (BENCH_SCALE=${SCALE}); sql.js load ${ms(tLoad)}`);

    const build = await Catalogue.open(file);
    const [, tBuild] = await timeAsync(() => build.write((tx) => {
      const v = tx.upsertVault({ name: 'bench', region: 'eu-west-1' });
      let k = 0;
      for (let a = 0; a < ARCHIVES && k < FILES; a++) {
        const archive = tx.addArchive({ vaultId: v.id, glacierId: `G${a}`, created: new Date(Date.UTC(2020, 0, 1) + a * 3_600_000).toISOString(), size: PER_ARCHIVE * 3000 });
        const members: MemberInput[] = [];
        for (let i = 0; i < PER_ARCHIVE && k < FILES; i++, k++) {
          const id = identity(k);
          members.push({ path: memberPath(k), size: id.size, sha256: id.sha256, mtimeMs: 1_600_000_000_000 + k, tarOffset: i * 4096 });
        }
        tx.addMembers(archive.id, members);
      }
    }));
    build.close();
    const size = fs.statSync(file).size;
    console.log(`build (one write, incl. save): ${ms(tBuild)} (cpu ${ms(cpu)}) = ${Math.round(FILES / (tBuild / 1000)).toLocaleString('en')} members/s`);
    console.log(`file size: ${(size / 1048576).toFixed(1)} MiB (${Math.round(size / FILES)} bytes per file)`);

    global.gc?.();
    const [, tRead] = await timeAsync(() => fs.promises.readFile(file));
    const [cat, tOpen] = await timeAsync(() => Catalogue.open(file));
    const cpuOpen = cpu;
    console.log(`open: ${ms(tOpen)}, cpu ${ms(cpuOpen)} (goal ≤ 2000 ms: ${(tOpen / 2000).toFixed(2)}× goal; ${(tOpen / tRead).toFixed(1)}× a plain readFile of ${ms(tRead)})`);

    const levels = ['/', '/data', '/data/u3', '/data/u3/p7', '/data/u3/p7/d0'];
    const levelTimes: number[] = [];
    const levelCpu: number[] = [];
    for (let round = 0; round < 5; round++) {
      for (const l of levels) {
        const [listing, t] = await timeAsync(() => cat.listFolder(l));
        if (round === 0 && l === levels[levels.length - 1]) console.log(`  ${l}: ${listing.folders.length} folders, ${listing.files.length} files`);
        levelTimes.push(t);
        levelCpu.push(cpu);
      }
    }
    const worstLevel = Math.max(...levelTimes);
    console.log(`folder level: median ${ms(median(levelTimes))}, worst ${ms(worstLevel)} over ${levelTimes.length} listings; cpu median ${ms(median(levelCpu))}, worst ${ms(Math.max(...levelCpu))} (goal ≤ 50 ms: ${(worstLevel / 50).toFixed(2)}× goal)`);

    const versionTimes: number[] = [];
    const versionCpu: number[] = [];
    let versions = 0;
    for (let i = 0; i < 50; i++) {
      const [v, t] = await timeAsync(() => cat.versionsOf(pathOf((i * 9) % distinctPaths)));
      versions += v.length;
      versionTimes.push(t);
      versionCpu.push(cpu);
    }
    console.log(`versions of a path: median ${ms(median(versionTimes))}, worst ${ms(Math.max(...versionTimes))}; cpu worst ${ms(Math.max(...versionCpu))} (${(versions / 50).toFixed(1)} versions each)`);

    // Half the selection is frozen content, half is not (same names, other hashes).
    const selection: FileIdentity[] = [];
    for (let i = 0; i < SELECTION; i++) {
      const k = Math.floor((i / SELECTION) * FILES);
      selection.push(i % 2 ? identity(k) : { ...identity(k), sha256: shaOf(FILES + k) });
    }
    const selTimes: number[] = [];
    const selCpu: number[] = [];
    let frozen: boolean[] = [];
    for (let round = 0; round < 3; round++) {
      const [r, t] = await timeAsync(() => cat.alreadyFrozen(selection));
      frozen = r;
      selTimes.push(t);
      selCpu.push(cpu);
    }
    const tSel = Math.min(...selTimes);
    const hits = frozen.filter(Boolean).length;
    if (hits !== Math.floor(SELECTION / 2)) throw new Error(`selection test found ${hits} frozen, expected ${Math.floor(SELECTION / 2)}`);
    const [, tSet] = time(() => { const s = new Set(selection.map((x) => `${x.sha256}|${x.size}|${x.name}`)); return s.size; });
    console.log(`already-frozen test of ${SELECTION.toLocaleString('en')} files: best ${ms(tSel)}, first (cold cache) ${ms(selTimes[0])}; cpu best ${ms(Math.min(...selCpu))}, first ${ms(selCpu[0])} (${hits.toLocaleString('en')} frozen; goal ≤ 1000 ms: ${(tSel / 1000).toFixed(2)}× goal; ${(tSel / tSet).toFixed(1)}× building a JS Set of the selection, ${ms(tSet)})`);

    const [, tWrite] = await timeAsync(() => cat.write((tx) => tx.setSetting('touched', 'yes')));
    console.log(`one small write (lock + save of the whole file): ${ms(tWrite)}, cpu ${ms(cpu)}`);
    cat.close();
    console.log(`load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores (wall times stretch with it)`);
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
