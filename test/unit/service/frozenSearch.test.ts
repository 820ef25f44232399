import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTree, startHarness, type Harness } from './harness';

describe('service: finding a frozen file without walking from the root', () => {
  let h: Harness;
  let photos: string;
  let code: string;
  before(async () => {
    h = await startHarness();
    await h.service.createVault('find');
    photos = path.join(h.dir, 'home', 'ann', 'photos');
    code = path.join(h.dir, 'home', 'ann', 'code');
    await makeTree(photos, { '2024/summer/beach.jpg': 'b', '2024/winter/snow.jpg': 's', '2025/summer/lake_1%.jpg': 'l', 'notes.txt': 'n' });
    await makeTree(code, { 'Makefile': 'all:', 'app/src/main.ts': 'm', 'app/README.md': 'r', 'app/summer.txt': 'x' });
    await h.service.freeze({ vault: 'find', sources: [photos], keyId: null, name: 'photos' });
    await h.service.freeze({ vault: 'find', sources: [code], keyId: null, name: 'code' });
  });
  after(async () => { await h.close(); });

  it('every typed word must be in the path, the last one in the file name, case-insensitive', async () => {
    const names = async (q: string) => (await h.service.searchFrozen(q, 50)).map((e) => path.relative(h.dir, e.path)).sort();
    assert.deepEqual(await names('BEACH'), ['home/ann/photos/2024/summer/beach.jpg']);
    assert.deepEqual(await names('summer jpg'), ['home/ann/photos/2024/summer/beach.jpg', 'home/ann/photos/2025/summer/lake_1%.jpg']);
    assert.deepEqual(await names('2024/jpg'), ['home/ann/photos/2024/summer/beach.jpg', 'home/ann/photos/2024/winter/snow.jpg']);
    assert.deepEqual(await names('summer'), ['home/ann/code/app/summer.txt'], 'the last word names the file');
    // LIKE's wildcards are plain characters in what the user types.
    assert.deepEqual(await names('1%'), ['home/ann/photos/2025/summer/lake_1%.jpg']);
    assert.deepEqual(await names('e_1'), ['home/ann/photos/2025/summer/lake_1%.jpg']);
    assert.deepEqual(await names('_'), ['home/ann/photos/2025/summer/lake_1%.jpg']);
    assert.deepEqual(await names('nothing-like-this'), []);
    const one = await h.service.searchFrozen('beach', 50);
    assert.deepEqual([one[0].kind, one[0].name, one[0].kind === 'file' && one[0].versionCount], ['file', 'beach.jpg', 1]);
  });

  it('results are bounded', async () => {
    assert.equal((await h.service.searchFrozen('jpg', 2)).length, 2);
    assert.equal((await h.service.searchFrozen('jpg', 50)).length, 3);
  });

  it('the folders most recently frozen come newest first, with their file counts', async () => {
    const roots = await h.service.recentFrozenRoots(5);
    assert.deepEqual(roots.map((r) => r.path), [code, photos]);
    assert.deepEqual(roots.map((r) => r.kind === 'folder' && r.fileCount), [4, 4]);
    assert.deepEqual((await h.service.recentFrozenRoots(1)).map((r) => r.path), [code]);
  });
});
