/**
 * The fault battery (issue 13): the real `freezer` CLI, as a child process, against the local
 * endpoint in this process.
 *
 * - kills: SIGKILL at random (seeded, printed) points of freeze (packing, upload), download and
 *   restore, each followed by the documented resume, then a byte-for-byte comparison, the archives
 *   at the endpoint (exactly one per freeze) and the parts stored twice (zero);
 * - lost answers: apply-then-drop of each mutating operation of the freeze → retrieve → download path,
 *   and the download's answer cut mid-body;
 * - fault rates: 5 % and 20 % of requests meet a fault of any kind.
 *
 * One summary line per run kind is printed (`battery <kind>: …`). Replay with
 * FREEZER_BATTERY_SEED=<seed> node scripts/run-unit-tests.mjs battery. Store kinds are plugged in as
 * drivers (test/support/battery/storeDriver.ts).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue';
import { FAULT_KINDS, type FaultOptions, type ObservedRequest } from '../../../src/core/endpoint';
import { seededRandom } from '../../../src/core/endpoint/faults';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { s3DriverSpec } from '../../support/battery/s3Driver';
import { vaultDriverSpec, type StoreDriver } from '../../support/battery/storeDriver';
import { findFile, prepareCli, runCli, spawnCli, tempDir, type CliResult } from '../cli/cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const MIB = 1024 * 1024;
const SEED = Number(process.env.FREEZER_BATTERY_SEED) || (Date.now() % 1_000_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

interface Tally { runs: number; kills: number; resumes: number; archives: number; freezes: number; partsResent: number; mismatches: number; leftovers: number; settled: number; notes: string[] }
const tally = (): Tally => ({ runs: 0, kills: 0, resumes: 0, archives: 0, freezes: 0, partsResent: 0, mismatches: 0, leftovers: 0, settled: 0, notes: [] });
const summary = (kind: string, store: string, t: Tally) =>
  `battery ${kind} [${store}, seed ${SEED}]: ${t.runs} runs, ${t.kills} kills, ${t.resumes} resumes, ${t.archives} archives at the endpoint for ${t.freezes} freezes, ` +
  `${t.partsResent} parts re-sent, ${t.leftovers} leftovers, ${t.settled ? `${t.settled} lost answers settled by HEAD, ` : ''}${t.mismatches} mismatches${t.notes.length ? ` (${t.notes.join('; ')})` : ''}`;

/** Deterministic, incompressible bytes (so the seed fixes the data too). */
function noise(size: number, rnd: () => number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i += 4) b.writeUInt32LE(Math.floor(rnd() * 0x100000000), Math.min(i, size - 4));
  return b;
}

const specs = [vaultDriverSpec, s3DriverSpec].filter((d) => !process.env.FREEZER_BATTERY_STORE || d.kind === process.env.FREEZER_BATTERY_STORE);

for (const spec of specs) {
  describe(`fault battery (${spec.kind})`, { timeout: 15 * 60_000 }, () => {
    let ep: EmbeddedEndpoint;
    let store: StoreDriver;
    let home: string;
    let src: string;
    let upload: string;
    let n = 0;
    const seen: ObservedRequest[] = [];
    const rnd = seededRandom(SEED);

    before(async () => {
      await prepareCli();
      const root = tempDir('freezer-battery-');
      ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint'), ...spec.endpoint });
      store = spec.create({ url: ep.url, region: ep.glacierConfigPatch.region }, seen);
      ep.endpoint!.onRequest((r) => seen.push(r));
      home = path.join(root, 'home');
      fs.mkdirSync(home);
      const p = ep.glacierConfigPatch;
      fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({
        endpoint: p.endpoint, queue: p.queueUrl, snsTopicArn: p.snsTopicArn, 'poll-time': 1, 'chunk-size': '1MiB', threads: 2,
        database: path.join(home, 'freezer.db'), ...spec.config,
      }));
      upload = path.join(home, 'freezer-archives');
      src = path.join(root, 'src', 'project');
      fs.mkdirSync(path.join(src, 'sub'), { recursive: true });
      fs.writeFileSync(path.join(src, 'big.bin'), noise(spec.bigFileBytes ?? 5 * MIB + 123, rnd));
      fs.writeFileSync(path.join(src, 'sub', 'mid.bin'), noise(MIB + 7, rnd));
      for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(src, 'sub', `note-${i}.txt`), `note ${i} `.repeat(200 + i));
      process.stdout.write(`battery ${spec.kind} seed ${SEED} (replay: FREEZER_BATTERY_SEED=${SEED} FREEZER_BATTERY_STORE=${spec.kind} node scripts/run-unit-tests.mjs battery)\n`);
    });
    after(async () => {
      ep?.endpoint?.setFaults(undefined);
      store?.close();
      await ep?.close();
    });

    const cli = async (args: string[], ok = true): Promise<CliResult> => {
      const r = await runCli(args, { cwd: home, timeoutMs: 120_000 });
      if (ok) assert.equal(r.code, 0, `freezer ${args.join(' ')} → ${r.code}\n${r.stdout}\n${r.stderr}`);
      return r;
    };
    type Row = { id: number; state: string; fileCount: number };
    /** The archives of a store as the catalogue has them (read here, between CLI runs, to spare a process per look). */
    const archives = async (name: string): Promise<Row[]> => {
      const cat = await Catalogue.open(path.join(home, 'freezer.db'));
      try {
        const v = (await cat.listVaults()).find((x) => x.name === store.storeName(name));
        if (!v) return [];
        return (await cat.listArchives({ vaultId: v.id })).map((a) => ({
          id: a.id, fileCount: a.fileCount,
          state: a.building ? 'building' : a.uploading ? 'uploading' : !a.glacierId ? 'local' : a.localPath && fs.existsSync(a.localPath) ? 'liquid' : 'frozen',
        }));
      } finally {
        cat.close();
      }
    };
    const newStore = async (): Promise<string> => {
      const name = `b${SEED % 10000}-${++n}`;
      await cli(store.createArgs(name));
      return name;
    };
    const partsResent = (name: string): number => {
      const count = new Map<string, number>();
      for (const r of seen) {
        const k = store.partKey(r, name);
        if (k) count.set(k, (count.get(k) ?? 0) + 1);
      }
      return [...count.values()].reduce((s, c) => s + c - 1, 0);
    };

    /** Finishes a freeze the documented way: `freeze --resume`; an archive removed while packing is frozen again. */
    const settleFreeze = async (name: string, t: Tally, attempts = 6): Promise<Row> => {
      for (let i = 0; i < attempts; i++) {
        const rows = await archives(name);
        const done = rows.find((a) => a.state === 'liquid');
        if (done && rows.length === 1) return done;
        t.resumes++;
        if (rows.some((a) => a.state === 'uploading' || a.state === 'building')) await cli(['freeze', '--resume', '--json'], false);
        else if (!rows.length) await cli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json'], false);
        else assert.fail(`unexpected archives in ${name}: ${JSON.stringify(rows)}`);
      }
      assert.fail(`freeze into ${name} did not settle: ${JSON.stringify(await archives(name))}`);
    };

    /** Files under `out` that differ from the source (missing, extra, other bytes). */
    const compare = (out: string): number => {
      const files = (dir: string, base = dir): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? files(p, base) : [path.relative(base, p)];
      });
      const got = path.join(out, path.basename(src));
      if (!fs.existsSync(got)) return files(src).length;
      const want = new Set(files(src));
      let bad = 0;
      for (const f of files(got)) if (!want.has(f) || sha(path.join(got, f)) !== sha(path.join(src, f))) bad++;
      for (const f of want) if (!fs.existsSync(path.join(got, f))) bad++;
      return bad;
    };

    const restoreAndCompare = async (id: number, t: Tally, out = path.join(tempDir('freezer-battery-out-'), 'r')): Promise<void> => {
      let r = await cli(['restore', String(id), '--to', out], false);
      // A rerun over files an interrupted restore left needs --overwrite until restores resume on their own.
      if (r.code !== 0 && /already exists/.test(r.stderr)) {
        t.notes.push('a rerun of a killed restore needed --overwrite');
        r = await cli(['restore', String(id), '--to', out, '--overwrite'], false);
      }
      assert.equal(r.code, 0, `restore ${id}: ${r.stderr}`);
      t.mismatches += compare(out);
    };

    /** Frozen → retrieved → downloaded by `daemon --once` (retried as documented) → liquid. */
    const retrieveAndDownload = async (name: string, id: number, t: Tally, attempts = 6): Promise<void> => {
      await cli(['archive', 'disconnect', String(id)]);
      for (let i = 0; i < attempts; i++) {
        const r = await cli(['retrieve', String(id), '--tier', store.retrieveTier, '--json'], false);
        if (r.code === 0) break;
        t.resumes++;
      }
      for (let i = 0; i < attempts; i++) {
        if ((await archives(name)).find((a) => a.id === id)?.state === 'liquid') return;
        if (i > 0) t.resumes++;
        await cli(['daemon', '--once'], false);
      }
      assert.equal((await archives(name)).find((a) => a.id === id)?.state, 'liquid', `archive ${id} was downloaded`);
    };

    const account = async (name: string, t: Tally): Promise<void> => {
      t.freezes++;
      t.archives += await store.archivesAt(name);
      t.partsResent += partsResent(name);
      const lost = store.lostAnswers?.(name);
      t.settled += lost?.settled ?? 0;
      const left = [...(await store.leftovers?.(name) ?? []), ...(lost?.problems ?? [])];
      t.leftovers += left.length;
      t.notes.push(...left.map((l) => `${name}: ${l}`));
    };

    it('SIGKILL at random points of freeze (packing, upload), download and restore; each resumed', async () => {
      const t = tally();
      const points: ('packing' | 'upload' | 'download' | 'restore')[] = ['packing', 'packing', 'packing', 'upload', 'upload', 'upload', 'download', 'download', 'download', 'restore', 'restore'];
      for (const phase of points) {
        const name = await newStore();
        t.runs++;
        const at = rnd();
        if (phase === 'packing' || phase === 'upload') {
          const child = spawnCli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json'], { cwd: home });
          if (phase === 'packing') {
            for (let i = 0; i < 2000 && !findFile(upload, /\.partial$/) && child.process.exitCode === null; i++) await sleep(5);
            await sleep(Math.floor(at * 150));
            child.process.kill('SIGKILL');
          } else {
            const nth = 1 + Math.floor(at * 5);
            let parts = 0;
            const stop = ep.endpoint!.onRequest((r) => { if (store.partKey(r, name) && ++parts >= nth) child.process.kill('SIGKILL'); });
            await child.exited;
            stop();
          }
          const r = await child.exited;
          if (r.signal === 'SIGKILL') t.kills++;
          else t.notes.push(`${phase} run ${t.runs} ended before its kill`);
          const a = await settleFreeze(name, t);
          await account(name, t);
          await restoreAndCompare(a.id, t);
        } else if (phase === 'download') {
          await cli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json']);
          const [a] = await archives(name);
          await cli(['archive', 'disconnect', String(a.id)]);
          await cli(['retrieve', String(a.id), '--tier', store.retrieveTier]);
          // Slow answers stretch the download so the kill lands inside it.
          ep.endpoint!.setFaults({ rate: 1, kinds: ['slow'], slowMs: 300, operations: [store.downloadOperation] });
          const child = spawnCli(['daemon', '--once'], { cwd: home });
          for (let i = 0; i < 2000 && !seen.some((x) => x.operation === store.downloadOperation && store.touches(x, name)) && !findFile(upload, /\.partial(\.json)?$/) && child.process.exitCode === null; i++) await sleep(5);
          await sleep(Math.floor(at * 250));
          child.process.kill('SIGKILL');
          const r = await child.exited;
          ep.endpoint!.setFaults(undefined);
          if (r.signal === 'SIGKILL') t.kills++;
          else t.notes.push(`download run ${t.runs} ended before its kill`);
          for (let i = 0; i < 4 && (await archives(name))[0].state !== 'liquid'; i++) {
            t.resumes++;
            await cli(['daemon', '--once'], false);
          }
          assert.equal((await archives(name))[0].state, 'liquid', 'the resumed download finished');
          await account(name, t);
          await restoreAndCompare(a.id, t);
        } else {
          await cli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json']);
          const [a] = await archives(name);
          const out = path.join(tempDir('freezer-battery-out-'), 'r');
          const child = spawnCli(['restore', String(a.id), '--to', out], { cwd: home });
          for (let i = 0; i < 2000 && !fs.existsSync(out) && child.process.exitCode === null; i++) await sleep(2);
          await sleep(Math.floor(at * 40));
          child.process.kill('SIGKILL');
          const r = await child.exited;
          if (r.signal === 'SIGKILL') t.kills++;
          else t.notes.push(`restore run ${t.runs} ended before its kill`);
          t.resumes++;
          await account(name, t);
          await restoreAndCompare(a.id, t, out);
        }
      }
      process.stdout.write(`${summary('kills', store.kind, t)}\n`);
      assert.ok(t.kills >= 10, `at least 10 kills landed (${t.kills})`);
      assert.equal(t.archives, t.freezes, 'exactly one archive at the endpoint per freeze');
      assert.equal(t.partsResent, 0, 'no part was sent twice');
      assert.equal(t.leftovers, 0, 'nothing billed is left beside the archives, and no lost answer was re-sent unsettled');
      assert.equal(t.mismatches, 0, 'every restore is byte-identical');
    });

    it('apply-then-drop of each mutating operation of the freeze → retrieve → download path, and a cut download', async () => {
      const t = tally();
      const runs: FaultOptions[] = [
        ...store.mutatingOperations.map((op): FaultOptions => ({ rate: 1, kinds: ['apply-then-drop'], operations: [op], times: 1 })),
        { rate: 1, kinds: ['cut-body'], operations: [store.downloadOperation], times: 1 },
      ];
      const unfired: string[] = [];
      for (const rule of runs) {
        const name = await newStore();
        t.runs++;
        const before = ep.endpoint!.faultLog().length;
        ep.endpoint!.setFaults(rule);
        await cli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json'], false);
        const a = await settleFreeze(name, t);
        await retrieveAndDownload(name, a.id, t);
        ep.endpoint!.setFaults(undefined);
        if (ep.endpoint!.faultLog().length === before) unfired.push(rule.operations![0]);
        await account(name, t);
        // A part whose answer was dropped is sent again: the client cannot know it arrived.
        if (rule.operations![0] === store.partOperation) t.partsResent -= Math.min(1, partsResent(name));
        await restoreAndCompare(a.id, t);
      }
      if (unfired.length) t.notes.push(`not on this path: ${unfired.join(', ')}`);
      process.stdout.write(`${summary('apply-then-drop', store.kind, t)}\n`);
      assert.equal(t.archives, t.freezes, 'exactly one archive per freeze');
      assert.equal(t.partsResent, 0, 'no part sent twice but the one whose answer was lost');
      // The lost Complete and the lost single-PUT segment each met a HEAD before anything else of that object.
      if (store.lostAnswers) assert.ok(t.settled >= 2, `lost segment answers were settled by HEAD (${t.settled})`);
      assert.equal(t.leftovers, 0, 'nothing billed is left beside the archives, and no lost answer was re-sent unsettled');
      assert.equal(t.mismatches, 0);
    });

    for (const rate of [0.05, 0.2]) {
      it(`${rate * 100} % of requests meet a fault of any kind`, async () => {
        const t = tally();
        for (let run = 0; run < 2; run++) {
          const name = await newStore();
          t.runs++;
          ep.endpoint!.setFaults({ rate, kinds: FAULT_KINDS, seed: SEED + run, slowMs: 40 });
          await cli(['freeze', src, ...store.freezeArgs(name), '--key', 'none', '--json'], false);
          const a = await settleFreeze(name, t, 10);
          await retrieveAndDownload(name, a.id, t, 10);
          ep.endpoint!.setFaults(undefined);
          await account(name, t);
          await restoreAndCompare(a.id, t);
        }
        t.notes.push(`faults injected: ${JSON.stringify(Object.fromEntries(Object.entries(ep.endpoint!.faultCounts()).filter(([, c]) => c)))}`);
        process.stdout.write(`${summary(`faults ${rate * 100} %`, store.kind, t)}\n`);
        assert.equal(t.archives, t.freezes, 'exactly one archive per freeze');
        assert.equal(t.leftovers, 0, 'nothing billed is left beside the archives');
        assert.equal(t.mismatches, 0);
      });
    }
  });
}
