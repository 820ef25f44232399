import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InventoryArchive } from '../../../src/core/glacier/inventory';
import { mergeInventory, mergeInventoryStream } from '../../../src/core/glacier/inventoryMerge';

const remote = (id: string, size: number, extra: Partial<InventoryArchive> = {}): InventoryArchive => ({
  archiveId: id, size, description: `${id}.tar`, creationDate: '2026-01-01T00:00:00Z', treeHash: `hash-${id}`, ...extra,
});

test('merge adds new archives, updates changed ones, marks old absent ones missing', () => {
  const local = [
    { archiveId: 'same', size: 10, treeHash: 'hash-same', description: 'same.tar', creationDate: '2026-01-01T00:00:00Z' },
    { archiveId: 'resized', size: 10, treeHash: 'hash-resized' },
    { archiveId: 'gone', size: 1, uploadedAt: '2026-01-01T00:00:00Z' },
    { archiveId: 'fresh', size: 1, uploadedAt: '2026-11-20T09:00:00Z' },
    { archiveId: 'back', size: 3, missing: true, creationDate: '2026-01-01T00:00:00Z', treeHash: 'hash-back' },
    { archiveId: 'clash', size: 4, treeHash: 'other' },
    { archiveId: 'stillgone', missing: true },
  ];
  const r = mergeInventory(local, [
    remote('same', 10), remote('resized', 20), remote('new1', 5), remote('back', 3), remote('clash', 4), remote('new1', 5),
  ], '2026-11-20T10:00:00Z');
  assert.deepEqual(r.add.map((a) => a.archiveId), ['new1']);
  assert.deepEqual(r.update, [
    { archiveId: 'resized', size: 20, creationDate: '2026-01-01T00:00:00Z' },
    { archiveId: 'back', found: true },
  ]);
  assert.deepEqual(r.missing, ['gone']);
  assert.deepEqual(r.pending, ['fresh']);
  assert.deepEqual(r.conflicts, [{ archiveId: 'clash', localTreeHash: 'other', remoteTreeHash: 'hash-clash' }]);
  assert.equal(r.unchanged, 1);
});

test('without an inventory date every absent archive is missing; the streamed merge agrees', async () => {
  const local = [{ archiveId: 'a', uploadedAt: '2030-01-01T00:00:00Z' }, { archiveId: 'b' }];
  const list = [remote('b', 1), remote('c', 2)];
  const sync = mergeInventory(local, list);
  assert.deepEqual(sync.missing, ['a']);
  async function* gen() { yield* list; }
  const streamed = await mergeInventoryStream(local, gen(), () => undefined);
  assert.deepEqual(streamed, sync);
});
