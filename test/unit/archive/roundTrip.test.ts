import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { thawArchive } from '../../../src/core/archive/thaw';
import { parseDescription } from '../../../src/core/archive/description';
import { generateKey } from '../../../src/core/crypto/keys';
import { treeHash } from '../../../src/core/hash/treeHash';
import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import { makeTree, rmrf, snapshot, tempDir } from './helpers';

describe('freeze → thaw round trip', () => {
  let work: string;
  let tree: string;
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work);
  });
  after(() => rmrf(work));

  const aes = generateKey('AES-256');
  const des3 = generateKey('DES3-128');
  const aes128 = generateKey('AES-128');
  const combos: Array<[string, 'gzip' | 'bzip2' | 'none', { format: 'fzr1' | 'legacy-cbc'; key: ReturnType<typeof generateKey> } | null]> = [];
  for (const c of ['gzip', 'bzip2', 'none'] as const) {
    combos.push([`${c} + fzr1`, c, { format: 'fzr1', key: aes }]);
    combos.push([`${c} + legacy AES-256`, c, { format: 'legacy-cbc', key: aes }]);
    combos.push([`${c} + unencrypted`, c, null]);
  }
  combos.push(['gzip + legacy AES-128', 'gzip', { format: 'legacy-cbc', key: aes128 }]);
  combos.push(['gzip + legacy DES3-128', 'gzip', { format: 'legacy-cbc', key: des3 }]);

  for (const [label, compression, encryption] of combos) {
    it(`restores byte-identical: ${label}`, async () => {
      const out = path.join(work, `${label.replace(/\W+/g, '_')}.frz`);
      const res = await freezeArchive({ files: [tree], output: out, name: 'test', compression, encryption, frameSize: 256 * 1024 });
      const bytes = await fsp.readFile(out);
      assert.equal(res.size, bytes.length);
      assert.equal(res.treeHash, treeHash(bytes).toString('hex'));
      assert.equal(res.sha256, createHash('sha256').update(bytes).digest('hex'));
      assert.ok(res.frameIndex.frames.length > 1, 'several frames');
      const d = parseDescription(res.description);
      assert.equal(d.compression, compression);
      assert.equal(d.encryption, encryption?.format ?? 'none');
      const to = path.join(work, `restored-${label.replace(/\W+/g, '_')}`);
      const expected = new Map(res.members.filter((m) => m.sha256).map((m) => [m.path, m.sha256!]));
      const restored = await thawArchive({ input: out, to, keys: [aes, des3, aes128], description: res.description, expectedSha256: expected });
      assert.equal(restored.filter((r) => r.type === 'file').length, res.members.filter((m) => m.type === 'file').length);
      assert.ok(restored.filter((r) => r.type === 'file').every((r) => r.verified));
      assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
      if (compression === 'gzip') {
        // Files with a frame index thaw frame-parallel; a stream has no index and is read sequentially.
        const to2 = `${to}-stream`;
        await thawArchive({ input: createReadStream(out), to: to2, keys: [aes, des3, aes128], description: res.description, expectedSha256: expected });
        assert.deepEqual(await snapshot(path.join(to2, 'src-tree')), await snapshot(tree));
      }
    });
  }
});

describe('thaw of selected members', () => {
  let work: string;
  let tree: string;
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work, { big: 2_000_000 });
  });
  after(() => rmrf(work));

  it('restores only the selected files and folders, from a file (indexed) and from a stream', async () => {
    const key = generateKey();
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'sel.frz'), name: 'sel', encryption: { key }, frameSize: 64 * 1024 });
    const members = ['src-tree/many', 'src-tree/text.txt', 'src-tree/ünïcødé/日本語ファイル.txt'];
    const want = res.members.filter((m) => members.some((w) => m.path === w || m.path.startsWith(w + '/'))).map((m) => m.path).sort();
    for (const input of [res.output, createReadStream(res.output)]) {
      const to = await fsp.mkdtemp(path.join(work, 'sel-'));
      const out = await thawArchive({ input, to, keys: [key], members });
      assert.deepEqual(out.map((r) => r.path).sort(), want);
      assert.deepEqual(await fsp.readFile(path.join(to, 'src-tree/text.txt')), await fsp.readFile(path.join(tree, 'text.txt')));
      assert.deepEqual((await fsp.readdir(path.join(to, 'src-tree'))).sort(), ['many', 'text.txt', 'ünïcødé']);
    }
  });
});
