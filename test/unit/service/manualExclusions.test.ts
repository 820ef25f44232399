import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { makeTree, startHarness, type Harness } from './harness';

describe('service: manual exclusions and archive members', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('remembers files unselected by hand with the freeze, and later scans leave them out as manual', async () => {
    const { service } = h;
    await service.createVault('manual');
    const root = path.join(h.dir, 'src', 'docs');
    const [a, b, c] = await makeTree(root, { 'a.txt': 'aaa', 'b.txt': 'bbb', 'sub/c.txt': 'ccc' });
    const before = await service.scanSelection([root]);
    assert.ok(before.every((e) => e.selected && e.reasons.length === 0), 'nothing excluded before the freeze');

    const frozen = await service.freeze({ vault: 'manual', sources: [root], selectedFiles: [a], manualExclusions: [b, c], keyId: null, name: 'hand' });
    assert.equal(frozen.fileCount, 1);

    const why = async (filterManual: boolean) => Object.fromEntries((await service.scanSelection([root], { filterManual }))
      .map((e) => [e.memberPath, `${e.selected ? '+' : '-'}${e.reasons.join(',')}`]));
    assert.deepEqual(await why(true), { 'docs/a.txt': '+', 'docs/b.txt': '-manual', 'docs/sub/c.txt': '-manual' });
    assert.deepEqual(await why(false), { 'docs/a.txt': '+', 'docs/b.txt': '+manual', 'docs/sub/c.txt': '+manual' }, 'filter off: marked, still selected');

    // A freeze of the folder by its sources (no explicit list) applies them too, and another service sees them.
    const other = await h.open();
    const again = await other.freeze({ vault: 'manual', sources: [root], keyId: null, name: 'folder' });
    assert.equal(again.fileCount, 1, 'only a.txt: b.txt and sub/c.txt stay excluded');
  });

  it('lists the members of an archive by original path, paged, with the whole count', async () => {
    const { service } = h;
    await service.createVault('members');
    const root = path.join(h.dir, 'src', 'photos');
    const files = await makeTree(root, { 'x/1.jpg': '1', 'x/2.jpg': '22', 'y/3.jpg': '333', 'z.jpg': '4444', 'empty.txt': '' });
    const a = await service.freeze({ vault: 'members', sources: [root], keyId: null, name: 'photos' });

    const all = await service.listArchiveMembers(a.id);
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.map((m) => m.path).sort(), [...files].sort());
    const z = all.items.find((m) => m.path === path.join(root, 'z.jpg'));
    assert.equal(z?.size, 4);
    assert.equal(z?.sha256, createHash('sha256').update('4444').digest('hex'));
    assert.equal(typeof z?.mtimeMs, 'number');

    const p1 = await service.listArchiveMembers(a.id, { offset: 0, limit: 2 });
    const p2 = await service.listArchiveMembers(a.id, { offset: 2, limit: 2 });
    const p3 = await service.listArchiveMembers(a.id, { offset: 4, limit: 2 });
    assert.deepEqual([p1.items.length, p2.items.length, p3.items.length], [2, 2, 1]);
    assert.deepEqual([p1.total, p2.total, p3.total], [5, 5, 5]);
    assert.deepEqual([...p1.items, ...p2.items, ...p3.items], all.items, 'pages join into the whole list, in tar order');

    await assert.rejects(service.listArchiveMembers(999_999), (e: Error & { code?: string }) => e.code === 'ArchiveNotFound');
  });
});
