import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FreezerService } from '../../src/core/service/service';
import type { ArchiveInfo, ArchiveState, JobInfo, RestoreResult, VaultInfo } from '../../src/core/service/types';
import type { FreezerApi } from '../../src/extension';
// Types only: the test bundle has its own copies of these classes, so nodes are told apart by `kind`.
import type { FileVersionNode, FrozenFileNode, FrozenFolderNode } from '../../src/views/files/frozenNodes';
import type { FrozenTreeNode } from '../../src/views/files/frozenFilesTree';
import type { ArchiveNode } from '../../src/views/vaults/archiveNode';
import type { VaultNode } from '../../src/views/vaults/vaultNode';
import { freezerApi, menuCommandsFor, run, waitFor } from './support';


describe('Freezer on the local endpoint, from the views and commands', function () {
  this.timeout(120000);
  let api: FreezerApi;
  let svc: FreezerService;
  let tmp: string;
  let source: string;
  const vault = `host-${randomBytes(3).toString('hex')}`;
  const files: Record<string, Buffer> = {};
  let archive: ArchiveInfo;

  before(async () => {
    api = await freezerApi();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-host-'));
    source = path.join(tmp, 'photos');
    // A few MiB of incompressible data, so packing and uploading take long enough to be watched.
    files['a.bin'] = randomBytes(3 * 1024 * 1024);
    files['sub/b.bin'] = randomBytes(2 * 1024 * 1024);
    files['sub/deeper/c.txt'] = Buffer.from('hello from the freezer\n'.repeat(100));
    files['d.txt'] = Buffer.from('small');
    for (const [rel, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      fs.writeFileSync(path.join(source, rel), data);
    }
  });

  after(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function vaultNode(): Promise<VaultNode> {
    const roots = await api.views.vaults.getChildren();
    const v = roots.find((n): n is VaultNode => n.kind === 'vault' && (n as VaultNode).name === vault);
    assert.ok(v, `vault ${vault} not in the Vaults view: ${roots.map((r) => r.toTreeItem().label).join(', ')}`);
    return v;
  }

  async function archiveNode(id: number): Promise<ArchiveNode | undefined> {
    const kids = await api.views.vaults.getChildren(await vaultNode());
    return kids.find((n): n is ArchiveNode => n.kind === 'archive' && (n as ArchiveNode).archive.id === id);
  }

  async function stateOf(id: number): Promise<ArchiveState | undefined> {
    return (await svc.getArchive(id))?.state;
  }

  it('starts not configured, then the local endpoint fills the views', async () => {
    assert.strictEqual(api.host.configured, false, 'a fresh profile should show the welcome view');
    assert.deepStrictEqual(await api.views.vaults.getChildren(), []);
    const cfg = vscode.workspace.getConfiguration('freezer');
    const g = vscode.ConfigurationTarget.Global;
    await cfg.update('databasePath', path.join(tmp, 'freezer.db'), g);
    await cfg.update('uploadFolder', path.join(tmp, 'archives'), g);
    await cfg.update('localEndpointFolder', path.join(tmp, 'endpoint'), g);
    // These freezes are unencrypted on purpose: no "create a key?" prompt (the e2e layer tests it).
    await cfg.update('allowUnencrypted', true, g);
    // Retrievals take a moment on the local endpoint, so `melting` can be seen.
    process.env.FREEZER_LOCAL_JOB_DELAYS = 'Expedited=1500';
    assert.strictEqual(await run('freezer.useLocalEndpoint', true), true);
    svc = await api.ready();
    assert.strictEqual(api.host.configured, true);

    assert.strictEqual(await run('freezer.createVault', 'bad name!'), undefined, 'an invalid name is refused');
    const created: VaultInfo = await run('freezer.createVault', vault);
    assert.strictEqual(created.name, vault);
    const v = await vaultNode();
    const item = v.toTreeItem();
    assert.strictEqual(item.contextValue, 'vault:empty');
    assert.deepStrictEqual(menuCommandsFor('freezer.vaults', item.contextValue), ['freezer.newArchive', 'freezer.removeVault', 'freezer.requestInventory']);
    const kids = await api.views.vaults.getChildren(v);
    assert.strictEqual(kids.length, 1);
    assert.match(String(kids[0].toTreeItem().label), /No archives/);
  });

  it('Freeze Folder shows the archive at once as building, with progress, until it is liquid', async () => {
    const seen = new Set<ArchiveState>();
    let sawTransfer = false;
    const freezing = run('freezer.freezeFolder', vscode.Uri.file(source), [vscode.Uri.file(source)], { vault });
    let done = false;
    void freezing.finally(() => { done = true; });
    while (!done) {
      const kids = await api.views.vaults.getChildren(await vaultNode());
      for (const k of kids) if (k.kind === 'archive') seen.add((k as ArchiveNode).archive.state);
      if (api.views.transfers.all.some((t) => t.progress)) sawTransfer = true;
      await new Promise((r) => setTimeout(r, 15));
    }
    archive = await freezing;
    assert.ok(archive, 'freezeFolder returned no archive (see the log)');
    assert.ok(seen.has('building'), `the view never showed "building" (saw ${[...seen].join(', ')})`);
    assert.ok(sawTransfer, 'no running transfer with progress was shown');
    assert.strictEqual(api.views.transfers.all.length, 0, 'the transfer is still listed after the freeze');
    assert.strictEqual(archive.state, 'liquid');
    assert.strictEqual(archive.fileCount, Object.keys(files).length);
    const node = await waitFor('the archive liquid in the view', async () => {
      const n = await archiveNode(archive.id);
      return n?.archive.state === 'liquid' && n;
    });
    const item = node.toTreeItem();
    assert.match(String(item.description), /^liquid · /);
    assert.strictEqual(item.contextValue, 'archive:liquid:listable:restorable:disconnectable:removable');
    assert.deepStrictEqual(menuCommandsFor('freezer.vaults', item.contextValue!), ['freezer.disconnectArchive', 'freezer.removeArchive', 'freezer.restoreArchive', 'freezer.showArchive']);
    assert.ok(item.tooltip instanceof vscode.MarkdownString && item.tooltip.value.includes(`| Files | ${archive.fileCount} |`));
    assert.strictEqual((await vaultNode()).toTreeItem().contextValue, 'vault', 'a vault holding an archive cannot be removed');
  });

  it('marks frozen files in the Explorer', async () => {
    const frozen = vscode.Uri.file(path.join(source, 'a.bin'));
    const fresh = vscode.Uri.file(path.join(source, 'new.txt'));
    fs.writeFileSync(fresh.fsPath, 'not frozen yet');
    await api.views.decorations.check([frozen, fresh]);
    assert.strictEqual(api.views.decorations.frozenAs(frozen), archive.name);
    assert.strictEqual(api.views.decorations.provideFileDecoration(frozen)?.badge, '❄');
    assert.strictEqual(api.views.decorations.frozenAs(fresh), null);
    assert.strictEqual(api.views.decorations.provideFileDecoration(fresh), undefined);
  });

  it('disconnect deletes the local file: frozen', async () => {
    const node = await archiveNode(archive.id);
    const local = archive.localFile;
    assert.ok(local && fs.existsSync(local));
    const after: ArchiveInfo = await run('freezer.disconnectArchive', node, true);
    assert.strictEqual(after.state, 'frozen');
    assert.ok(!fs.existsSync(local), 'the local archive file is still there');
    const n = await waitFor('frozen in the view', async () => { const x = await archiveNode(archive.id); return x?.archive.state === 'frozen' && x; });
    assert.deepStrictEqual(menuCommandsFor('freezer.vaults', n.toTreeItem().contextValue!), ['freezer.removeArchive', 'freezer.restoreArchive', 'freezer.retrieveArchive', 'freezer.showArchive']);
  });

  it('retrieve: melting, then melted from the job notification', async () => {
    const est = await svc.estimateRetrieval(archive.id);
    assert.deepStrictEqual(est.tiers.map((t) => t.tier).sort(), ['Bulk', 'Expedited', 'Standard']);
    const job: JobInfo = await run('freezer.retrieveArchive', await archiveNode(archive.id), 'Expedited');
    assert.strictEqual(job.tier, 'Expedited');
    assert.strictEqual(await stateOf(archive.id), 'melting');
    const jobs = await waitFor('the job in the Jobs view', async () => {
      const k = await api.views.jobs.getChildren();
      return k.some((n) => n.toTreeItem().id === `job/${job.id}`) && k;
    });
    assert.ok(jobs.length >= 1);
    await waitFor('melted', async () => (await stateOf(archive.id)) === 'melted', 30000, 100);
    const n = await waitFor('melted in the view', async () => { const x = await archiveNode(archive.id); return x?.archive.state === 'melted' && x; });
    assert.match(String(n.toTreeItem().description), /^melted/);
  });

  it('restores one file version from Frozen Files with identical bytes', async () => {
    const rel = 'sub/b.bin';
    const original = path.join(source, rel);
    // Walk the Frozen Files view down to the file, as a user would.
    let level: FrozenTreeNode[] = await api.views.files.getChildren();
    let fileNode: FrozenFileNode | undefined;
    for (let depth = 0; depth < 40 && !fileNode; depth++) {
      fileNode = level.find((n): n is FrozenFileNode => n.kind === 'frozenFile' && (n as FrozenFileNode).path === original);
      const next = level.find((n): n is FrozenFolderNode => n.kind === 'frozenFolder' && original.startsWith(`${(n as FrozenFolderNode).path}/`));
      if (!fileNode) {
        assert.ok(next, `no folder towards ${original} among ${level.map((n) => ('path' in n ? n.path : n.toTreeItem().label)).join(', ')}`);
        level = await api.views.files.getChildren(next);
      }
    }
    assert.ok(fileNode);
    const versions = await api.views.files.getChildren(fileNode);
    assert.strictEqual(versions.length, 1);
    const version = versions[0] as FileVersionNode;
    assert.strictEqual(version.kind, 'fileVersion');
    assert.strictEqual(version.version.archiveId, archive.id);
    assert.deepStrictEqual(menuCommandsFor('freezer.files', version.toTreeItem().contextValue!), ['freezer.restoreFile', 'freezer.revealArchive']);
    const target = path.join(tmp, 'restored');
    fs.mkdirSync(target);
    const result: RestoreResult = await run('freezer.restoreFile', version, vscode.Uri.file(target));
    assert.ok(result, 'restoreFile returned nothing (see the log)');
    assert.strictEqual(result.status, 'restored');
    assert.strictEqual(result.files.length, 1);
    assert.ok(result.files[0].startsWith(target));
    assert.ok(fs.readFileSync(result.files[0]).equals(files[rel]), 'restored bytes differ from the original');
    assert.strictEqual(await run('freezer.revealArchive', version), true);
  });

  it('restores a frozen folder and the whole archive', async () => {
    const to = path.join(tmp, 'restored-folder');
    const results: RestoreResult[] = await run('freezer.restoreFolder', path.join(source, 'sub'), vscode.Uri.file(to));
    assert.ok(results, 'restoreFolder returned nothing (see the log)');
    assert.deepStrictEqual(results.map((r) => r.status), ['restored']);
    const restored = results.flatMap((r) => r.files);
    for (const rel of ['sub/b.bin', 'sub/deeper/c.txt']) {
      const f = restored.find((p) => p.endsWith(`/${rel.split('/').pop()}`));
      assert.ok(f, `${rel} not restored (got ${restored.join(', ')})`);
      assert.ok(fs.readFileSync(f).equals(files[rel]), `${rel} differs`);
    }
    assert.strictEqual(restored.length, 2, 'only the folder\'s files');
    const whole: RestoreResult = await run('freezer.restoreArchive', archive.id, vscode.Uri.file(path.join(tmp, 'restored-all')));
    assert.strictEqual(whole.status, 'restored');
    assert.strictEqual(whole.files.length, Object.keys(files).length);
  });

  it('restoring a version of a frozen archive retrieves it first, then restores', async () => {
    const dir = path.join(tmp, 'later');
    fs.mkdirSync(dir);
    const data = randomBytes(4096);
    fs.writeFileSync(path.join(dir, 'late.bin'), data);
    const a = await svc.freeze({ vault, sources: [dir], keyId: null });
    await svc.disconnectArchive(a.id);
    const [version] = await api.views.files.versionsOf(path.join(dir, 'late.bin'));
    assert.strictEqual(version.version.archiveState, 'frozen');
    const to = path.join(tmp, 'restored-late');
    fs.mkdirSync(to);
    const result: RestoreResult = await run('freezer.restoreFile', version, vscode.Uri.file(to), { tier: 'Expedited' });
    assert.strictEqual(result.status, 'retrieving');
    assert.strictEqual(result.job?.tier, 'Expedited');
    // The job watcher restores when Glacier reports the job done, as <to>/<name> like a local restore.
    const found = await waitFor('the file restored after the retrieval', () => {
      const hits: string[] = [];
      const walk = (d: string): void => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
          // A restore in progress extracts into a scratch folder first: only the finished file counts.
          if (e.isDirectory()) { if (!e.name.startsWith('.freezer-restore-')) walk(path.join(d, e.name)); }
          else if (e.name === 'late.bin') hits.push(path.join(d, e.name));
        }
      };
      walk(to);
      return hits[0];
    }, 30000, 100);
    assert.strictEqual(found, path.join(to, 'late.bin'));
    assert.ok(fs.readFileSync(found).equals(data));
    // The file is in place a moment before the restore has cleaned up and recorded itself: wait for the record.
    const job = await waitFor('the job recorded as applied', async () => (await svc.listJobs()).find((j) => j.id === result.job?.id && j.executedAt));
    assert.strictEqual(job.statusMessage, `Restored 1 file into ${to}`);
    await svc.removeArchive(a.id);
  });

  it('restoring one file of a big frozen archive retrieves only the part holding it', async () => {
    const dir = path.join(tmp, 'big');
    fs.mkdirSync(dir);
    // ~40 MiB of incompressible files; big08.bin lies inside one 8 MiB node of the archive's tree hash.
    const files = Array.from({ length: 20 }, (_, i) => `big${String(i).padStart(2, '0')}.bin`);
    for (const f of files) fs.writeFileSync(path.join(dir, f), randomBytes(2 * 1024 * 1024));
    const a = await svc.freeze({ vault, sources: [dir], keyId: null });
    await svc.disconnectArchive(a.id);
    const [version] = await api.views.files.versionsOf(path.join(dir, 'big08.bin'));
    const to = path.join(tmp, 'restored-big');
    fs.mkdirSync(to);
    const result: RestoreResult = await run('freezer.restoreFile', version, vscode.Uri.file(to), { tier: 'Expedited' });
    assert.strictEqual(result.status, 'retrieving');
    const [start, end] = (result.job?.byteRange ?? '').split('-').map(Number);
    assert.ok(end - start + 1 <= a.size / 2, `retrieves ${result.job?.byteRange} of ${a.size} bytes`);
    try {
      // Applied once the job is marked executed (the file is in place and the scratch folder gone).
      await waitFor('the partial retrieval applied', async () => Boolean((await svc.listJobs(vault)).find((j) => j.id === result.job?.id)?.executedAt), 30000, 100);
      const target = path.join(to, 'big08.bin');
      assert.ok(fs.readFileSync(target).equals(fs.readFileSync(path.join(dir, 'big08.bin'))));
      assert.deepStrictEqual(fs.readdirSync(to), ['big08.bin']);
      assert.strictEqual((await svc.getArchive(a.id))?.state, 'frozen', 'the archive itself stays frozen');
    } finally {
      await svc.removeArchive(a.id);
    }
  });

  it('remove archive requires typing the sentence', async () => {
    const node = await archiveNode(archive.id);
    assert.ok(node);
    assert.strictEqual(await run('freezer.removeArchive', node, 'i am sure'), undefined);
    assert.strictEqual(await run('freezer.removeArchive', node, 'yes'), undefined);
    assert.ok(await svc.getArchive(archive.id), 'removed without the exact sentence');
    const removed = await run('freezer.removeArchive', node, 'I am sure');
    if (removed !== true) await svc.removeArchive(archive.id).catch((e) => assert.fail(`removeArchive failed: ${e}`));
    assert.strictEqual(removed, true);
    // It was liquid (downloaded by the restore): gone from Glacier, its local copy stays until removed too.
    const local = await waitFor('the archive local only', async () => { const x = await archiveNode(archive.id); return (!x || x.archive.state === 'local') && { x }; });
    if (local.x) assert.strictEqual(await run('freezer.removeArchive', local.x, 'I am sure'), true);
    await waitFor('the archive gone from the view', async () => !(await archiveNode(archive.id)));
    const after = await svc.getArchive(archive.id);
    assert.ok(!after?.localFile || !fs.existsSync(after.localFile), 'the local archive file is still on disk');
    assert.strictEqual(await run('freezer.removeVault', vault, true), true);
    await waitFor('the vault gone', async () => !(await api.views.vaults.getChildren()).some((n) => n.kind === 'vault' && (n as VaultNode).name === vault));
  });

  it('pages a long vault with "Load more…"', async () => {
    const paged = `${vault}-paged`;
    await svc.createVault(paged);
    const dir = path.join(tmp, 'many');
    fs.mkdirSync(dir);
    for (let i = 0; i < 11; i++) {
      fs.writeFileSync(path.join(dir, `f${i}.txt`), `file ${i}\n`);
      await svc.freeze({ vault: paged, sources: [path.join(dir, `f${i}.txt`)], keyId: null });
    }
    await vscode.workspace.getConfiguration('freezer').update('pageSize', 10, vscode.ConfigurationTarget.Global);
    api.views.vaults.refresh();
    const v = await waitFor('the paged vault', async () => (await api.views.vaults.getChildren()).find((n) => n.kind === 'vault' && (n as VaultNode).name === paged) as VaultNode | undefined);
    const first = await api.views.vaults.getChildren(v);
    assert.strictEqual(first.length, 11, 'a page of 10 archives and "Load more…"');
    const more = first[10];
    assert.strictEqual(more.kind, 'loadMore');
    const item = more.toTreeItem();
    assert.strictEqual(item.label, 'Load more…');
    assert.strictEqual(item.description, '10 of 11');
    assert.strictEqual(item.command?.command, 'freezer.loadMore');
    await run(item.command!.command, ...(item.command!.arguments ?? []));
    const all = await api.views.vaults.getChildren(v);
    assert.strictEqual(all.length, 11);
    assert.ok(all.every((n) => n.kind === 'archive'));
    assert.strictEqual(new Set(all.map((n) => (n as ArchiveNode).archive.id)).size, 11);
    await vscode.workspace.getConfiguration('freezer').update('pageSize', undefined, vscode.ConfigurationTarget.Global);
  });

  it('Rebuild Catalogue brings the files back into a new, empty catalogue from the vault alone', async () => {
    const paged = `${vault}-paged`;
    const file = path.join(tmp, 'many', 'f3.txt');
    const before = (await svc.listVersions(file)).map((v) => `${v.archiveName} ${v.size} ${v.sha256}`);
    assert.strictEqual(before.length, 1);
    // A new catalogue file: as if freezer.db were lost (the endpoint, and its vaults, stay).
    const cfg = vscode.workspace.getConfiguration('freezer');
    const previous = cfg.inspect<string>('databasePath')?.globalValue;
    await cfg.update('databasePath', path.join(tmp, 'lost', 'freezer.db'), vscode.ConfigurationTarget.Global);
    let fresh: typeof svc | undefined;
    try {
      fresh = await waitFor('the service on the new catalogue', async () => {
        const s = await api.ready();
        return s !== svc && (await s.listVersions(file)).length === 0 ? s : undefined;
      });
      const started = await run('freezer.rebuildCatalogue', { stores: [paged], tier: 'Expedited' });
      assert.strictEqual(started.length, 1);
      assert.strictEqual(started[0].phase, 'inventory');
      const done = await waitFor('the rebuild to finish', async () => {
        await fresh!.refreshJobs();
        const s = (await fresh!.catalogueRebuilds()).find((r) => r.store === paged);
        return s && (s.phase === 'done' || s.phase === 'failed') ? s : undefined;
      }, 60000, 200);
      assert.strictEqual(done.phase, 'done', done.message);
      assert.strictEqual(done.jobs.length, 2, 'an inventory and one snapshot retrieval for 11 archives');
      assert.strictEqual(done.result?.archives, 11);
      assert.deepStrictEqual((await fresh!.listVersions(file)).map((v) => `${v.archiveName} ${v.size} ${v.sha256}`), before);
      const jobs = await fresh!.listJobs(paged);
      assert.ok(jobs.some((j) => j.archiveName === 'catalogue snapshot' && j.executedAt), 'the Jobs view names the snapshot retrieval');
    } finally {
      // Later suites run in this window: give them back the catalogue they were set up with.
      await cfg.update('databasePath', previous, vscode.ConfigurationTarget.Global);
      await waitFor('the service on the previous catalogue', async () => {
        const s = await api.ready();
        return s !== fresh ? s : undefined;
      });
    }
  });
});
