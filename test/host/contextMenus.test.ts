import * as assert from 'assert';
import type { ArchiveState } from '../../src/core/service/types';
import { archiveContext, vaultContext, versionContext } from '../../src/views/contextValues';
import { activityFraction, formatActivity, formatBytes, formatDuration } from '../../src/views/format';
import { menuCommandsFor } from './support';

describe('contextValue tags against the package.json menu regexes', () => {
  const expected: Record<ArchiveState, string[]> = {
    building: [],
    uploading: [],
    local: ['freezer.removeArchive', 'freezer.restoreArchive', 'freezer.showArchive'],
    liquid: ['freezer.disconnectArchive', 'freezer.removeArchive', 'freezer.restoreArchive', 'freezer.showArchive'],
    frozen: ['freezer.removeArchive', 'freezer.restoreArchive', 'freezer.retrieveArchive', 'freezer.showArchive'],
    melting: ['freezer.removeArchive', 'freezer.showArchive'],
    melted: ['freezer.removeArchive', 'freezer.restoreArchive', 'freezer.retrieveArchive', 'freezer.showArchive'],
    invalid: ['freezer.removeArchive', 'freezer.showArchive'],
  };

  for (const [state, commands] of Object.entries(expected) as [ArchiveState, string[]][]) {
    it(`${state}: the archive offers ${commands.length ? commands.join(', ') : 'nothing'}`, () => {
      assert.deepStrictEqual(menuCommandsFor('freezer.vaults', archiveContext({ state })), commands);
    });
  }

  it('an archive busy in this window offers nothing', () => {
    const activity = { phase: 'downloading' as const, filesDone: 0, filesTotal: 1, bytesDone: 1, bytesTotal: 2 };
    assert.deepStrictEqual(menuCommandsFor('freezer.vaults', archiveContext({ state: 'liquid', activity })), []);
  });

  it('only empty vaults can be removed', () => {
    assert.ok(menuCommandsFor('freezer.vaults', vaultContext({ localArchiveCount: 0 })).includes('freezer.removeVault'));
    assert.ok(!menuCommandsFor('freezer.vaults', vaultContext({ localArchiveCount: 1 })).includes('freezer.removeVault'));
    assert.ok(!menuCommandsFor('freezer.vaults', vaultContext({ localArchiveCount: 0, remoteArchiveCount: 3 })).includes('freezer.removeVault'));
  });

  it('file versions restore and reveal; Vaults menus do not leak into Frozen Files', () => {
    assert.deepStrictEqual(menuCommandsFor('freezer.files', versionContext('frozen')), ['freezer.restoreFile', 'freezer.revealArchive']);
    assert.deepStrictEqual(menuCommandsFor('freezer.files', 'frozenFolder'), ['freezer.restoreFolder']);
    assert.deepStrictEqual(menuCommandsFor('freezer.files', 'frozenFile'), ['freezer.restoreFile']);
    assert.deepStrictEqual(menuCommandsFor('freezer.vaults', versionContext('liquid')), []);
  });
});

describe('progress wording', () => {
  it('says file N of M, bytes, throughput and ETA', () => {
    const p = { phase: 'packing' as const, filesDone: 2, filesTotal: 10, bytesDone: 3 * 1024 * 1024, bytesTotal: 12 * 1024 * 1024, bytesPerSecond: 1024 * 1024, etaSeconds: 75 };
    assert.strictEqual(formatActivity(p), 'Packing file 3 of 10 · 3.0 MiB of 12 MiB · 1.0 MiB/s · ETA 1:15');
    assert.strictEqual(activityFraction(p), 0.25);
    assert.strictEqual(formatActivity({ ...p, filesDone: 10, bytesDone: p.bytesTotal }), 'Packing file 10 of 10 · 12 MiB of 12 MiB · 1.0 MiB/s');
  });

  it('formats sizes and durations', () => {
    assert.strictEqual(formatBytes(0), '0 B');
    assert.strictEqual(formatBytes(1536), '1.5 KiB');
    assert.strictEqual(formatBytes(5 * 1024 ** 4), '5.0 TiB');
    assert.strictEqual(formatDuration(3725), '1:02:05');
    assert.strictEqual(formatDuration(undefined), '?');
  });
});
