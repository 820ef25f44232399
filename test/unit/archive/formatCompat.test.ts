/**
 * Archives outlive the code that wrote them. A gzip-frame archive written before zstd became the
 * default (fixtures/gzip-v1.frz, written by commit aa8f9e4, with its key export) still thaws,
 * range-restores from its own trailer and recovers with tools/recover.mjs; a zstd archive of today
 * recovers with nothing but its bytes, the key export, recover.mjs and `zstd -dc`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { memberArchiveRange, readArchiveIndex, restoreMemberFromRange, type ReadRange } from '../../../src/core/archive/rangeRestore';
import { thawArchive } from '../../../src/core/archive/thaw';
import { exportKeyJson, generateKey, importKeyJson } from '../../../src/core/crypto/keys';
import { TreeHasher } from '../../../src/core/hash/treeHash';
import { makeTree, rmrf, snapshot, tempDir } from './helpers';

const FIX = path.resolve(__dirname, 'fixtures');
const TOOL = path.resolve(__dirname, '../../../tools/recover.mjs');
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface FixtureMeta {
  description: string;
  treeHash: string;
  size: number;
  members: Array<{ path: string; type: string; size: number; sha256: string | null }>;
}

async function filesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [rel, e] of await snapshot(dir)) if (e.type === 'file') out.set(rel, e.sha256!);
  return out;
}

describe('archives written before zstd (gzip frames, fixture)', () => {
  let work: string;
  let bytes: Buffer;
  let meta: FixtureMeta;
  const archive = path.join(FIX, 'gzip-v1.frz');
  const keyFile = path.join(FIX, 'gzip-v1.key.json');
  before(async () => {
    work = await tempDir();
    bytes = await fsp.readFile(archive);
    meta = JSON.parse(await fsp.readFile(path.join(FIX, 'gzip-v1.json'), 'utf8')) as FixtureMeta;
  });
  after(() => rmrf(work));
  const key = async () => importKeyJson(await fsp.readFile(keyFile, 'utf8'));
  const expected = (): Map<string, string> => new Map(meta.members.filter((m) => m.type === 'file').map((m) => [m.path, m.sha256!]));

  it('is the same bytes as when it was written (tree hash)', () => {
    const t = new TreeHasher();
    t.update(bytes);
    assert.equal(bytes.length, meta.size);
    assert.equal(t.digest().toString('hex'), meta.treeHash);
  });

  it('thaws whole, every file with its recorded SHA-256', async () => {
    const to = path.join(work, 'thaw');
    const restored = await thawArchive({ input: archive, to, keys: [await key()], description: meta.description, expectedSha256: expected() });
    assert.equal(restored.filter((r) => r.type === 'file').length, expected().size);
    assert.deepEqual(await filesUnder(to), expected());
  });

  it('range-restores one member from its own trailer, reading only that member\'s frames', async () => {
    const reads: Array<[number, number]> = [];
    const readRange: ReadRange = (s, e) => {
      reads.push([s, e]);
      return bytes.subarray(s, e);
    };
    const k = await key();
    const index = await readArchiveIndex({ readRange, archiveSize: bytes.length, keys: [k], description: meta.description });
    assert.equal(index.compression, 'gzip');
    assert.ok(index.frames.length >= 2, 'the fixture has several frames');
    const member = 'gzip-v1/tail.txt';
    reads.length = 0;
    const to = path.join(work, 'range');
    await restoreMemberFromRange({ index, member, readRange, keys: [k], description: meta.description, to, expectedSha256: expected().get(member) });
    assert.equal(sha(await fsp.readFile(path.join(to, member))), expected().get(member));
    const r = memberArchiveRange(index, member);
    for (const [s, e] of reads) assert.ok((s >= r.start && e <= r.end) || e <= 48, `read ${s}–${e} outside the member's frames ${r.start}–${r.end}`);
  });

  it('recovers with tools/recover.mjs and tar -z', async () => {
    const to = path.join(work, 'recover');
    await fsp.mkdir(to);
    execFileSync('bash', ['-o', 'pipefail', '-c', `node "${TOOL}" --key "${keyFile}" "${archive}" | tar -xzf - -C "${to}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
    assert.deepEqual(await filesUnder(to), expected());
  });
});

describe('zstd archives from their bytes and the key export alone', () => {
  let work: string;
  let tree: string;
  const key = generateKey('AES-256');
  let keyFile: string;
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work);
    keyFile = path.join(work, 'key.json');
    await fsp.writeFile(keyFile, exportKeyJson(key));
  });
  after(() => rmrf(work));

  it('tools/recover.mjs | zstd -dc | tar -x gives back the tree', async () => {
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'z.frz'), name: 'z', encryption: { key }, frameSize: 64 * 1024 });
    assert.equal(res.frameIndex.compression, 'zstd');
    // Only the archive file and the key export go to the recovery machine.
    const lone = path.join(work, 'elsewhere');
    await fsp.mkdir(lone);
    await fsp.copyFile(res.output, path.join(lone, 'archive.bin'));
    await fsp.copyFile(keyFile, path.join(lone, 'key.json'));
    const to = path.join(lone, 'out');
    await fsp.mkdir(to);
    execFileSync('bash', ['-o', 'pipefail', '-c', `node "${TOOL}" --key key.json archive.bin | zstd -dc | tar -xf - -C out`], { cwd: lone, stdio: ['ignore', 'ignore', 'pipe'] });
    assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
  });

  it('its trailer gives back the frame index, and one member restores from its range', async () => {
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'zr.frz'), name: 'zr', encryption: { key }, frameSize: 64 * 1024 });
    const bytes = await fsp.readFile(res.output);
    const readRange: ReadRange = (s, e) => bytes.subarray(s, e);
    const index = await readArchiveIndex({ readRange, archiveSize: bytes.length, keys: [key] });
    assert.deepEqual(index, res.frameIndex);
    const m = res.members.find((x) => x.path === 'src-tree/text.txt')!;
    await restoreMemberFromRange({ index, member: m.path, readRange, keys: [key], to: path.join(work, 'zr-out'), expectedSha256: m.sha256! });
    assert.equal(sha(await fsp.readFile(path.join(work, 'zr-out', m.path))), m.sha256);
  });

  it('a tiny encrypted archive stays small (a 6-byte file)', async () => {
    const d = path.join(work, 'tiny');
    await fsp.mkdir(d);
    await fsp.writeFile(path.join(d, 'six.txt'), 'hello\n');
    const res = await freezeArchive({ files: [d], output: path.join(work, 'tiny.frz'), name: 'tiny', encryption: { key } });
    assert.ok(res.size < 2048, `${res.size} bytes`);
    await thawArchive({ input: res.output, to: path.join(work, 'tiny-out'), keys: [key] });
    assert.equal(await fsp.readFile(path.join(work, 'tiny-out', 'tiny', 'six.txt'), 'utf8'), 'hello\n');
  });
});
