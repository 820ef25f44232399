import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { thawArchive } from '../../../src/core/archive/thaw';
import { generateKey } from '../../../src/core/crypto/keys';
import { rmrf, tempDir } from './helpers';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo' | 'block-device'; linkname?: string; body?: string };

async function makeTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const done = buffer(pack);
  for (const e of entries) {
    await new Promise<void>((res, rej) => {
      const cb = (err?: Error | null): void => (err ? rej(err) : res());
      if (e.body !== undefined) pack.entry({ name: e.name, type: e.type ?? 'file', mode: 0o644 }, e.body, cb);
      else pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644, devmajor: 1, devminor: 3 }, cb);
    });
  }
  pack.finalize();
  return done;
}

const code = (c: string) => (e: Error & { code?: string }) => {
  assert.equal(e.code, c, e.message);
  return true;
};

describe('safe extraction', () => {
  let work: string;
  before(async () => { work = await tempDir(); });
  after(() => rmrf(work));

  const unsafe: Array<[string, Entry[]]> = [
    ['an absolute path', [{ name: '/tmp/freezer-evil-abs', body: 'x' }]],
    ['a ".." path', [{ name: '../evil', body: 'x' }]],
    ['a ".." hidden in the middle', [{ name: 'ok/../../evil', body: 'x' }]],
    ['a symlink to an absolute path', [{ name: 'ln', type: 'symlink', linkname: '/etc' }]],
    ['a symlink climbing out', [{ name: 'sub/ln', type: 'symlink', linkname: '../../evil' }]],
    ['a hard link to a file outside', [{ name: 'hl', type: 'link', linkname: '../evil' }]],
    ['a hard link to an absolute path', [{ name: 'hl', type: 'link', linkname: '/etc/passwd' }]],
    ['a character device', [{ name: 'null', type: 'character-device' }]],
    ['a block device', [{ name: 'sda', type: 'block-device' }]],
    ['a FIFO', [{ name: 'pipe', type: 'fifo' }]],
  ];
  for (const [label, entries] of unsafe) {
    it(`refuses ${label} with UnsafeEntry and writes nothing outside`, async () => {
      const dir = await fsp.mkdtemp(path.join(work, 'case-'));
      const file = path.join(dir, 'bad.tar');
      await fsp.writeFile(file, await makeTar([{ name: 'fine.txt', body: 'fine' }, ...entries]));
      const to = path.join(dir, 'target');
      await assert.rejects(thawArchive({ input: file, to }), code('UnsafeEntry'));
      assert.deepEqual((await fsp.readdir(dir)).sort(), ['bad.tar', 'target']);
      await assert.rejects(fsp.access('/tmp/freezer-evil-abs'));
      const inTarget = await fsp.readdir(to);
      assert.ok(inTarget.every((n) => n === 'fine.txt' || n === 'sub' || n === 'ok'), inTarget.join(','));
    });
  }

  it('does not write through an existing link in the target that leads outside', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const outside = path.join(dir, 'outside');
    await fsp.mkdir(outside);
    const to = path.join(dir, 'target');
    await fsp.mkdir(to);
    await fsp.symlink(outside, path.join(to, 'docs'));
    const file = path.join(dir, 'a.tar');
    await fsp.writeFile(file, await makeTar([{ name: 'docs/x.txt', body: 'x' }]));
    await assert.rejects(thawArchive({ input: file, to }), code('UnsafeEntry'));
    assert.deepEqual(await fsp.readdir(outside), []);
  });

  it('restores links that stay inside', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const file = path.join(dir, 'a.tar');
    await fsp.writeFile(file, await makeTar([
      { name: 'd/', type: 'directory' }, { name: 'd/f.txt', body: 'hello' },
      { name: 'd/rel', type: 'symlink', linkname: 'f.txt' }, { name: 'hard', type: 'link', linkname: 'd/f.txt' },
    ]));
    const to = path.join(dir, 'target');
    const out = await thawArchive({ input: file, to });
    assert.deepEqual(out.map((r) => `${r.type}:${r.path}`), ['directory:d', 'file:d/f.txt', 'symlink:d/rel', 'link:hard']);
    assert.equal(await fsp.readFile(path.join(to, 'd/rel'), 'utf8'), 'hello');
    assert.equal(await fsp.readFile(path.join(to, 'hard'), 'utf8'), 'hello');
  });

  it('small files written several at once come back in archive order; a path given twice is written in order', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const file = path.join(dir, 'a.tar');
    const names = Array.from({ length: 40 }, (_, i) => `d/f${i}.txt`);
    await fsp.writeFile(file, await makeTar([
      ...names.map((name) => ({ name, body: `body of ${name}` })),
      { name: 'd/f3.txt', body: 'second copy' }, { name: 'hard', type: 'link', linkname: 'd/f39.txt' },
    ]));
    const to = path.join(dir, 'target');
    const out = await thawArchive({ input: file, to, overwrite: true });
    assert.deepEqual(out.map((r) => r.path), [...names, 'd/f3.txt', 'hard']);
    assert.equal(await fsp.readFile(path.join(to, 'd/f3.txt'), 'utf8'), 'second copy');
    assert.equal(await fsp.readFile(path.join(to, 'd/f17.txt'), 'utf8'), 'body of d/f17.txt');
    assert.equal(await fsp.readFile(path.join(to, 'hard'), 'utf8'), 'body of d/f39.txt');
    assert.deepEqual((await fsp.readdir(path.join(to, 'd'))).filter((n) => n.endsWith('.freezer-part')), []);
    // Without overwrite the second copy meets the first and stops the restore.
    await assert.rejects(thawArchive({ input: file, to: path.join(dir, 'strict') }), code('TargetExists'));
  });

  it('does not overwrite unless asked; overwrite replaces', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const file = path.join(dir, 'a.tar');
    await fsp.writeFile(file, await makeTar([{ name: 'f.txt', body: 'new' }]));
    const to = path.join(dir, 'target');
    await fsp.mkdir(to);
    await fsp.writeFile(path.join(to, 'f.txt'), 'old');
    await assert.rejects(thawArchive({ input: file, to }), code('TargetExists'));
    assert.equal(await fsp.readFile(path.join(to, 'f.txt'), 'utf8'), 'old');
    await thawArchive({ input: file, to, overwrite: true });
    assert.equal(await fsp.readFile(path.join(to, 'f.txt'), 'utf8'), 'new');
    assert.deepEqual(await fsp.readdir(to), ['f.txt'], 'no temp files left');
  });

  // Links that pass a check made from the link's written path but climb out once the system follows them.
  const escapes: Array<[string, Entry[]]> = [
    ['a link restored under a link to ".." (sub/l → .., then sub/l/l2 → ..)', [
      { name: 'sub/', type: 'directory' }, { name: 'sub/l', type: 'symlink', linkname: '..' }, { name: 'sub/l/l2', type: 'symlink', linkname: '..' }]],
    ['a link whose target climbs through another link (a → ., b → a/../..)', [
      { name: 'd/', type: 'directory' }, { name: 'd/a', type: 'symlink', linkname: '.' }, { name: 'd/b', type: 'symlink', linkname: 'a/../..' }]],
    ['a link made before the links it climbs through (x → dd/s/.., then dd/s → ../sub/l, sub/l → ..)', [
      { name: 'x', type: 'symlink', linkname: 'dd/s/..' }, { name: 'dd/', type: 'directory' }, { name: 'sub/', type: 'directory' },
      { name: 'sub/l', type: 'symlink', linkname: '..' }, { name: 'dd/s', type: 'symlink', linkname: '../sub/l' }]],
    ['the same, the restore then failing on a later entry (a FIFO)', [
      { name: 'x', type: 'symlink', linkname: 'dd/s/..' }, { name: 'dd/', type: 'directory' }, { name: 'sub/', type: 'directory' },
      { name: 'sub/l', type: 'symlink', linkname: '..' }, { name: 'dd/s', type: 'symlink', linkname: '../sub/l' }, { name: 'pipe', type: 'fifo' }]],
  ];
  for (const [label, entries] of escapes) {
    it(`leaves no link resolving outside the target: ${label}`, async () => {
      const dir = await fsp.mkdtemp(path.join(work, 'case-'));
      const file = path.join(dir, 'links.tar');
      await fsp.writeFile(file, await makeTar(entries));
      const to = path.join(dir, 'target');
      await assert.rejects(thawArchive({ input: file, to }), code('UnsafeEntry'));
      const root = await fsp.realpath(to);
      const walk = async (d: string): Promise<void> => {
        for (const e of await fsp.readdir(d, { withFileTypes: true })) {
          const p = path.join(d, e.name);
          if (e.isSymbolicLink()) {
            const real = await fsp.realpath(p).catch(() => null);
            assert.ok(real === null || real === root || real.startsWith(root + path.sep), `${path.relative(root, p)} → ${real} is outside`);
          } else if (e.isDirectory()) await walk(p);
        }
      };
      await walk(root);
    });
  }

  it('restores over existing files as asked: unchanged ones skipped silently, then replace, keep both, skip', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const file = path.join(dir, 'a.tar');
    await fsp.writeFile(file, await makeTar([{ name: 'same.txt', body: 'same' }, { name: 'f.txt', body: 'new' }, { name: 'photo.jpg', body: 'new jpg' }]));
    const to = path.join(dir, 'target');
    await fsp.mkdir(to);
    await fsp.writeFile(path.join(to, 'same.txt'), 'same');
    await fsp.writeFile(path.join(to, 'f.txt'), 'old');
    await fsp.writeFile(path.join(to, 'photo.jpg'), 'old jpg');
    await assert.rejects(thawArchive({ input: file, to }), (e: Error & { code?: string }) => e.code === 'TargetExists' && /--overwrite/.test(e.message) && /--keep-both/.test(e.message) && /--skip-existing/.test(e.message));
    assert.equal(await fsp.readFile(path.join(to, 'f.txt'), 'utf8'), 'old');

    const asked: string[] = [];
    const out = await thawArchive({ input: file, to, onExisting: async (c) => { asked.push(c.member); return c.member === 'f.txt' ? 'replace' : 'keep-both'; } });
    assert.deepEqual(asked, ['f.txt', 'photo.jpg'], 'the unchanged file is not asked about');
    assert.deepEqual(out.map((r) => [r.path, r.outcome]), [['same.txt', 'unchanged'], ['f.txt', 'replaced'], ['photo.jpg', 'kept-both']]);
    const day = new Date().toISOString().slice(0, 10);
    assert.equal(await fsp.readFile(path.join(to, 'f.txt'), 'utf8'), 'new');
    assert.equal(await fsp.readFile(path.join(to, 'photo.jpg'), 'utf8'), 'old jpg');
    assert.equal(await fsp.readFile(path.join(to, `photo (restored ${day}).jpg`), 'utf8'), 'new jpg');

    await fsp.writeFile(path.join(to, 'f.txt'), 'changed again');
    const skipped = await thawArchive({ input: file, to, onExisting: 'skip' });
    assert.deepEqual(skipped.map((r) => r.outcome), ['unchanged', 'skipped', 'skipped']);
    assert.equal(await fsp.readFile(path.join(to, 'f.txt'), 'utf8'), 'changed again');
    assert.deepEqual((await fsp.readdir(to)).sort(), ['f.txt', `photo (restored ${day}).jpg`, 'photo.jpg', 'same.txt'], 'no temp files left');
  });

  it('verifies SHA-256 when known and leaves no file on mismatch', async () => {
    const dir = await fsp.mkdtemp(path.join(work, 'case-'));
    const file = path.join(dir, 'a.tar');
    await fsp.writeFile(file, await makeTar([{ name: 'f.txt', body: 'data' }, { name: 'g.txt', body: 'more' }]));
    const to = path.join(dir, 'target');
    const good = '3a6eb0790f39ac87c94f3856b2dd2c5d110e6811602261a9a923d3bb23adc8b7';
    const ok = await thawArchive({ input: file, to, members: ['f.txt'], expectedSha256: new Map([['f.txt', good]]) });
    assert.deepEqual(ok.map((r) => [r.path, r.verified]), [['f.txt', true]]);
    await fsp.rm(to, { recursive: true });
    await assert.rejects(thawArchive({ input: file, to, expectedSha256: new Map([['f.txt', 'ab'.repeat(32)]]) }), code('ChecksumMismatch'));
    assert.deepEqual(await fsp.readdir(to), []);
  });
});

describe('thaw errors on damaged archives', () => {
  let work: string;
  let src: string;
  const key = generateKey();
  before(async () => {
    work = await tempDir();
    src = path.join(work, 'src');
    await fsp.mkdir(src);
    await fsp.writeFile(path.join(src, 'a.txt'), 'abc'.repeat(100_000));
  });
  after(() => rmrf(work));

  const freeze = async (name: string, encrypted: boolean): Promise<Buffer> => {
    const r = await freezeArchive({ files: [src], output: path.join(work, name), name, encryption: encrypted ? { key, chunkSize: 4096 } : null });
    return fsp.readFile(r.output);
  };
  const thawBytes = async (b: Buffer, keys = [key]): Promise<unknown> => {
    const f = path.join(work, `in-${Math.random()}`);
    await fsp.writeFile(f, b);
    return thawArchive({ input: f, to: await fsp.mkdtemp(path.join(work, 'to-')), keys });
  };

  it('fzr1: wrong key, tampered, truncated', async () => {
    const b = await freeze('e.frz', true);
    await assert.rejects(thawBytes(b, [generateKey()]), code('WrongKey'));
    await assert.rejects(thawBytes(b, []), code('WrongKey'));
    const t = Buffer.from(b);
    t[200] ^= 4;
    await assert.rejects(thawBytes(t), code('Tampered'));
    await assert.rejects(thawBytes(b.subarray(0, b.length - 100)), code('Truncated'));
    await assert.rejects(thawBytes(b.subarray(0, 30)), code('Truncated'));
  });

  it('unencrypted gzip: truncated and corrupt', async () => {
    const b = await freeze('p.tgz', false);
    await assert.rejects(thawBytes(b.subarray(0, Math.floor(b.length / 2))), code('Truncated'));
    const c = Buffer.from(b);
    for (let i = 100; i < 140; i++) c[i] ^= 0xff;
    await assert.rejects(thawBytes(c), code('Corrupt'));
  });

  it('cancelling a thaw stops it with Cancelled', async () => {
    const r = await freezeArchive({ files: [src], output: path.join(work, 'c.frz'), name: 'c', encryption: { key } });
    for (const input of [r.output, undefined]) {
      const ac = new AbortController();
      const to = path.join(work, `c-out-${Math.random()}`);
      await assert.rejects(thawArchive({ input: input ?? (await import('node:fs')).createReadStream(r.output), to, keys: [key], signal: ac.signal, onProgress: () => ac.abort() }), code('Cancelled'));
      await assert.rejects(fsp.access(path.join(to, 'src/a.txt')), 'stopped before the file');
    }
  });

  it('GNU tar reads what the decompressed archive holds', async () => {
    const b = await freeze('g.tgz', false);
    const listing = execFileSync('tar', ['--zstd', '-tvf', '-'], { input: b }).toString();
    assert.match(listing, /src\/a\.txt/);
    assert.match(listing, /300000/);
  });
});
