/**
 * A freeze killed while packing leaves an archive row in `building` and a `.partial` file. Whether
 * its builder is alive is known from its lock (pid), not from the row's age: the very next command
 * — `freeze --resume` right after the kill, or any other — removes both and says so.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFile, spawnCli, startCliHome, type CliHome } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('freezer freeze killed while packing', () => {
  let h: CliHome;
  let src: string;
  const archives = async () => h.cli(['archives', 'kv', '--json']);

  before(async () => {
    h = await startCliHome();
    src = path.join(h.root, 'src');
    fs.mkdirSync(src);
    for (let i = 0; i < 24; i++) fs.writeFileSync(path.join(src, `f${i}.bin`), randomBytes(2 * 1024 * 1024));
    const r = await h.cli(['vault', 'create', 'kv']);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => { await h?.close(); });

  /** A freeze that has begun writing its `.partial` archive file. */
  const packing = async (compression: string) => {
    const child = spawnCli(['freeze', src, '--vault', 'kv', '--key', 'none', '--compression', compression], { cwd: h.home });
    const upload = path.join(h.home, 'freezer-archives');
    let partial: string | undefined;
    for (let i = 0; i < 600 && !partial; i++) {
      await sleep(25);
      partial = findFile(upload, /\.partial$/);
    }
    return { child, partial };
  };

  const killWhilePacking = async () => {
    const { child, partial } = await packing('bzip2');
    child.process.kill('SIGKILL');
    const r = await child.exited;
    assert.equal(r.signal, 'SIGKILL', `killed while packing\n${r.stderr}`);
    assert.ok(partial && fs.existsSync(partial), 'a .partial file was left');
    return partial;
  };

  it('`freeze --resume` right after the kill removes the building archive and its .partial, and says so', async () => {
    const partial = await killWhilePacking();
    const r = await h.cli(['freeze', '--resume']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /was being packed by a Freezer process that is gone.*removed it and its partial file/);
    assert.ok(!fs.existsSync(partial), 'the .partial file is gone');
    const rows = JSON.parse((await archives()).stdout) as { state: string }[];
    assert.deepEqual(rows.filter((a) => a.state === 'building'), [], 'no building row is left');
  });

  it('any other command cleans up too; a live freeze is left alone', async () => {
    const partial = await killWhilePacking();
    const next = await archives();
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /was being packed by a Freezer process that is gone/, 'the next command says what it cleaned up');
    assert.ok(!fs.existsSync(partial), 'the first command after the kill removed the .partial file');
    assert.deepEqual((JSON.parse(next.stdout) as { state: string }[]).filter((a) => a.state === 'building'), []);
    const live = await packing('gzip');
    const during = await archives();
    const rows = JSON.parse(during.stdout) as { state: string }[];
    assert.ok(rows.some((a) => a.state === 'building'), `the live freeze's row stays: ${during.stdout}`);
    assert.doesNotMatch(during.stderr, /was being packed/);
    const done = await live.child.exited;
    assert.equal(done.code, 0, done.stderr);
  });
});
