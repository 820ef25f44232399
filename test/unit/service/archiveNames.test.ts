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
});
