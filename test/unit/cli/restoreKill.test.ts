/**
 * A restore killed (SIGKILL) while it extracts leaves no truncated file under its real name, and a
 * rerun finishes it (issue 13, defect 2); a completed job whose restore cannot apply is never reported
 * as done: `jobs` says NOT APPLIED and `daemon --once` exits non-zero. Through the real binary.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli, startCliHome, type CliHome, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ok = (r: CliResult): CliResult => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
};

describe('freezer restore: killed while extracting', () => {
  let h: CliHome;
  let home: string;
  let src: string;
  const sizes = new Map<string, number>();
  const shas = new Map<string, string>();
  const cli = (args: string[]) => h.cli(args);

  before(async () => {
    h = await startCliHome({ endpoint: { jobDelays: { Expedited: 500, Standard: 500 } }, timeoutMs: 120_000 });
    home = h.home;
    src = path.join(h.root, 'data');
    fs.mkdirSync(src);
    for (let i = 0; i < 8; i++) {
      const name = `big-${i}.bin`;
      const bytes = randomBytes(16 * 1024 * 1024);
      fs.writeFileSync(path.join(src, name), bytes);
      sizes.set(name, bytes.length);
      shas.set(name, createHash('sha256').update(bytes).digest('hex'));
    }
  });
  after(async () => { await h?.close(); });

  /** Real-named files in `dir` whose content is not the original's. */
  const wrongUnderRealName = (dir: string): string[] => fs.readdirSync(dir)
    .filter((n) => shas.has(n) && sha(path.join(dir, n)) !== shas.get(n));

  it('leaves no truncated file under its real name, and a rerun finishes the restore', async () => {
    ok(await cli(['vault', 'create', 'v']));
    const a = JSON.parse(ok(await cli(['freeze', src, '--vault', 'v', '--key', 'none', '--compression', 'none', '--json'])).stdout) as { id: number };
    const to = path.join(home, 'restored');
    fs.mkdirSync(to);
    let killedMidFile = false;
    for (let attempt = 0; attempt < 5 && !killedMidFile; attempt++) {
      fs.rmSync(to, { recursive: true, force: true });
      fs.mkdirSync(to);
      const child = spawnCli(['restore', String(a.id), '--to', to], { cwd: home });
      // Kill as soon as a file is being written (any name), before it is complete.
      while (child.process.exitCode === null && child.process.signalCode === null) {
        const partial = fs.readdirSync(to, { recursive: true }).map(String).find((n) => {
          const st = fs.statSync(path.join(to, n), { throwIfNoEntry: false });
          return st?.isFile() && st.size > 0 && st.size < 16 * 1024 * 1024;
        });
        if (partial) {
          child.process.kill('SIGKILL');
          killedMidFile = true;
          break;
        }
        await sleep(2);
      }
      await child.exited;
    }
    assert.ok(killedMidFile, 'the restore was killed in the middle of writing a file');
    assert.deepEqual(wrongUnderRealName(to), [], 'no file under its real name holds anything but its original bytes');

    const rerun = ok(await cli(['restore', String(a.id), '--to', to]));
    assert.match(rerun.stdout, /Restored/);
    for (const [name, h] of shas) assert.equal(sha(path.join(to, 'data', name)), h, `${name} restored whole`);
    assert.deepEqual(fs.readdirSync(path.join(to, 'data')).sort(), [...shas.keys()].sort(), 'no temporary file left');
  });

  it('reports a restore that could not apply: jobs says NOT APPLIED, daemon --once exits 1, a rerun with a choice finishes', async () => {
    const a = JSON.parse(ok(await cli(['freeze', src, '--vault', 'v', '--key', 'none', '--compression', 'none', '--name', 'second', '--json'])).stdout) as { id: number };
    ok(await cli(['archive', 'disconnect', String(a.id)]));
    const to = path.join(home, 'conflict');
    fs.mkdirSync(path.join(to, 'data'), { recursive: true });
    fs.writeFileSync(path.join(to, 'data', 'big-0.bin'), 'the user\'s own file');
    const started = await cli(['restore', String(a.id), '--to', to, '--tier', 'Expedited']);
    assert.equal(started.code, 6, started.stderr);
    await sleep(1500);
    const daemon = await cli(['daemon', '--once']);
    assert.equal(daemon.code, 1, `daemon --once exits 1 when a job was not applied\n${daemon.stderr}`);
    assert.match(daemon.stderr, /not applied.*already exists.*--overwrite.*--keep-both.*--skip-existing/s);
    const jobs = ok(await cli(['jobs']));
    assert.match(jobs.stdout, /NOT APPLIED/);
    assert.equal(fs.readFileSync(path.join(to, 'data', 'big-0.bin'), 'utf8'), 'the user\'s own file', 'the user\'s file is untouched');

    const again = ok(await cli(['restore', String(a.id), '--to', to, '--keep-both']));
    assert.match(again.stdout, /Restored/);
    const day = new Date().toISOString().slice(0, 10);
    assert.equal(sha(path.join(to, 'data', `big-0 (restored ${day}).bin`)), shas.get('big-0.bin'));
    assert.equal(fs.readFileSync(path.join(to, 'data', 'big-0.bin'), 'utf8'), 'the user\'s own file');
  });
});
