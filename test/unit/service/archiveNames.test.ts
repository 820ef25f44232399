import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ArchiveInfo } from '../../../src/core/service/types';
import { makeTree, random, startHarness, type Harness } from './harness';

describe('service: archive names', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.service.createVault('names');
  });
  after(async () => { await h.close(); });

  it('an archive shows its final name while it is being built', async () => {
    const src = path.join(h.dir, 'src', 'photos');
    const files: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) files[`p${i}.jpg`] = random(32 * 1024);
    await makeTree(src, files);
    let whileBuilding: Promise<ArchiveInfo[]> | undefined;
    const a = await h.service.freeze({
      vault: 'names', sources: [src], compression: 'none', keyId: null,
      onProgress: (p) => { if (p.phase === 'packing') whileBuilding ??= h.service.listArchives('names').then((l) => l.items); },
    });
    assert.ok(whileBuilding, 'progress was reported while packing');
    const row = (await whileBuilding).find((x) => x.id === a.id);
    assert.equal(row?.state, 'building');
    assert.equal(row?.name, a.name);
    assert.match(a.name, /^photos-\d{4}-\d{2}-\d{2}$/);
  });

  it('a default name already taken in the vault gets -2, -3, …; a name the user gives stays as given', async () => {
    const src = path.join(h.dir, 'src', 'docs');
    await makeTree(src, { 'a.txt': 'alpha', 'b.txt': 'beta' });
    const freeze = (name?: string) => h.service.freeze({ vault: 'names', sources: [src], compression: 'none', keyId: null, ...(name ? { name } : {}) });
    const first = await freeze();
    assert.match(first.name, /^docs-\d{4}-\d{2}-\d{2}$/);
    const second = await freeze();
    const third = await freeze();
    assert.deepEqual([second.name, third.name], [`${first.name}-2`, `${first.name}-3`]);
    const given = [await freeze(first.name), await freeze(first.name)];
    assert.deepEqual(given.map((a) => a.name), [first.name, first.name], 'an explicit name is kept');
    const listed = (await h.service.listArchives('names')).items.filter((a) => a.name.startsWith('docs-'));
    assert.equal(listed.length, 5);
  });
});
