import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue';
import { makeTree, startHarness, type Harness } from './harness';

describe('service: selection for the archive builder', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('lists every file with why it is left out, and freeze packs exactly the selection', async () => {
    const { service } = h;
    await service.createVault('sel');
    const root = path.join(h.dir, 'src', 'proj');
    await makeTree(root, {
      'keep.txt': 'keep', 'notes.bak': 'backup', 'build/out.o': 'object', 'cache/x.tmp': 'excluded', 'private/secret.txt': 'manual',
      'frozen.txt': 'already frozen',
    });
    const cat = await Catalogue.open(h.options.databasePath);
    try {
      await cat.write((tx) => tx.addManualExclusion(path.join(root, 'private')));
    } finally {
      cat.close();
    }
    await service.freeze({ vault: 'sel', sources: [path.join(root, 'frozen.txt')], keyId: null, name: 'first' });

    const entries = await service.scanSelection([root], { exclusionPaths: ['/cache/'], filterAlreadyFrozen: true });
    const why = Object.fromEntries(entries.map((e) => [e.memberPath, `${e.selected ? '+' : '-'}${e.reasons.join(',')}`]));
    assert.deepEqual(why, {
      'proj/build/out.o': '-backup',
      'proj/cache/x.tmp': '-exclusionPath',
      'proj/frozen.txt': '-alreadyFrozen',
      'proj/keep.txt': '+',
      'proj/notes.bak': '-backup',
      'proj/private/secret.txt': '-manual',
    });
    const frozen = entries.find((e) => e.memberPath === 'proj/frozen.txt');
    assert.deepEqual(frozen?.frozenAs, { archiveName: 'first', path: path.join(root, 'frozen.txt') });
    assert.match(frozen?.sha256 ?? '', /^[0-9a-f]{64}$/);

    const off = await service.scanSelection([root], { filterBackup: false, filterManual: false });
    assert.deepEqual(off.filter((e) => e.selected).map((e) => e.memberPath).sort(),
      ['proj/build/out.o', 'proj/cache/x.tmp', 'proj/frozen.txt', 'proj/keep.txt', 'proj/notes.bak', 'proj/private/secret.txt']);

    const selected = entries.filter((e) => e.selected).map((e) => e.path);
    const a = await service.freeze({ vault: 'sel', sources: [root], selectedFiles: selected, keyId: null });
    assert.equal(a.fileCount, 1);
    const versions = await service.listVersions(path.join(root, 'keep.txt'));
    assert.equal(versions[0].memberPath, 'proj/keep.txt');

    const b = await service.freeze({ vault: 'sel', sources: [root], filters: { exclusionPaths: ['/cache/'] }, keyId: null });
    assert.equal(b.fileCount, 2, 'keep.txt and frozen.txt: backups, excluded and manual files are left out');
    const out = path.join(h.dir, 'out');
    await service.restore({ archiveId: b.id, to: out });
    assert.deepEqual((await fs.readdir(path.join(out, 'proj'))).sort(), ['frozen.txt', 'keep.txt'], 'no empty shells of excluded folders');
  });
});
