/**
 * The real `freezer` binary, run as a child process against the local endpoint: the scripting
 * commands, the daemon reacting to job notifications, sharing the catalogue, the calamity path, and
 * secrets that never show.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { cleanEnv, prepareCli, runCli, spawnCli, tempDir, type CliResult, type SpawnedCli } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY';
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const json = <T = any>(r: CliResult): T => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

/** Every file under dir, relative path → sha256. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = sha(p);
    }
  };
  walk(dir);
  return out;
}

describe('freezer binary', () => {
  let ep: EmbeddedEndpoint;
  let home: string;
  let src: string;
  const logs: string[] = [];
  const cli = async (args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) => {
    const r = await runCli(args, { cwd: opts.cwd ?? home, env: opts.env });
    logs.push(r.stdout, r.stderr);
    return r;
  };

  before(async () => {
    await prepareCli();
    const root = tempDir();
    // Jobs take a moment, as at AWS: the notification never races the catalogue row of the job.
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint'), jobDelays: { Expedited: 1500, Standard: 1500 } });
    home = path.join(root, 'home');
    fs.mkdirSync(home);
    const p = ep.glacierConfigPatch;
    // The extension's setting names and the original tool's both work in a config file.
    fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: p.endpoint, queue: p.queueUrl, snsTopicArn: p.snsTopicArn, 'poll-time': 1 }));
    src = path.join(root, 'photos');
    fs.mkdirSync(path.join(src, 'trip', 'day 1'), { recursive: true });
    fs.writeFileSync(path.join(src, 'notes.txt'), 'frozen notes\n'.repeat(1000));
    fs.writeFileSync(path.join(src, 'trip', 'day 1', 'img.raw'), randomBytes(700_000));
    fs.writeFileSync(path.join(src, 'trip', 'empty.txt'), '');
  });

  after(async () => {
    await ep?.close();
    // The secret key given on command lines never appears in anything any run printed.
    const all = logs.join('\n');
    assert.ok(all.length > 1000);
    assert.ok(!all.includes(SECRET), 'the secret key appeared in CLI output or logs');
  });

  it('prints help with the settings precedence, and uses exit code 2 for usage mistakes', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout.replace(/\s+/g, ' '), /defaults < environment .* < config file < command line < settings stored in the catalogue/);
    assert.match(help.stdout, /Exit codes: 0 ok, 1 failure, 2 usage, 3 not found/);
    const sub = await cli(['help', 'thaw']);
    assert.match(sub.stdout, /Usage: freezer thaw FILE --key KEYFILE/);
    const bad = await cli(['vaults', '--bogus']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Unknown option --bogus/);
    const wrongOpt = await cli(['vaults', '--tier', 'Bulk']);
    assert.equal(wrongOpt.code, 2);
    const unknown = await cli(['frobnicate', '--json']);
    assert.equal(unknown.code, 2);
    assert.equal(JSON.parse(unknown.stdout).error.code, 'Usage');
  });

  it('creates a vault and a key, freezes a folder, and lists it (human and --json)', async () => {
    assert.equal((await cli(['vault', 'create', 'photos'])).code, 0);
    const key = json(await cli(['keys', 'create', '--default', '--label', 'main', '--json']));
    assert.match(key.id, /^[0-9a-f]{16}$/);
    const exported = path.join(home, 'exported-key.json');
    assert.equal((await cli(['keys', 'export', key.id, '--out', exported])).code, 0);
    assert.equal(fs.statSync(exported).mode & 0o777, 0o600);

    const a = json(await cli(['freeze', src, '--vault', 'photos', '--description', 'summer', '--json']));
    assert.equal(a.vault, 'photos');
    assert.equal(a.fileCount, 3);
    assert.equal(a.encryption.keyId, key.id);
    assert.ok(a.glacierId, 'uploaded');

    const list = json(await cli(['archives', 'photos', '--json']));
    assert.deepEqual(list.map((x: any) => x.id), [a.id]);
    const human = await cli(['archives', 'photos']);
    assert.match(human.stdout, /ID\s+NAME\s+STATE/);
    assert.match(human.stdout, new RegExp(`^${a.id}\\s+${a.name}\\s+(liquid|local)`, 'm'));
    const vaults = json(await cli(['vaults', '--json']));
    assert.equal(vaults.find((v: any) => v.name === 'photos').localArchiveCount, 1);

    const missing = await cli(['retrieve', 'no-such-archive']);
    assert.equal(missing.code, 3, missing.stderr);
  });

  it('the calamity path: thaws the archive file with only the key export, no catalogue', async () => {
    const [a] = json(await cli(['archives', 'photos', '--json']));
    assert.ok(a.localFile && fs.existsSync(a.localFile));
    const lone = tempDir();
    fs.copyFileSync(a.localFile, path.join(lone, 'archive.bin'));
    fs.copyFileSync(path.join(home, 'exported-key.json'), path.join(lone, 'key.json'));
    fs.chmodSync(path.join(lone, 'key.json'), 0o600);
    const r = await cli(['thaw', 'archive.bin', '--key', 'key.json', '--to', 'out', '--json'], { cwd: lone });
    const files = json(r);
    assert.equal(files.filter((f: any) => f.type === 'file').length, 3);
    assert.ok(!fs.existsSync(path.join(lone, 'freezer.db')), 'thaw needs no catalogue');
    const restored = tree(path.join(lone, 'out'));
    const original = tree(src);
    for (const [rel, h] of Object.entries(original)) {
      const hit = Object.entries(restored).find(([p]) => p.endsWith(rel));
      assert.ok(hit, `${rel} restored`);
      assert.equal(hit[1], h, `${rel} content`);
    }
    // A key file others can read is refused (exit 4), and a wrong key is an error, not garbage.
    fs.chmodSync(path.join(lone, 'key.json'), 0o644);
    const open = await cli(['thaw', 'archive.bin', '--key', 'key.json', '--to', 'out2'], { cwd: lone });
    assert.equal(open.code, 4);
    assert.match(open.stderr, /chmod 600/);
    fs.writeFileSync(path.join(lone, 'other.json'), JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: randomBytes(32).toString('hex') }), { mode: 0o600 });
    const wrong = await cli(['thaw', 'archive.bin', '--key', 'other.json', '--to', 'out3'], { cwd: lone });
    assert.notEqual(wrong.code, 0);
    assert.ok(!fs.existsSync(path.join(lone, 'out3', 'notes.txt')));
  });

  it('thaws an archive of the original tool (legacy CBC made with openssl) from its legacy key export and description', async () => {
    const d = tempDir();
    fs.mkdirSync(path.join(d, 'home/ann/docs'), { recursive: true });
    fs.writeFileSync(path.join(d, 'home/ann/docs/letter.txt'), 'Dear Glacier,\n'.repeat(300));
    fs.writeFileSync(path.join(d, 'home/ann/docs/photo.jpg'), randomBytes(50_000));
    // The old tool: tar by path without the leading '/', gzip, then IV || CBC(RHL || RHL random bytes || payload), no padding.
    execFileSync('tar', ['-czf', path.join(d, 'docs.tar.gz'), '-C', d, 'home/ann/docs/letter.txt', 'home/ann/docs/photo.jpg']);
    const payload = fs.readFileSync(path.join(d, 'docs.tar.gz'));
    let rhl = 37;
    while ((1 + rhl + payload.length) % 16 !== 0) rhl++;
    fs.writeFileSync(path.join(d, 'plain'), Buffer.concat([Buffer.from([rhl]), randomBytes(rhl), payload]));
    const key = randomBytes(32);
    const iv = randomBytes(16);
    execFileSync('openssl', ['enc', '-aes-256-cbc', '-nopad', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', path.join(d, 'plain'), '-out', path.join(d, 'cipher')]);
    fs.writeFileSync(path.join(d, 'docs.tar.gz.enc'), Buffer.concat([iv, fs.readFileSync(path.join(d, 'cipher'))]));
    fs.writeFileSync(path.join(d, 'legacy-key.json'), JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: key.toString('hex') }), { mode: 0o600 });

    const r = await cli(['thaw', 'docs.tar.gz.enc', '--key', 'legacy-key.json', '--description', 'docs.tar.gz:AES-256-3', '--to', 'restored'], { cwd: d });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Thawed 2 files,/);
    assert.equal(sha(path.join(d, 'restored/home/ann/docs/photo.jpg')), sha(path.join(d, 'home/ann/docs/photo.jpg')));
    assert.equal(fs.readFileSync(path.join(d, 'restored/home/ann/docs/letter.txt'), 'utf8'), 'Dear Glacier,\n'.repeat(300));
  });

  it('the daemon downloads and restores on the notification, skips a malformed message, and shares the catalogue without lost updates', async () => {
    const [a] = json(await cli(['archives', 'photos', '--json']));
    json(await cli(['archive', 'disconnect', String(a.id), '--json']));
    assert.ok(!fs.existsSync(a.localFile), 'local file gone: the daemon must download it');

    const daemon: SpawnedCli = spawnCli(['daemon', '--verbose', '--access-key', 'AKIDEXAMPLE', '--secret-key', SECRET], { cwd: home, env: cleanEnv() });
    try {
      await daemon.waitFor(/Listening for job notifications/);
      // A message that is not a Glacier job notification must be skipped, not kill the loop.
      const sqs = new SQSClient({ endpoint: ep.glacierConfigPatch.endpoint, region: ep.glacierConfigPatch.region, credentials: ep.glacierConfigPatch.credentials });
      await sqs.send(new SendMessageCommand({ QueueUrl: ep.glacierConfigPatch.queueUrl, MessageBody: '{"Type":"Notification","Message":"{not json' }));
      sqs.destroy();
      await daemon.waitFor(/Ignoring SQS message/);

      const out = path.join(tempDir(), 'restored');
      const started = await cli(['retrieve', String(a.id), '--tier', 'Expedited', '--to', out]);
      assert.equal(started.code, 0, started.stderr);
      assert.match(started.stdout, /started: job/);
      // Meanwhile a second process (the extension's side of the catalogue) freezes archives.
      const extra = ['x1', 'x2', 'x3'].map((n) => {
        const dir = path.join(tempDir(), n);
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, `${n}.txt`), n.repeat(5000));
        return dir;
      });
      const writers = await Promise.all(extra.map((dir) => cli(['freeze', dir, '--vault', 'photos', '--json'])));
      for (const w of writers) assert.equal(w.code, 0, w.stderr);

      await daemon.waitFor(/Job \S+: restored 3 files into/, 30_000);
      assert.ok(fs.existsSync(out), daemon.output().stderr);
      const restored = tree(out);
      for (const [rel, h] of Object.entries(tree(src))) {
        const hit = Object.entries(restored).find(([p]) => p.endsWith(rel));
        assert.ok(hit, `${rel} restored by the daemon`);
        assert.equal(hit[1], h);
      }
      // Every write landed: three new archives and the executed job.
      const archives = json(await cli(['archives', 'photos', '--json']));
      assert.equal(archives.length, 4);
      const jobs = json(await cli(['jobs', '--json']));
      const job = jobs.find((j: any) => j.archiveId === a.id);
      assert.ok(job?.executedAt, 'the daemon recorded the job as executed');
      assert.equal(job.restoreTarget, out);

      // Inventory jobs are merged by the daemon too.
      const inv = json(await cli(['inventory', 'photos', '--json']));
      assert.equal(inv.action, 'InventoryRetrieval');
      await daemon.waitFor(/Merged the inventory of vault photos/, 30_000);
      const refreshed = json(await cli(['jobs', 'photos', '--json']));
      assert.ok(refreshed.find((j: any) => j.id === inv.id)?.executedAt, 'inventory job recorded as applied');
      // The human table says what the merge changed, not only that it ran.
      assert.match((await cli(['jobs', 'photos'])).stdout, /inventory .* yes: (\d+ (added|gone|updated)|no changes)/);
    } finally {
      daemon.process.kill('SIGTERM');
      const r = await daemon.exited;
      logs.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, `daemon exit ${r.code}: ${r.stderr.slice(-2000)}`);
      assert.match(r.stderr, /Stopped on signal/);
    }
  });

  it('restores a frozen file by its path, and exits 6 when the archive must be retrieved first', async () => {
    const a = json(await cli(['archives', 'photos', '--json'])).find((x: any) => x.fileCount === 3);
    assert.equal(a.state, 'liquid', 'the daemon left the downloaded archive in the upload folder');
    const d = tempDir();
    const one = json(await cli(['restore', path.join(src, 'notes.txt'), '--to', d, '--json']));
    assert.equal(one.status, 'restored');
    assert.equal(one.files.length, 1);
    assert.equal(fs.readFileSync(one.files[0], 'utf8'), fs.readFileSync(path.join(src, 'notes.txt'), 'utf8'));
    // An archive with no completed retrieval: restoring it starts one (exit 6) and the daemon finishes.
    const x = json(await cli(['archives', 'photos', '--json'])).find((y: any) => y.name.startsWith('x1'));
    json(await cli(['archive', 'disconnect', String(x.id), '--json']));
    const pending = await cli(['restore', String(x.id), '--to', path.join(d, 'later'), '--tier', 'Standard', '--json']);
    assert.equal(pending.code, 6, pending.stdout + pending.stderr);
    assert.equal(JSON.parse(pending.stdout).status, 'retrieving');
    // The original spelling of the daemon: handles the completed job, then --once exits.
    await new Promise((r) => setTimeout(r, 2000));
    const once = await cli(['--no-gui', '--once']);
    assert.equal(once.code, 0, once.stderr);
    const later = tree(path.join(d, 'later'));
    assert.equal(Object.keys(later).length, 1, `restored by the daemon\n${once.stderr}`);
    assert.match(Object.keys(later)[0], /x1\.txt$/);
  });

  it('imports an original freezer.db and its legacy key, without copying the AWS secret key', async () => {
    const d = tempDir();
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run(`CREATE TABLE vault(id INTEGER PRIMARY KEY, name, arn, created, size, objects, lastinventory, lastupload, my_objects);
      CREATE TABLE archive(id INTEGER PRIMARY KEY, name, vault_id, size, lastupload, description, created, local_file, key_id, validate);
      CREATE TABLE file(id INTEGER PRIMARY KEY, name, path, sha256, size, date, is_dirty, in_archives, lastupload, is_excluded);
      CREATE TABLE archive_file(archive_id, file_id, path);
      CREATE TABLE job(id INTEGER PRIMARY KEY, vault_id, jobid, description, action, archiveid, vault_arn, creation_date, completed, status_code, status_message, archive_size, inventory_size, snstopic, completion_date, sha256, archive_hash, range, executed);
      CREATE TABLE settings(id INTEGER PRIMARY KEY, name, value, mutated);
      CREATE TABLE key(id INTEGER PRIMARY KEY, algorithm, keysize, blocksize, keystring);`);
    db.run("INSERT INTO vault VALUES (1, 'old', 'arn:aws:glacier:us-east-1:123456789012:vaults/old', '2018-01-01 10:00:00', 1000, 1, NULL, NULL, 1)");
    db.run("INSERT INTO archive VALUES (1, 'OLDARCHIVEID', 1, 1000, '2018-01-02 10:00:00', 'docs.tar.gz:AES-256-3', '2018-01-02 09:00:00', '/home/ann/docs.tar.gz', 3, 0)");
    db.run("INSERT INTO key VALUES (3, 'AES', 256, 16, ?)", [randomBytes(32).toString('hex')]);
    db.run("INSERT INTO settings (name, value) VALUES ('secretkey', ?), ('awsregion', 'us-east-1')", [SECRET]);
    fs.writeFileSync(path.join(d, 'freezer.db'), db.export());
    db.close();
    const r = await cli(['import-legacy', path.join(d, 'freezer.db'), '--database', path.join(d, 'new.db'), '--keys', path.join(d, 'keys.json'), '--json'], { cwd: d });
    const res = json(r);
    assert.equal(res.vaults, 1);
    assert.equal(res.archives, 1);
    assert.equal(res.keys, 1);
    assert.equal(res.legacySecretKeyFound, true);
    const keys = json(await cli(['keys', 'list', '--json', '--database', path.join(d, 'new.db'), '--keys', path.join(d, 'keys.json')], { cwd: d }));
    assert.equal(keys.length, 1);
    assert.equal(keys[0].algorithm, 'AES-256');
    assert.equal(fs.statSync(path.join(d, 'keys.json')).mode & 0o077, 0);
  });

  it('keeps every key when several processes create keys at once (the key file is locked while written)', async () => {
    const created = await Promise.all([1, 2, 3, 4].map((i) => cli(['keys', 'create', '--label', `parallel-${i}`, '--json'])));
    const ids = created.map((r) => json(r).id as string);
    // A list of exports, or { defaultKeyId, keys } once a default key is remembered beside them.
    const parsed = JSON.parse(fs.readFileSync(path.join(home, 'freezer-keys.json'), 'utf8')) as Array<{ id: string }> | { keys: Array<{ id: string }> };
    const file = Array.isArray(parsed) ? parsed : parsed.keys;
    for (const id of ids) assert.ok(file.some((k) => k.id === id), `key ${id} is in the key file`);
    const listed = json(await cli(['keys', 'list', '--json']));
    for (const id of ids) assert.ok(listed.some((k: any) => k.id === id));
    // A key file others may read is refused before anything uses it.
    const keyFile = path.join(home, 'freezer-keys.json');
    fs.chmodSync(keyFile, 0o640);
    try {
      const refused = await cli(['keys', 'list']);
      assert.equal(refused.code, 4);
      assert.match(refused.stderr, /chmod 600/);
    } finally {
      fs.chmodSync(keyFile, 0o600);
    }
  });

  it('never shows --secret-key: not in output, errors, settings or verbose logs', async () => {
    const r = await cli(['vaults', '--verbose', '--access-key', 'AKIDEXAMPLE', '--secret-key', SECRET, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = json(await cli(['settings', '--json', '--access-key', 'AKIDEXAMPLE', '--secret-key', SECRET]));
    assert.equal(s.settings.secretKey.value, '***');
    const half = await cli(['vaults', '--secret-key', SECRET]);
    assert.equal(half.code, 4);
    for (const x of [r, half]) assert.ok(!(x.stdout + x.stderr).includes(SECRET));
  });

  it('applies config precedence in the binary: XML config < command line < catalogue settings', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'old.conf'), '<?xml version="1.0"?><configuration><key id="region" value="eu-west-1"/><key id="poll-time" value="5"/><key id="threads" value="2"/><key id="database" value="cat.db"/></configuration>');
    const s = json(await cli(['settings', '--json', '--config', 'old.conf', '--threads', '6'], { cwd: d }));
    assert.deepEqual(s.settings.region, { value: 'eu-west-1', source: 'config file' });
    assert.deepEqual(s.settings.pollTime, { value: 5, source: 'config file' });
    assert.deepEqual(s.settings.threads, { value: 6, source: 'command line' });
    assert.equal(s.settings.database.value, path.join(d, 'cat.db'));
    // Settings stored in the catalogue (here an original-tool freezer.db) win over the command line.
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    db.run('CREATE TABLE settings (id INTEGER PRIMARY KEY, name TEXT, value TEXT, mutated TEXT)');
    db.run("INSERT INTO settings (name, value) VALUES ('awsregion', 'sa-east-1'), ('secretkey', 'OLD-SECRET-IN-DB')");
    fs.writeFileSync(path.join(d, 'cat.db'), db.export());
    db.close();
    const c = json(await cli(['settings', '--json', '--config', 'old.conf', '--region', 'ap-south-1'], { cwd: d }));
    assert.deepEqual(c.settings.region, { value: 'sa-east-1', source: 'catalogue' });
    assert.equal(c.settings.secretKey, undefined, 'secrets are never taken from the catalogue');
    // The home catalogue's settings (none stored) leave the config file's values in place.
    const h = json(await cli(['settings', '--json']));
    assert.equal(h.settings.queueUrl.source, 'config file');
    assert.equal(h.settings.endpoint.value, ep.glacierConfigPatch.endpoint);
  });

  it('runs the local endpoint in the foreground with `freezer endpoint` and stops on SIGTERM', async () => {
    const d = tempDir();
    const child = spawnCli(['endpoint', '--dir', path.join(d, 'ep'), '--json'], { cwd: d });
    const m = await child.waitFor(/\{"url".*\}/);
    const info = JSON.parse(m[0]);
    const r = await cli(['vault', 'create', 'v1', '--endpoint', info.url, '--queue', info.queueUrl, '--topic', info.topicArn], { cwd: d });
    assert.equal(r.code, 0, r.stderr);
    child.process.kill('SIGTERM');
    assert.equal((await child.exited).code, 0);
    assert.ok(fs.existsSync(path.join(d, 'ep')));
  });

  it('`freezer endpoint` takes the documented fault and delay options (both --job-delay spellings)', async () => {
    const d = tempDir();
    const child = spawnCli(['endpoint', '--dir', path.join(d, 'ep'), '--json', '--job-delays', 'Standard=2s,Bulk=5000',
      '--fault-rate', '1', '--fault-kinds', '503', '--fault-operations', 'CreateVault', '--fault-seed', '3', '--fault-slow-ms', '10'], { cwd: d });
    try {
      const info = JSON.parse((await child.waitFor(/\{"url".*\}/))[0]);
      const at = ['--endpoint', info.url, '--queue', info.queueUrl, '--topic', info.topicArn];
      assert.equal((await cli(['vaults', ...at], { cwd: d })).code, 0, 'other operations are not faulted');
      const created = await cli(['vault', 'create', 'v1', ...at], { cwd: d });
      assert.notEqual(created.code, 0, 'CreateVault meets its fault');
      assert.match(created.stderr, /ServiceUnavailable|unavailable/i);
      child.process.kill('SIGTERM');
      assert.equal((await child.exited).code, 0);
    } finally {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    }
    const other = await cli(['endpoint', '--dir', path.join(d, 'ep2'), '--job-delay', 'Bulk=1', '--fault-kinds', 'drop'], { cwd: d });
    assert.equal(other.code, 2, 'a fault kind without a rate is a usage error');
    assert.match(other.stderr, /--fault-kinds needs --fault-rate/);
  });
});
