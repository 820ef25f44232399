import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import tar from 'tar-stream';
import { freezeArchive, type FreezeProgress } from '../../../src/core/archive/freeze';
import { tarHeaderFor } from '../../../src/core/archive/tarHeader';
import { thawArchive } from '../../../src/core/archive/thaw';
import { generateKey } from '../../../src/core/crypto/keys';
import { makeTree, rmrf, snapshot, tempDir } from './helpers';

const code = (c: string) => (e: Error & { code?: string }) => {
  assert.equal(e.code, c, e.message);
  return true;
};

describe('freeze behaviour', () => {
  let work: string;
  let tree: string;
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work, { big: 3_000_000 });
  });
  after(() => rmrf(work));

  it('reports file N of M (files only, not folders), bytes and a byte-based ETA', async () => {
    const seen: FreezeProgress[] = [];
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'p.frz'), name: 'p', onProgress: (p) => seen.push(p) });
    const last = seen.at(-1)!;
    const fileBytes = res.members.reduce((n, m) => n + m.size, 0);
    const files = res.members.filter((m) => m.type === 'file').length;
    assert.ok(files < res.members.length, 'the tree has folders');
    assert.equal(last.filesTotal, files);
    assert.equal(last.filesDone, last.filesTotal);
    for (const p of seen) assert.ok(p.filesDone <= p.filesTotal, `file ${p.filesDone} of ${p.filesTotal}`);
    assert.equal(last.bytesTotal, fileBytes);
    assert.equal(last.bytesDone, fileBytes);
    assert.equal(last.etaSeconds, 0);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].bytesDone >= seen[i - 1].bytesDone && seen[i].filesDone >= seen[i - 1].filesDone);
  });

  it('cancelling leaves no output and no partial file behind', async () => {
    const ac = new AbortController();
    const out = path.join(work, 'cancel.frz');
    let calls = 0;
    await assert.rejects(
      freezeArchive({ files: [tree], output: out, name: 'c', signal: ac.signal, encryption: { key: generateKey() }, onProgress: () => { if (++calls === 2) ac.abort(); } }),
      code('Cancelled'),
    );
    assert.deepEqual((await fsp.readdir(work)).filter((n) => n.startsWith('cancel')), []);
  });

  it('refuses to replace an existing output unless asked', async () => {
    const out = path.join(work, 'exists.frz');
    await fsp.writeFile(out, 'keep');
    await assert.rejects(freezeArchive({ files: [tree], output: out, name: 'e' }), code('TargetExists'));
    assert.equal(await fsp.readFile(out, 'utf8'), 'keep');
    await freezeArchive({ files: [tree], output: out, name: 'e', overwrite: true });
    assert.notEqual(await fsp.readFile(out, 'utf8'), 'keep');
  });

  it('archives nothing (0 files) and empty files as valid archives', async () => {
    const key = generateKey();
    const empty = await freezeArchive({ files: [], output: path.join(work, 'none.frz'), name: 'none', encryption: { key } });
    assert.equal(empty.members.length, 0);
    assert.deepEqual(await thawArchive({ input: empty.output, to: path.join(work, 'none-out'), keys: [key] }), []);
    const zdir = path.join(work, 'zeros');
    await fsp.mkdir(zdir);
    await fsp.writeFile(path.join(zdir, 'z'), '');
    const z = await freezeArchive({ files: [zdir], output: path.join(work, 'zero.frz'), name: 'zero', compression: 'none' });
    const back = await thawArchive({ input: z.output, to: path.join(work, 'zero-out') });
    assert.deepEqual(back.map((r) => [r.path, r.size]), [['zeros', 0], ['zeros/z', 0]]);
  });

  for (const [compression, flag] of [['zstd', '--zstd'], ['gzip', '-z']] as const) {
    it(`GNU tar reads our tar (${compression}): long, unicode and deep names, modes and mtimes`, async () => {
      const res = await freezeArchive({ files: [tree], output: path.join(work, `gnu.${compression}`), name: 'gnu', compression });
      const to = path.join(work, `gnu-out-${compression}`);
      await fsp.mkdir(to);
      execFileSync('tar', [flag, '-xf', res.output, '-C', to]);
      assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
    });
  }

  it('writes sizes beyond 8 GiB in a header GNU tar understands (header only)', async () => {
    const size = 9 * 1024 ** 3 + 123;
    const header = tarHeaderFor({ memberPath: 'huge/' + 'n'.repeat(120) + '.bin', type: 'file', size, mode: 0o600, mtimeMs: Date.UTC(2020, 0, 1) });
    const pack = tar.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c: unknown) => { chunks.push(c as Buffer); });
    pack.entry(header);
    await new Promise((r) => setImmediate(r));
    const head = Buffer.concat(chunks);
    assert.ok(head.length >= 1024, 'PAX header (long name) then the ustar header');
    const ustar = head.subarray(head.length - 512);
    assert.equal(ustar[124], 0x80, 'base-256 size');
    assert.equal(Number(ustar.subarray(125, 136).reduce((n, b) => n * 256n + BigInt(b), 0n)), size);
    // GNU tar lists the entry (then stops at the missing data).
    let listing = '';
    try {
      listing = execFileSync('tar', ['-tvf', '-'], { input: head, stdio: ['pipe', 'pipe', 'ignore'] }).toString();
    } catch (e) {
      listing = String((e as { stdout?: Buffer }).stdout ?? '');
    }
    assert.match(listing, new RegExp(`${size}.*huge/n{120}\\.bin`));
    void buffer;
  });

  it('bzip2 missing is a clear error', async () => {
    const saved = process.env.FREEZER_BZIP2;
    process.env.FREEZER_BZIP2 = '/nonexistent/bzip2';
    try {
      await assert.rejects(freezeArchive({ files: [tree], output: path.join(work, 'nobz.frz'), name: 'b', compression: 'bzip2' }), code('Bzip2Unavailable'));
      assert.deepEqual((await fsp.readdir(work)).filter((n) => n.startsWith('nobz')), []);
    } finally {
      if (saved === undefined) delete process.env.FREEZER_BZIP2;
      else process.env.FREEZER_BZIP2 = saved;
    }
  });

  it('zstd (the default) round-trips, and `zstd -dc` reads the payload as one tar', async () => {
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'z.frz'), name: 'z', frameSize: 64 * 1024 });
    assert.equal(res.frameIndex.compression, 'zstd');
    assert.ok(res.frameIndex.frames.length > 2, 'several frames');
    await thawArchive({ input: res.output, to: path.join(work, 'z-out') });
    assert.deepEqual(await snapshot(path.join(work, 'z-out', 'src-tree')), await snapshot(tree));
    const to = path.join(work, 'z-cli');
    await fsp.mkdir(to);
    execFileSync('bash', ['-o', 'pipefail', '-c', `zstd -dc "${res.output}" | tar -xf - -C "${to}"`]);
    assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
  });

  it('a file that shrank after it was listed is archived as it is when read, not as a torn copy', async () => {
    const f = path.join(work, 'shrink.bin');
    await fsp.writeFile(f, randomBytes(1000));
    const st = await fsp.stat(f);
    const now = randomBytes(10);
    await fsp.writeFile(f, now);
    const res = await freezeArchive({ files: [{ absolutePath: f, memberPath: 'shrink.bin', type: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: 0o644 }], output: path.join(work, 'shrink.frz'), name: 's' });
    assert.deepEqual(res.changedFiles, []);
    assert.equal(res.members[0].size, 10);
    assert.equal(res.members[0].sha256, createHash('sha256').update(now).digest('hex'));
    await thawArchive({ input: res.output, to: path.join(work, 'shrink-out') });
    assert.deepEqual(await fsp.readFile(path.join(work, 'shrink-out', 'shrink.bin')), now);
  });

});

describe('frame decompression with the size from the index', () => {
  for (const compression of ['zstd', 'gzip'] as const) {
    it(`${compression}: the exact size, a wrong one and none give the same bytes`, async () => {
      const { frameCodec } = await import('../../../src/core/archive/compression');
      const c = frameCodec(compression);
      const txt = Buffer.from(Array.from({ length: 40_000 }, (_, i) => `line ${i} of a frame\n`).join(''));
      const z = await c.compressFrame(txt);
      for (const size of [txt.length, 1000, txt.length * 2, undefined]) assert.deepEqual(await c.decompressFrames(z, size), txt, `size ${size}`);
    });
  }
});

describe('incompressible frames', () => {
  it('zstd stores them in raw blocks that zstd and zlib both read', async () => {
    const { frameCodec } = await import('../../../src/core/archive/compression');
    const rnd = randomBytes(1024 * 1024 + 5);
    const c = frameCodec('zstd');
    const z = await c.compressFrame(rnd);
    assert.ok(z.length > rnd.length && z.length < rnd.length + 64, `stored: ${z.length}`);
    assert.deepEqual(await c.decompressFrames(z), rnd);
    assert.deepEqual(execFileSync('zstd', ['-dc'], { input: z, maxBuffer: 4 << 20 }), rnd);
    const txt = Buffer.from('compressible text '.repeat(60_000));
    assert.ok((await c.compressFrame(txt)).length < txt.length / 20);
  });

  it('are stored rather than deflated, and still gunzip', async () => {
    const { looksIncompressible, frameCodec } = await import('../../../src/core/archive/compression');
    const rnd = randomBytes(1024 * 1024);
    const txt = Buffer.from('compressible text '.repeat(60_000));
    assert.equal(await looksIncompressible(rnd), true);
    assert.equal(await looksIncompressible(txt), false);
    const c = frameCodec('gzip');
    const z = await c.compressFrame(rnd);
    assert.ok(z.length > rnd.length && z.length < rnd.length * 1.01);
    assert.deepEqual(await c.decompressFrames(z), rnd);
    assert.ok((await c.compressFrame(txt)).length < txt.length / 20);
  });
});
