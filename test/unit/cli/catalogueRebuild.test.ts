/** `freezer catalogue rebuild` through the real binary: freezer.db deleted, the vault gives the catalogue back. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFile, startCliHome, type CliHome, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const json = <T = any>(r: CliResult): T => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
};

describe('freezer catalogue rebuild', () => {
  let h: CliHome;
  let home: string;
  let src: string;
  const cli = (args: string[]) => h.cli(args);

  before(async () => {
    h = await startCliHome({ endpoint: { jobDelays: { Standard: 500 } } });
    home = h.home;
    src = path.join(h.root, 'work');
    fs.mkdirSync(path.join(src, 'deep', 'er'), { recursive: true });
    fs.writeFileSync(path.join(src, 'notes.txt'), 'v1');
    fs.writeFileSync(path.join(src, 'deep', 'er', 'data.bin'), randomBytes(100_000));
  });
  after(async () => { await h?.close(); });

  it('brings back every archive with its files after freezer.db is deleted, with one inventory and one retrieval', async () => {
    assert.equal((await cli(['vault', 'create', 'work'])).code, 0);
    json(await cli(['keys', 'create', '--default', '--json']));
    json(await cli(['freeze', src, '--vault', 'work', '--json']));
    fs.writeFileSync(path.join(src, 'notes.txt'), 'v2');
    json(await cli(['freeze', src, '--vault', 'work', '--json']));
    const before = json<any[]>(await cli(['archives', 'work', '--json'])).map((a) => ({ name: a.name, files: a.fileCount, glacierId: a.glacierId }));

    for (const f of fs.readdirSync(home)) if (f.startsWith('freezer.db')) fs.rmSync(path.join(home, f), { recursive: true, force: true });
    fs.rmSync(path.join(home, 'freezer-archives'), { recursive: true, force: true });
    assert.equal((await cli(['restore', path.join(src, 'notes.txt'), '--to', 'x'])).code, 3, 'nothing catalogued');

    const refused = await cli(['catalogue', 'rebuild']);
    assert.equal(refused.code, 2, 'nothing is billed without --yes or --tier');
    assert.match(refused.stderr, /--yes/);
    const started = await cli(['catalogue', 'rebuild', '--yes']);
    assert.equal(started.code, 6, started.stderr);
    assert.match(started.stdout, /^work\s+inventory\s+1\s/m);
    assert.match(started.stderr, /freezer daemon/);
    const status = await cli(['catalogue', 'status', '--json']);
    assert.equal(status.code, 6);
    // The daemon's catch-up finishes it: the inventory, then the snapshot's retrieval.
    const once = await cli(['daemon', '--once']);
    assert.equal(once.code, 0, once.stderr);
    const done = await cli(['catalogue', 'rebuild', '--yes', '--wait', '--json']);
    const [s] = json<any[]>(done);
    assert.equal(s.phase, 'done', s.message);
    assert.equal(s.jobs.length, 2);
    assert.equal(s.result.archives, 2);

    const after = json<any[]>(await cli(['archives', 'work', '--json'])).map((a) => ({ name: a.name, files: a.fileCount, glacierId: a.glacierId }));
    assert.deepEqual(after.sort((x, y) => x.name.localeCompare(y.name)), before.sort((x, y) => x.name.localeCompare(y.name)));
    const jobs = json<any[]>(await cli(['jobs', '--json']));
    assert.deepEqual(jobs.map((j) => `${j.action}:${j.archiveName ?? ''}`).sort(), ['ArchiveRetrieval:catalogue snapshot', 'InventoryRetrieval:']);
    // Browsable again: the latest notes.txt restores (a retrieval: exit 6), and the daemon applies it.
    const restore = await cli(['restore', path.join(src, 'notes.txt'), '--to', 'restored', '--yes']);
    assert.equal(restore.code, 6, restore.stderr);
    const restored = () => findFile(path.join(home, 'restored'), /^notes\.txt$/);
    for (let i = 0; i < 20 && !restored(); i++) {
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await cli(['daemon', '--once'])).code, 0);
    }
    assert.equal(fs.readFileSync(restored()!, 'utf8'), 'v2');
  });

  it('rebuilds a bucket store at once from its manifests: no job, no restore, every archive with its files', async () => {
    const store = 's3://rebuild-cold/laptop';
    json(await cli(['bucket', 'create', store, '--json']));
    json(await cli(['freeze', src, '--store', store, '--json']));
    fs.writeFileSync(path.join(src, 'notes.txt'), 'v3');
    json(await cli(['freeze', src, '--store', store, '--json']));
    const listing = async () => json<any[]>(await cli(['archives', store, '--json']))
      .map((a) => ({ name: a.name, files: a.fileCount, id: a.glacierId, cls: a.storageClass })).sort((x, y) => x.name.localeCompare(y.name));
    const before = await listing();
    assert.equal(before.length, 2);

    for (const f of fs.readdirSync(home)) if (f.startsWith('freezer.db')) fs.rmSync(path.join(home, f), { recursive: true, force: true });
    assert.equal((await cli(['catalogue', 'acknowledge'])).code, 0);
    // The new catalogue knows no bucket: the user adds it back, then rebuilds it.
    json(await cli(['bucket', 'add', store, '--json']));
    const [s] = json<any[]>(await cli(['catalogue', 'rebuild', store, '--yes', '--json']));
    assert.equal(s.phase, 'done', s.message);
    assert.equal(s.kind, 'bucket');
    assert.deepEqual(s.jobs, [], 'no retrieval or inventory job: the manifests are in STANDARD');
    assert.deepEqual(await listing(), before);
    const jobs = json<any[]>(await cli(['jobs', '--json']));
    assert.equal(jobs.filter((j) => j.action === 'ArchiveRetrieval').length, 0, 'nothing restored');
    // Browsable again: the latest notes.txt is planned from the rebuilt catalogue.
    const plan = await cli(['plan', path.join(src, 'notes.txt')]);
    assert.equal(plan.code, 0, plan.stderr);
  });
});
