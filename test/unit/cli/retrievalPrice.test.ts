/**
 * The binary never bills a retrieval the user has not seen the price of: an archive on disk is not
 * retrieved, and a frozen one needs --tier or --yes after its tier, bytes and cost are printed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { findFile, prepareCli, runCli, tempDir, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('freezer retrieve and restore: the price before the money', () => {
  let ep: EmbeddedEndpoint;
  let home: string;
  let src: string;
  const cli = (args: string[]) => runCli(args, { cwd: home });
  const ok = (r: CliResult) => {
    assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    return r;
  };
  const jobs = async () => JSON.parse(ok(await cli(['jobs', '--json'])).stdout) as Array<{ tier?: string; archiveId?: number }>;

  before(async () => {
    await prepareCli();
    const root = tempDir();
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint'), jobDelays: { Expedited: 60_000, Standard: 60_000, Bulk: 60_000 } });
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    const p = ep.glacierConfigPatch;
    fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: p.endpoint, queue: p.queueUrl, snsTopicArn: p.snsTopicArn, 'poll-time': 1 }));
    src = path.join(root, 'docs');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n'.repeat(500));
    fs.writeFileSync(path.join(src, 'b.txt'), 'beta\n'.repeat(500));
    ok(await cli(['vault', 'create', 'docs']));
  });
  after(async () => { await ep?.close(); });

  it('an archive on this machine is not retrieved: it says so, or restores from the local file', async () => {
    const a = JSON.parse(ok(await cli(['freeze', src, '--vault', 'docs', '--key', 'none', '--json'])).stdout);
    assert.equal(a.state, 'liquid');
    const r = ok(await cli(['retrieve', String(a.id)]));
    assert.match(r.stdout, /is on this machine .*nothing to retrieve, nothing billed/);
    assert.match(r.stdout, new RegExp(`freezer restore ${a.id} --to DIR`));
    const to = path.join(tempDir(), 'out');
    const restored = ok(await cli(['retrieve', String(a.id), '--tier', 'Expedited', '--to', to]));
    assert.match(restored.stdout, /restored 2 files into .* from the local file/);
    const got = findFile(to, /^a\.txt$/);
    assert.ok(got, 'a.txt restored');
    assert.equal(fs.readFileSync(got, 'utf8'), 'alpha\n'.repeat(500));
    assert.deepEqual(await jobs(), [], 'no retrieval job was started');
  });

  it('a frozen archive: price first; no job without --tier or --yes; the chosen tier is the one started', async () => {
    const [a] = JSON.parse(ok(await cli(['archives', 'docs', '--json'])).stdout);
    ok(await cli(['archive', 'disconnect', String(a.id)]));
    const refused = await cli(['retrieve', String(a.id)]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, /Retrieving archive \d+ .* fetches .* from Glacier/);
    for (const tier of ['Expedited', 'Standard', 'Bulk']) assert.match(refused.stderr, new RegExp(`${tier}\\s+\\$\\d+\\.\\d{4}\\s+typically \\d`));
    assert.doesNotMatch(refused.stderr, /minutes hours/);
    assert.match(refused.stderr, /nothing was started\. Add --tier/);
    assert.deepEqual(await jobs(), []);

    const started = ok(await cli(['retrieve', String(a.id), '--tier', 'bulk']));
    assert.match(started.stderr, /Starting a Bulk retrieval \(estimated \$/);
    assert.ok(started.stderr.indexOf('fetches') < started.stderr.indexOf('Starting a Bulk'), 'the price comes before the job');
    assert.match(started.stdout, /started: job \S+, tier Bulk/);
    assert.deepEqual((await jobs()).map((j) => j.tier), ['Bulk']);
  });

  it('restore PATH of frozen data: the same gate, and --yes starts a Standard retrieval (exit 6)', async () => {
    const other = path.join(tempDir(), 'more');
    fs.mkdirSync(other);
    fs.writeFileSync(path.join(other, 'c.txt'), 'gamma\n'.repeat(500));
    const b = JSON.parse(ok(await cli(['freeze', other, '--vault', 'docs', '--key', 'none', '--json'])).stdout);
    ok(await cli(['archive', 'disconnect', String(b.id)]));
    const to = tempDir();
    const refused = await cli(['restore', path.join(other, 'c.txt'), '--to', to]);
    assert.equal(refused.code, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`Retrieving archive ${b.id} .* fetches`));
    assert.equal((await jobs()).length, 1, 'still only the Bulk job of the previous test');
    const pending = await cli(['restore', path.join(other, 'c.txt'), '--to', to, '--yes', '--json']);
    assert.equal(pending.code, 6, pending.stdout + pending.stderr);
    assert.equal(JSON.parse(pending.stdout).status, 'retrieving');
    assert.match(pending.stderr, /Standard\s+\$/);
    const mine = (await jobs()).filter((j) => j.archiveId === b.id);
    assert.deepEqual(mine.map((j) => j.tier), ['Standard']);
  });

  it('says what happened: an existing vault is not "Created", a known key was already there, archives takes --vault, counts read right', async () => {
    const again = ok(await cli(['vault', 'create', 'docs']));
    assert.match(again.stdout, /^Vault already exists: docs/);
    assert.doesNotMatch(again.stdout, /Created/);
    assert.match(ok(await cli(['vault', 'create', 'fresh'])).stdout, /^Created vault fresh/);

    const byOption = JSON.parse(ok(await cli(['archives', '--vault', 'docs', '--json'])).stdout);
    assert.deepEqual(byOption, JSON.parse(ok(await cli(['archives', 'docs', '--json'])).stdout));
    assert.equal((await cli(['archives', 'docs', '--vault', 'fresh'])).code, 2);

    const key = JSON.parse(ok(await cli(['keys', 'create', '--json'])).stdout);
    assert.equal(key.isDefault, true, 'the first key becomes the default');
    const exported = path.join(tempDir(), 'k.json');
    ok(await cli(['keys', 'export', key.id, '--out', exported]));
    const reimport = ok(await cli(['keys', 'import', exported]));
    assert.match(reimport.stdout, new RegExp(`Key ${key.id} .* was already in the key store`));
    const second = JSON.parse(ok(await cli(['keys', 'create', '--json'])).stdout);
    assert.equal(second.isDefault, false, 'only the first key becomes the default by itself');

    const one = path.join(tempDir(), 'one');
    fs.mkdirSync(one);
    fs.writeFileSync(path.join(one, 'only.txt'), 'x');
    const froze = ok(await cli(['freeze', one, '--vault', 'fresh']));
    assert.match(froze.stdout, /Froze 1 file into archive \d+ .*, encrypted/);
    const plain = ok(await cli(['freeze', one, '--vault', 'fresh', '--key', 'none']));
    assert.match(plain.stdout, /not encrypted/);
    assert.match(plain.stderr, /is NOT encrypted/);
  });
});
