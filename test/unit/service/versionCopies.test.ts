/**
 * Frozen Files: a file is (name, size, SHA-256). Identical copies in two archives are one version
 * "in 2 archives", restored from the cheapest copy: local first, then the smallest retrieval.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { oneEntryPerVersion } from '../../../src/core/service/frozenFiles';
import type { FileVersion } from '../../../src/core/service/types';
import { makeTree, random, startHarness, type Harness } from './harness';

describe('service: identical copies are one version', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('picks local copies first, then the smallest archive to retrieve', () => {
    const v = (archiveId: number, archiveState: FileVersion['archiveState'], frozenAt: string, sha256 = 'a'.repeat(64)) => ({
      path: '/p/f.txt', name: 'f.txt', size: 5, sha256, archiveId, archiveName: `a${archiveId}`, vault: 'v', frozenAt, memberPath: 'f.txt', archiveState,
    }) as FileVersion;
    const sizes = new Map([[1, 900], [2, 100], [3, 5000], [4, 50]]);
    const [one] = oneEntryPerVersion([v(1, 'frozen', '2026-01-01'), v(2, 'frozen', '2026-02-01'), v(3, 'liquid', '2026-03-01')], sizes);
    assert.equal(one.archiveId, 3, 'the local copy, though its archive is the biggest');
    assert.equal(one.copies, 3);
    assert.deepEqual(one.alsoIn?.sort(), ['a1', 'a2']);
    assert.equal(one.frozenAt, '2026-01-01', 'the version dates from its first freeze');
    const [frozenOnly] = oneEntryPerVersion([v(1, 'frozen', '2026-01-01'), v(2, 'frozen', '2026-02-01')], sizes);
    assert.equal(frozenOnly.archiveId, 2, 'the smaller retrieval');
    const two = oneEntryPerVersion([v(1, 'frozen', '2026-01-01'), v(4, 'frozen', '2026-02-01', 'b'.repeat(64))], sizes);
    assert.equal(two.length, 2, 'different contents stay two versions');
    assert.equal(two[0].copies, undefined);
  });

  it('a file frozen twice unchanged lists one version in 2 archives, restored from the local copy', async () => {
    const { service } = h;
    await service.createVault('dup');
    const src = path.join(h.dir, 'src');
    await makeTree(src, { 'same.bin': random(20_000), 'other.txt': 'x' });
    const first = await service.freeze({ vault: 'dup', sources: [src], keyId: null, compression: 'none' });
    const second = await service.freeze({ vault: 'dup', sources: [path.join(src, 'same.bin')], keyId: null, compression: 'none' });
    await service.disconnectArchive(first.id);
    const file = path.join(src, 'same.bin');
    const versions = await service.listVersions(file);
    assert.equal(versions.length, 1);
    assert.equal(versions[0].copies, 2);
    assert.equal(versions[0].archiveId, second.id, 'the liquid archive, not the frozen one');
    const entry = (await service.listFrozen(src)).find((e) => e.kind === 'file' && e.name === 'same.bin');
    assert.equal(entry?.kind === 'file' && entry.versionCount, 1);
    const to = path.join(h.dir, 'out');
    const r = await service.restoreFileVersion(versions[0], to);
    assert.equal(r.status, 'restored', 'no retrieval needed');
    assert.deepEqual((await service.listJobs('dup')).filter((j) => j.action === 'ArchiveRetrieval'), []);
  });
});
