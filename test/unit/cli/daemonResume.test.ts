/**
 * The daemon stopped in the middle of a download checkpoints it, and the next start resumes from the
 * verified ranges instead of starting over. The endpoint runs in this process so the test can make
 * its responses slow (fault injection) while the daemon, a child process, downloads.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { findFile, prepareCli, runCli, spawnCli, tempDir } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('freezer daemon: stop and restart mid-download', () => {
  let ep: EmbeddedEndpoint;
  let home: string;

  before(async () => {
    await prepareCli();
    const root = tempDir();
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint'), jobDelays: { Expedited: 2000 } });
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    const p = ep.glacierConfigPatch;
    fs.writeFileSync(path.join(home, 'freezer.conf'), `<configuration><key id="endpoint" value="${p.endpoint}"/><key id="queue" value="${p.queueUrl}"/><key id="snstopic" value="${p.snsTopicArn}"/><key id="poll-time" value="1"/><key id="threads" value="1"/></configuration>`);
  });

  after(async () => {
    ep?.endpoint?.setFaults(undefined);
    await ep?.close();
  });

  it('checkpoints on SIGTERM and resumes the verified ranges on the next start', async () => {
    const src = path.join(tempDir(), 'big');
    fs.mkdirSync(src);
    // Incompressible, so the archive spans three 16 MiB download ranges.
    fs.writeFileSync(path.join(src, 'random.bin'), randomBytes(40 * 1024 * 1024));
    const run = async (args: string[]) => {
      const r = await runCli(args, { cwd: home });
      assert.equal(r.code, 0, `${args.join(' ')}: exit ${r.code}\n${r.stderr}`);
      return r.stdout;
    };
    await run(['vault', 'create', 'big']);
    const a = JSON.parse(await run(['freeze', src, '--vault', 'big', '--key', 'none', '--json']));
    const originalSha = sha(a.localFile);
    await run(['archive', 'disconnect', String(a.id)]);

    let daemon = spawnCli(['daemon', '--verbose'], { cwd: home });
    const stopDaemon = () => daemon.process.exitCode === null && daemon.process.kill('SIGKILL');
    process.once('exit', stopDaemon);
    await daemon.waitFor(/Listening for job notifications/);
    await run(['retrieve', String(a.id), '--tier', 'Expedited']);
    // Slow every response from now on: the download takes several seconds per range.
    ep.endpoint!.setFaults({ rate: 1, kinds: ['slow'], slowMs: 1200 });
    const upload = path.join(home, 'freezer-archives');
    let state: { done: Record<string, string> } | undefined;
    for (let i = 0; i < 300 && !(state && Object.keys(state.done).length >= 1); i++) {
      await sleep(100);
      const f = findFile(upload, /\.partial\.json$/);
      if (f) state = JSON.parse(fs.readFileSync(f, 'utf8'));
    }
    if (!(state && Object.keys(state.done).length >= 1)) {
      stopDaemon();
      assert.fail(`no range was verified before the stop\n${daemon.output().stderr}`);
    }
    daemon.process.kill('SIGTERM');
    const first = await daemon.exited;
    assert.equal(first.code, 0, first.stderr);
    const checkpoint = findFile(upload, /\.partial\.json$/);
    assert.ok(checkpoint, 'the checkpoint survives the stop');
    const doneAtStop = Object.keys(JSON.parse(fs.readFileSync(checkpoint, 'utf8')).done).length;
    assert.ok(doneAtStop >= 1 && doneAtStop < 3, `stopped mid-download (${doneAtStop} of 3 ranges)`);

    ep.endpoint!.setFaults(undefined);
    daemon = spawnCli(['daemon', '--verbose'], { cwd: home });
    try {
      const m = await daemon.waitFor(/Resuming download of job \S+: (\d+) of (\d+) ranges already verified/);
      assert.equal(Number(m[1]), doneAtStop);
      assert.equal(Number(m[2]), 3);
      await daemon.waitFor(/Downloaded archive \d+ to .* \(verified\)/, 30_000);
    } finally {
      daemon.process.kill('SIGTERM');
      assert.equal((await daemon.exited).code, 0);
    }
    const [after] = JSON.parse(await run(['archives', 'big', '--json']));
    assert.equal(after.state, 'liquid');
    assert.equal(sha(after.localFile), originalSha, 'the resumed download is the archive, byte for byte');
    assert.equal(findFile(upload, /\.partial/), undefined, 'no partial files left');
  });

  it('SIGTERM during an upload exits 130 and keeps it resumable: freeze --resume finishes it', async () => {
    const src = path.join(tempDir(), 'upload');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'random.bin'), randomBytes(12 * 1024 * 1024));
    ep.endpoint!.setFaults({ rate: 1, kinds: ['slow'], slowMs: 300 });
    const freeze = spawnCli(['freeze', src, '--vault', 'big', '--key', 'none', '--chunk-size', '1MiB'], { cwd: home });
    try {
      // Some parts sent: "freeze: 54% uploading 1.0 MiB of 12 MiB, …" (the percentage spans packing and uploading).
      await freeze.waitFor(/% uploading [1-9][\d.]* [KM]iB of/, 60_000);
    } finally {
      freeze.process.kill('SIGTERM');
    }
    const r = await freeze.exited;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /freeze --resume/);
    ep.endpoint!.setFaults(undefined);
    const listed = await runCli(['archives', 'big', '--json'], { cwd: home });
    const a = JSON.parse(listed.stdout).find((x: any) => x.name.startsWith('upload'));
    assert.equal(a?.state, 'uploading', listed.stdout);
    const resumed = await runCli(['freeze', '--resume', '--json'], { cwd: home });
    assert.equal(resumed.code, 0, resumed.stderr);
    const done = JSON.parse(resumed.stdout).find((x: any) => x.id === a.id);
    assert.equal(done?.state, 'liquid');
    assert.ok(done.glacierId);
  });
});
