/**
 * What the `freezer` binary prints while it works (plain lines on a pipe): files only where files are
 * handled one by one, bytes for downloads, and one percentage across the phases that never goes back.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { cleanEnv, prepareCli, runCli, tempDir, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

type Line = { pct: number; phase: string; rest: string };
/** "restore: 62% restoring file 2 of 3, 1.0 MiB of 1.6 MiB" → its parts. */
function progressLines(stderr: string, label: string): Line[] {
  const re = new RegExp(`^${label}: (\\d+)% (\\w+) ?(.*)$`, 'gm');
  return [...stderr.matchAll(re)].map((m) => ({ pct: Number(m[1]), phase: m[2], rest: m[3] }));
}

describe('freezer binary: progress lines', () => {
  let ep: EmbeddedEndpoint;
  let home: string;
  let src: string;
  const FILES = 4;
  const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: home, env: cleanEnv() });
  const ok = (r: CliResult): CliResult => {
    assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return r;
  };

  before(async () => {
    await prepareCli();
    const root = tempDir();
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint') });
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: ep.glacierConfigPatch.endpoint }));
    // Folders beside the files: they are tar entries, but not files the user counts.
    src = path.join(root, 'src');
    for (const d of ['a/b/c', 'd/e', 'f']) fs.mkdirSync(path.join(src, d), { recursive: true });
    fs.writeFileSync(path.join(src, 'a/b/c/one.bin'), randomBytes(1_500_000));
    fs.writeFileSync(path.join(src, 'a/two.txt'), 'two\n'.repeat(10_000));
    fs.writeFileSync(path.join(src, 'd/e/three.bin'), randomBytes(900_000));
    fs.writeFileSync(path.join(src, 'four.txt'), 'four');
  });
  after(async () => { await ep?.close(); });

  it('freeze counts files only and its percentage runs once from packing through uploading', async () => {
    ok(await cli(['vault', 'create', 'p']));
    const r = ok(await cli(['freeze', src, '--vault', 'p', '--key', 'none', '--json']));
    const lines = progressLines(r.stderr, 'freeze');
    assert.ok(lines.some((l) => l.phase === 'packing') && lines.some((l) => l.phase === 'uploading'), r.stderr);
    for (const l of lines.filter((x) => x.phase === 'packing')) {
      const m = /file (\d+) of (\d+)/.exec(l.rest);
      assert.ok(m, `packing names its file count: ${l.rest}`);
      assert.equal(Number(m[2]), FILES, 'the total counts files, not folders');
      assert.ok(Number(m[1]) <= FILES, `never past the total: ${l.rest}`);
    }
    for (const l of lines.filter((x) => x.phase === 'uploading')) {
      assert.doesNotMatch(l.rest, /file \d+ of/, `an upload counts bytes: ${l.rest}`);
      assert.match(l.rest, /of \d/, `an upload shows its bytes: ${l.rest}`);
      assert.ok(l.pct >= 50, `uploading continues the bar after packing (${l.pct} %)`);
    }
    assert.deepEqual(lines.map((l) => l.pct), lines.map((l) => l.pct).sort((a, b) => a - b), `never goes back:\n${r.stderr}`);
    assert.equal(lines[lines.length - 1].pct, 100);
  });

  it('a restore of a retrieved archive shows the download in bytes, then the files restored', async () => {
    const [a] = JSON.parse(ok(await cli(['archives', 'p', '--json'])).stdout);
    ok(await cli(['archive', 'disconnect', String(a.id)]));
    assert.match(ok(await cli(['retrieve', String(a.id), '--tier', 'Expedited'])).stderr, /Starting an Expedited retrieval/);
    const out = path.join(home, 'out');
    const r = ok(await cli(['restore', String(a.id), '--to', out]));
    assert.match(r.stdout, new RegExp(`Restored ${FILES} files into ${out.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}`));
    const lines = progressLines(r.stderr, 'restore');
    const down = lines.filter((l) => l.phase === 'downloading');
    const rest = lines.filter((l) => l.phase === 'restoring');
    assert.ok(down.length && rest.length, `both phases shown:\n${r.stderr}`);
    for (const l of down) {
      assert.doesNotMatch(l.rest, /file \d+ of/, `no "file 0 of ${FILES}" while downloading: ${l.rest}`);
      assert.match(l.rest, /B of \d+(\.\d)? [KM]iB/, `downloaded bytes of the total: ${l.rest}`);
      assert.ok(l.pct <= 50, 'the download is the first half');
    }
    for (const l of rest) {
      assert.match(l.rest, new RegExp(`file \\d of ${FILES}`), `restoring counts files: ${l.rest}`);
      assert.ok(l.pct >= 50, 'restoring is the second half');
    }
    // The last line is the end state, even when the throttle held it back ("file 0 of 4" at 100 % was printed last).
    assert.match(rest[rest.length - 1].rest, new RegExp(`^file ${FILES} of ${FILES},`), r.stderr);
    assert.deepEqual(lines.map((l) => l.pct), lines.map((l) => l.pct).sort((x, y) => x - y), `never goes back:\n${r.stderr}`);
    assert.equal(lines[lines.length - 1].pct, 100);
  });
});
