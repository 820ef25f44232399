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
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { findFile, prepareCli, runCli, spawnCli, tempDir } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('freezer freeze killed while packing', () => {
  let ep: EmbeddedEndpoint;
  let home: string;
  let src: string;

  before(async () => {
    await prepareCli();
    const root = tempDir();
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint') });
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    const p = ep.glacierConfigPatch;
    fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: p.endpoint, queue: p.queueUrl, snsTopicArn: p.snsTopicArn, 'poll-time': 1 }));
    src = path.join(root, 'src');
    fs.mkdirSync(src);
    for (let i = 0; i < 24; i++) fs.writeFileSync(path.join(src, `f${i}.bin`), randomBytes(2 * 1024 * 1024));
    const r = await runCli(['vault', 'create', 'kv'], { cwd: home });
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => { await ep?.close(); });

  const killWhilePacking = async () => {
    const child = spawnCli(['freeze', src, '--vault', 'kv', '--key', 'none', '--compression', 'bzip2'], { cwd: home });
    const upload = path.join(home, 'freezer-archives');
    let partial: string | undefined;
    for (let i = 0; i < 600 && !partial; i++) {
      await sleep(25);
      partial = findFile(upload, /\.partial$/);
    }
    child.process.kill('SIGKILL');
    const r = await child.exited;
    assert.equal(r.signal, 'SIGKILL', `killed while packing\n${r.stderr}`);
    assert.ok(partial && fs.existsSync(partial), 'a .partial file was left');
    const next = await runCli(['archives', 'kv', '--json'], { cwd: home });
    return { partial, next };
  };

  it('`freeze --resume` right after the kill removes the building archive and its .partial, and says so', async () => {
    const child = spawnCli(['freeze', src, '--vault', 'kv', '--key', 'none', '--compression', 'bzip2'], { cwd: home });
    const upload = path.join(home, 'freezer-archives');
    let partial: string | undefined;
    for (let i = 0; i < 600 && !partial; i++) {
      await sleep(25);
      partial = findFile(upload, /\.partial$/);
    }
    child.process.kill('SIGKILL');
    assert.equal((await child.exited).signal, 'SIGKILL');
    assert.ok(partial && fs.existsSync(partial), 'a .partial file was left');
    const r = await runCli(['freeze', '--resume'], { cwd: home });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /was being packed by a Freezer process that is gone.*removed it and its partial file/);
    assert.ok(!fs.existsSync(partial), 'the .partial file is gone');
    const rows = JSON.parse((await runCli(['archives', 'kv', '--json'], { cwd: home })).stdout) as { state: string }[];
    assert.deepEqual(rows.filter((a) => a.state === 'building'), [], 'no building row is left');
  });

  it('any other command cleans up too; a live freeze is left alone', async () => {
    const { partial, next } = await killWhilePacking();
    assert.equal(next.code, 0, next.stderr);
    assert.match(next.stderr, /was being packed by a Freezer process that is gone/, 'the next command says what it cleaned up');
    assert.ok(!fs.existsSync(partial), 'the first command after the kill removed the .partial file');
    assert.deepEqual((JSON.parse(next.stdout) as { state: string }[]).filter((a) => a.state === 'building'), []);
    const live = spawnCli(['freeze', src, '--vault', 'kv', '--key', 'none', '--compression', 'gzip'], { cwd: home });
    const upload = path.join(home, 'freezer-archives');
    let p: string | undefined;
    for (let i = 0; i < 600 && !p; i++) {
      await sleep(25);
      p = findFile(upload, /\.partial$/);
    }
    const during = await runCli(['archives', 'kv', '--json'], { cwd: home });
    const rows = JSON.parse(during.stdout) as { state: string }[];
    assert.ok(rows.some((a) => a.state === 'building'), `the live freeze's row stays: ${during.stdout}`);
    assert.doesNotMatch(during.stderr, /was being packed/);
    const done = await live.exited;
    assert.equal(done.code, 0, done.stderr);
  });
});
