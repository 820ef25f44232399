import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ArchiveFacts, ArchiveState, RetrievalFact } from '../../../src/core/catalogue/archiveState';
import { archiveFacts, archiveState } from '../../../src/core/catalogue/archiveState';

const RETRIEVALS: RetrievalFact[] = ['none', 'pending', 'ready', 'failed', 'expired'];

// The table of docs/CATALOGUE.md for an archive neither building nor uploading:
// [localFile, remote, retrieval] → state.
const TABLE: [boolean, boolean, RetrievalFact, ArchiveState][] = [
  [true, true, 'none', 'liquid'], [true, true, 'pending', 'liquid'], [true, true, 'ready', 'liquid'],
  [true, true, 'failed', 'liquid'], [true, true, 'expired', 'liquid'],
  [true, false, 'none', 'local'], [true, false, 'pending', 'local'], [true, false, 'ready', 'local'],
  [true, false, 'failed', 'local'], [true, false, 'expired', 'local'],
  [false, false, 'none', 'invalid'], [false, false, 'pending', 'invalid'], [false, false, 'ready', 'invalid'],
  [false, false, 'failed', 'invalid'], [false, false, 'expired', 'invalid'],
  [false, true, 'none', 'frozen'], [false, true, 'pending', 'melting'], [false, true, 'ready', 'melted'],
  [false, true, 'failed', 'frozen'], [false, true, 'expired', 'frozen'],
];

test('state table: every combination of local file, remote copy and retrieval', () => {
  assert.equal(TABLE.length, 2 * 2 * RETRIEVALS.length);
  for (const [localFile, remote, retrieval, expected] of TABLE) {
    const f: ArchiveFacts = { building: false, uploading: false, localFile, remote, retrieval };
    assert.equal(archiveState(f), expected, JSON.stringify(f));
  }
});

test('building wins over everything, then uploading (all 60 other combinations)', () => {
  let n = 0;
  for (const building of [true, false]) {
    for (const uploading of [true, false]) {
      if (!building && !uploading) continue;
      for (const [localFile, remote, retrieval] of TABLE) {
        assert.equal(archiveState({ building, uploading, localFile, remote, retrieval }), building ? 'building' : 'uploading');
        n++;
      }
    }
  }
  assert.equal(n, 60);
});

test('facts from a catalogued archive and its latest retrieval job', () => {
  const now = new Date('2026-01-02T12:00:00Z');
  const a = { building: false, uploading: false, glacierId: 'G', deletedRemote: false };
  const f = (over: Partial<typeof a>, o: Partial<Parameters<typeof archiveFacts>[1]> = {}) =>
    archiveFacts({ ...a, ...over }, { localFileExists: false, now, ...o });
  assert.equal(f({}).remote, true);
  assert.equal(f({ glacierId: null as unknown as string }).remote, false);
  assert.equal(f({ glacierId: '' }).remote, false);
  assert.equal(f({ deletedRemote: true }).remote, false);
  assert.equal(f({}, { localFileExists: true }).localFile, true);
  assert.equal(f({}).retrieval, 'none');
  assert.equal(f({}, { latestRetrieval: { status: 'InProgress', completed: null } }).retrieval, 'pending');
  assert.equal(f({}, { latestRetrieval: { status: 'Failed', completed: '2026-01-02T11:00:00Z' } }).retrieval, 'failed');
  assert.equal(f({}, { latestRetrieval: { status: 'Succeeded', completed: '2026-01-02T11:00:00Z' } }).retrieval, 'ready');
  assert.equal(f({}, { latestRetrieval: { status: 'Succeeded', completed: '2026-01-01T11:00:00Z' } }).retrieval, 'expired');
  assert.equal(f({}, { latestRetrieval: { status: 'Succeeded', completed: '2026-01-01T11:00:00Z' }, outputExists: true }).retrieval, 'ready');
  assert.equal(f({}, { latestRetrieval: { status: 'Succeeded', completed: null } }).retrieval, 'expired');
  assert.equal(archiveState(f({}, { latestRetrieval: { status: 'InProgress', completed: null } })), 'melting');
});
