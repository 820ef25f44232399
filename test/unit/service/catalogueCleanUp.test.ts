/**
 * Database maintenance: files in no archive any more leave the catalogue after Remove Archive, after
 * an inventory finds an archive gone, and on Clean Up Catalogue, which reports what it removed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { Catalogue } from '../../../src/core/catalogue';
import { describeCleanUp } from '../../../src/core/service/catalogueMaintenance';
import { makeTree, startHarness, type Harness } from './harness';

describe('service: catalogue clean-up', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  /** Names in the catalogue's files table (read from the database file, as another process would). */
  async function fileNames(): Promise<string[]> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database(fs.readFileSync(h.options.databasePath));
    try {
      return (db.exec('SELECT name FROM files ORDER BY name')[0]?.values ?? []).map((r) => String(r[0]));
    } finally {
      db.close();
    }
  }

  it('Remove Archive drops the files only it held; an identical copy in another archive stays', async () => {
    const { service } = h;
    await service.createVault('tidy');
    const src = path.join(h.dir, 'src');
    await makeTree(src, { 'a/unique.txt': 'only in a\n', 'a/shared.txt': 'in both\n', 'b/shared.txt': 'in both\n' });
    const a = await service.freeze({ vault: 'tidy', sources: [path.join(src, 'a')], keyId: null });
    await service.freeze({ vault: 'tidy', sources: [path.join(src, 'b')], keyId: null });
    assert.deepEqual(await fileNames(), ['shared.txt', 'unique.txt']);
    await service.disconnectArchive(a.id);
    await service.removeArchive(a.id);
    assert.deepEqual(await fileNames(), ['shared.txt'], 'unique.txt was in no archive any more');
    assert.equal((await service.listVersions(path.join(src, 'a', 'unique.txt'))).length, 0);
  });

  it('Clean Up Catalogue removes what earlier versions left behind, and says what it removed', async () => {
    const { service } = h;
    const src = path.join(h.dir, 'src2');
    await makeTree(src, { 'old.txt': 'left behind\n' });
    const a = await service.freeze({ vault: 'tidy', sources: [src], keyId: null });
    // An archive deleted from Glacier before this version, with its file list still in the catalogue.
    await service.disconnectArchive(a.id);
    const cat = await Catalogue.open(h.options.databasePath);
    try {
      await cat.write((tx) => tx.updateArchive(a.id, { deletedRemote: true }));
    } finally {
      cat.close();
    }
    assert.ok((await fileNames()).includes('old.txt'));
    const r = await service.cleanUpCatalogue();
    assert.deepEqual(r, { archives: 1, files: 1 });
    assert.equal(describeCleanUp(r), 'Removed 1 file that is in no archive any more, from 1 archive gone from Glacier and from this disk.');
    assert.ok(!(await fileNames()).includes('old.txt'));
    assert.ok((await fileNames()).includes('shared.txt'), 'files still in an archive stay');
    const again = await service.cleanUpCatalogue();
    assert.deepEqual(again, { archives: 0, files: 0 });
    assert.match(describeCleanUp(again), /catalogue is clean/);
  });
});
