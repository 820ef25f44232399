import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freezeArchive, type FreezeResult } from '../../../src/core/archive/freeze';
import { memberArchiveRange, readArchiveIndex, restoreMemberFromRange, type ReadRange } from '../../../src/core/archive/rangeRestore';
import { generateKey } from '../../../src/core/crypto/keys';
import { makeTree, rmrf, tempDir } from './helpers';

describe('frame index, trailer and range restore', () => {
  let work: string;
  let tree: string;
  const key = generateKey();
  const legacyKey = generateKey('AES-192');
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work, { big: 1_500_000 });
  });
  after(() => rmrf(work));

  const recordingReader = (bytes: Buffer, log: Array<[number, number]>): ReadRange => (s, e) => {
    log.push([s, e]);
    return bytes.subarray(s, e);
  };

  for (const enc of ['fzr1', 'legacy-cbc', 'none'] as const) {
    describe(`gzip + ${enc}`, () => {
      let res: FreezeResult;
      let bytes: Buffer;
      before(async () => {
        res = await freezeArchive({
          files: [tree], output: path.join(work, `${enc}.frz`), name: 'r', compression: 'gzip', frameSize: 128 * 1024,
          encryption: enc === 'none' ? null : { format: enc, key: enc === 'fzr1' ? key : legacyKey, chunkSize: enc === 'fzr1' ? 4096 : undefined },
        });
        bytes = await fsp.readFile(res.output);
      });

      it('rebuilds the same frame index from the trailer alone', async () => {
        const rebuilt = await readArchiveIndex({ readRange: recordingReader(bytes, []), archiveSize: bytes.length, keys: [key, legacyKey], description: res.description });
        assert.deepEqual(rebuilt, res.frameIndex);
      });

      it('members tar offsets point at their headers', async () => {
        assert.equal(res.frameIndex.members.length, res.members.length);
        for (let i = 1; i < res.members.length; i++) assert.ok(res.members[i].tarOffset > res.members[i - 1].tarOffset);
        assert.ok(res.members.every((m) => m.tarOffset % 512 === 0));
      });

      for (const pick of ['random.bin', 'ünïcødé/日本語ファイル.txt', 'many/f077.txt', 'empty.txt', 'x'.repeat(251) + '.bin', 'text.txt']) {
        it(`restores ${pick.slice(0, 30)} reading only its frames`, async () => {
          const member = `src-tree/${pick}`;
          const log: Array<[number, number]> = [];
          const to = path.join(work, `one-${enc}-${createHash('md5').update(pick).digest('hex')}`);
          const want = res.members.find((m) => m.path === member)!;
          const out = await restoreMemberFromRange({ index: res.frameIndex, member, readRange: recordingReader(bytes, log), keys: [key, legacyKey], description: res.description, to, expectedSha256: want.sha256! });
          assert.deepEqual(out.map((r) => r.path), [member]);
          assert.equal(out[0].verified, true);
          const orig = await fsp.readFile(path.join(tree, pick));
          assert.deepEqual(await fsp.readFile(path.join(to, member)), orig);
          const r = memberArchiveRange(res.frameIndex, member);
          const read = log.reduce((n, [s, e]) => n + (e - s), 0);
          assert.ok(log.every(([s, e]) => (s >= r.start && e <= r.end) || e <= 48), 'reads stay in the member range (plus the fzr1 header)');
          if (pick !== 'random.bin' && pick !== 'text.txt') assert.ok(read < bytes.length / 2, `read ${read} of ${bytes.length}`);
        });
      }

      it('refuses a member that is not in the archive', async () => {
        await assert.rejects(
          restoreMemberFromRange({ index: res.frameIndex, member: 'nope', readRange: recordingReader(bytes, []), keys: [key, legacyKey], to: path.join(work, 'x') }),
          (e: Error & { code?: string }) => e.code === 'MemberNotFound',
        );
      });
    });
  }
});

describe('range restore with the index freeze returned (no trailer)', () => {
  let work: string;
  let tree: string;
  const key = generateKey();
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work, { big: 600_000 });
  });
  after(() => rmrf(work));

  for (const compression of ['bzip2', 'none'] as const) {
    it(`${compression} + fzr1: restores one member; readArchiveIndex says there is no trailer`, async () => {
      const res = await freezeArchive({ files: [tree], output: path.join(work, `${compression}.frz`), name: 'r', compression, frameSize: 128 * 1024, encryption: { key, chunkSize: 4096 } });
      const bytes = await fsp.readFile(res.output);
      const member = 'src-tree/many/f100.txt';
      const to = path.join(work, `out-${compression}`);
      await restoreMemberFromRange({ index: res.frameIndex, member, readRange: (s, e) => bytes.subarray(s, e), keys: [key], to });
      assert.deepEqual(await fsp.readFile(path.join(to, member)), await fsp.readFile(path.join(tree, 'many/f100.txt')));
      await assert.rejects(readArchiveIndex({ readRange: (s, e) => bytes.subarray(s, e), archiveSize: bytes.length, keys: [key] }), (e: Error & { code?: string }) => e.code === 'NoFrameIndex');
    });
  }
});
