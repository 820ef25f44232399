// Runs after workflow.test.ts (file order): it reuses the local endpoint set up there, or sets it up.
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FreezerService } from '../../src/core/service/service';
import type { RestoreResult } from '../../src/core/service/types';
import type { FreezerApi } from '../../src/extension';
import { answer, freezerApi, run, waitFor } from './support';

describe('Freezer restores onto existing files, and a recreated catalogue', function () {
  this.timeout(120000);
  let api: FreezerApi;
  let svc: FreezerService;
  let tmp: string;
  const vault = `conflicts-${randomBytes(3).toString('hex')}`;

  before(async () => {
    api = await freezerApi();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-host-recovery-'));
    const cfg = vscode.workspace.getConfiguration('freezer');
    const g = vscode.ConfigurationTarget.Global;
    if (!api.host.configured) {
      await cfg.update('databasePath', path.join(tmp, 'freezer.db'), g);
      await cfg.update('uploadFolder', path.join(tmp, 'archives'), g);
      await cfg.update('localEndpointFolder', path.join(tmp, 'endpoint'), g);
      assert.strictEqual(await run('freezer.useLocalEndpoint', true), true);
      svc = await api.ready();
    } else {
      // The suite before this one removes its folder when it ends: a catalogue and upload folder of
      // this suite's own, on the same endpoint.
      const previous = await api.ready();
      await cfg.update('databasePath', path.join(tmp, 'freezer.db'), g);
      await cfg.update('uploadFolder', path.join(tmp, 'archives'), g);
      svc = await waitFor('the service on this suite\'s catalogue', async () => {
        const s = await api.ready();
        return s !== previous ? s : undefined;
      });
    }
    await run('freezer.createVault', vault);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('asks Replace / Keep Both / Skip for a file that differs, never for an unchanged one', async () => {
    const src = path.join(tmp, 'docs');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'report.txt'), 'the frozen report');
    fs.writeFileSync(path.join(src, 'same.txt'), 'unchanged');
    const a = await svc.freeze({ vault, sources: [src], keyId: null });
    const to = path.join(tmp, 'into');
    fs.mkdirSync(path.join(to, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(to, 'docs', 'report.txt'), 'edited since');
    fs.writeFileSync(path.join(to, 'docs', 'same.txt'), 'unchanged');

    // First item: Replace.
    const replaced: RestoreResult = await answer(run('freezer.restoreArchive', a.id, vscode.Uri.file(to)), 0);
    assert.ok(replaced, 'the restore returned nothing (see the log)');
    assert.strictEqual(fs.readFileSync(path.join(to, 'docs', 'report.txt'), 'utf8'), 'the frozen report');
    assert.strictEqual(replaced.unchanged, 1, 'same.txt was left as it was');

    // Everything is now as in the archive: no question at all.
    const quiet: RestoreResult = await run('freezer.restoreArchive', a.id, vscode.Uri.file(to));
    assert.deepStrictEqual([quiet.files.length, quiet.unchanged], [0, 2]);

    // Second item: Keep Both.
    fs.writeFileSync(path.join(to, 'docs', 'report.txt'), 'edited again');
    const both: RestoreResult = await answer(run('freezer.restoreArchive', a.id, vscode.Uri.file(to)), 1);
    const day = new Date().toISOString().slice(0, 10);
    assert.deepStrictEqual(both.files, [path.join(to, 'docs', `report (restored ${day}).txt`)]);
    assert.strictEqual(fs.readFileSync(path.join(to, 'docs', 'report.txt'), 'utf8'), 'edited again');
    assert.strictEqual(fs.readFileSync(both.files[0], 'utf8'), 'the frozen report');

    // Third item: Skip.
    const skipped: RestoreResult = await answer(run('freezer.restoreArchive', a.id, vscode.Uri.file(to)), 2);
    assert.deepStrictEqual([skipped.files.length, skipped.skipped], [0, 1]);
    assert.strictEqual(fs.readFileSync(path.join(to, 'docs', 'report.txt'), 'utf8'), 'edited again');
  });

  it('a catalogue recreated after damage warns, keeps the keys, until acknowledged', async () => {
    const key = await svc.createKey('AES-256', 'kept');
    await svc.setDefaultKey(key.id);
    const db = vscode.workspace.getConfiguration('freezer').get<string>('databasePath') || '';
    assert.ok(db, 'the test runs with an explicit catalogue path');
    await svc.dispose();
    fs.writeFileSync(db, Buffer.alloc(0)); // cut to nothing
    await api.host.rebuild(); // the damaged file is set aside: this build fails
    await api.host.rebuild(); // the next start begins a new catalogue
    svc = await api.ready();
    await waitFor('the warning', () => api.catalogueNotice.current && api.catalogueNotice.shownCount > 0);
    const keys = await svc.listKeys();
    assert.deepStrictEqual(keys.map((k) => [k.id, k.isDefault]), [[key.id, true]], 'the key from SecretStorage, still the default');
    await run('freezer.acknowledgeRecreatedCatalogue');
    assert.strictEqual(api.catalogueNotice.current, undefined);
    assert.strictEqual(await svc.catalogueNotice(), undefined);
  });
});
