// The builder's size estimate against archives frozen by the real pipeline (the files the builder
// selects, packed the way the service packs them): within a stated tolerance for text, random and mixed data.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Compression } from '../../../src/core/archive/description';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { estimateArchiveSize, type EstimatedFile } from '../../../src/core/archive/sizeEstimate';
import { generateKey } from '../../../src/core/crypto/keys';
import { commonRoot, selectedSources } from '../../../src/core/service/selection';

const MIB = 1024 * 1024;
const WORDS = 'the of archive frozen file vault key restore glacier bucket tier byte frame chunk index member path size hash tree json report notes data photo log error warning debug info value result'.split(' ');

/** Prose-like text from a fixed seed (compresses about as source code and logs do). */
function text(bytes: number, seed: number): Buffer {
  let x = seed;
  const parts: string[] = [];
  let n = 0;
  while (n < bytes) {
    // 32-bit LCG in integer arithmetic (a float product would lose bits and cycle); its high bits are the random ones.
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const r = x >>> 12;
    const w = `${WORDS[r % WORDS.length]}${r % 11 === 0 ? '.\n' : ' '}${r % 97 === 0 ? String(r % 100000) + ' ' : ''}`;
    parts.push(w);
    n += w.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

let work: string;
before(async () => { work = await fsp.mkdtemp(path.join(os.tmpdir(), 'fz-estimate-')); });
after(async () => { await fsp.rm(work, { recursive: true, force: true }); });

async function writeSet(name: string, files: Record<string, Buffer>): Promise<string[]> {
  const out: string[] = [];
  for (const [rel, data] of Object.entries(files)) {
    const p = path.join(work, name, rel);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, data);
    out.push(p);
  }
  return out;
}

/** Freezes `paths` as the builder does (exact file list, members relative to their common folder) and estimates them. */
async function frozenAndEstimated(paths: string[], compression: Compression, encrypted: boolean): Promise<{ stored: number; estimated: number; sampledBytes: number }> {
  const sources = await selectedSources(commonRoot(paths), paths);
  const files: EstimatedFile[] = sources.map((s) => ({ path: s.absolutePath, memberPath: s.memberPath, size: s.size }));
  const est = await estimateArchiveSize(files, { compression, encrypted, maxMs: Number.POSITIVE_INFINITY });
  const res = await freezeArchive({
    files: sources, output: path.join(work, `${path.basename(commonRoot(paths))}-${compression}-${encrypted}-${Date.now()}.frz`), name: 'estimate',
    compression, ...(encrypted ? { encryption: { key: generateKey() } } : {}),
  });
  const stored = (await fsp.stat(res.output)).size;
  if (process.env.FREEZER_ESTIMATE_REPORT) console.log(`estimate ${path.basename(commonRoot(paths))} ${compression}${encrypted ? ' encrypted' : ''}: stored ${stored} B, estimated ${est.bytes} B (${(((est.bytes - stored) / stored) * 100).toFixed(1)} %), sampled ${est.sampledBytes} B`);
  return { stored, estimated: est.bytes, sampledBytes: est.sampledBytes };
}

function within(r: { stored: number; estimated: number }, tolerance: number, what: string): void {
  const error = Math.abs(r.estimated - r.stored) / r.stored;
  assert.ok(error <= tolerance, `${what}: estimated ${r.estimated} B, stored ${r.stored} B (${(error * 100).toFixed(1)} % off, tolerance ${tolerance * 100} %)`);
}

describe('archive size estimate', () => {
  let textFiles: string[];
  let randomFiles: string[];
  let mixedFiles: string[];
  before(async () => {
    textFiles = await writeSet('text', { 'a.txt': text(5 * MIB, 1), 'b/c.log': text(3 * MIB, 2), 'b/d.md': text(40 * 1024, 3) });
    randomFiles = await writeSet('random', { 'photo.jpg': randomBytes(4 * MIB), 'video.mp4': randomBytes(3 * MIB) });
    const small: Record<string, Buffer> = {};
    for (let i = 0; i < 300; i++) small[`conf/${i}.json`] = Buffer.from(JSON.stringify({ id: i, name: `item ${i}`, tags: ['a', 'b'], enabled: i % 2 === 0 }));
    mixedFiles = await writeSet('mixed', { ...small, 'notes.txt': text(3 * MIB, 4), 'photo.jpg': randomBytes(3 * MIB) });
  });

  it('text: within 10 % of the stored zstd archive, encrypted or not, from a bounded sample', async () => {
    for (const encrypted of [false, true]) {
      const r = await frozenAndEstimated(textFiles, 'zstd', encrypted);
      within(r, 0.1, `text, zstd, ${encrypted ? 'encrypted' : 'plain'}`);
      assert.ok(r.stored < 4 * MIB, `the text compressed (${r.stored} B of 8 MiB)`);
      assert.ok(r.sampledBytes <= 48 * 64 * 1024, `sampled ${r.sampledBytes} B`);
    }
    within(await frozenAndEstimated(textFiles, 'gzip', false), 0.1, 'text, gzip');
  });

  it('random data: within 2 % of the stored size (no compression assumed where there is none)', async () => {
    const r = await frozenAndEstimated(randomFiles, 'zstd', true);
    within(r, 0.02, 'random, zstd, encrypted');
    assert.ok(r.estimated >= 7 * MIB, `incompressible data is not estimated smaller than it is (${r.estimated} B)`);
  });

  it('mixed (text, random, 300 small files): within 12 %', async () => {
    within(await frozenAndEstimated(mixedFiles, 'zstd', true), 0.12, 'mixed, zstd, encrypted');
    within(await frozenAndEstimated(mixedFiles, 'none', false), 0.01, 'mixed, tar only');
  });

  it('a 6-byte file: the estimate is the small archive actually stored (headers, trailer, one encryption chunk)', async () => {
    const tiny = await writeSet('tiny', { 'hello.txt': Buffer.from('hello\n') });
    const r = await frozenAndEstimated(tiny, 'zstd', true);
    within(r, 0.1, 'tiny, zstd, encrypted');
    assert.ok(r.stored < 2048 && r.estimated < 2048, `stored ${r.stored} B, estimated ${r.estimated} B`);
    within(await frozenAndEstimated(tiny, 'none', false), 0.01, 'tiny, tar only');
  });

  it('names too long for ustar, or not ASCII, get the PAX header the tar will hold', async () => {
    const named = await writeSet('names', {
      [`deep/${'x'.repeat(120)}.txt`]: Buffer.from('long name'),
      [`${'d'.repeat(160)}/${'y'.repeat(90)}.txt`]: Buffer.from('long folder'),
      'ünïcödé.txt': Buffer.from('accents'),
      'short.txt': Buffer.from('short'),
    });
    const r = await frozenAndEstimated(named, 'none', false);
    assert.equal(r.estimated, r.stored);
  });

  it('stops sampling when its time is up (the first block is always read), and reads nothing for `none`', async () => {
    const files: EstimatedFile[] = (await selectedSources(commonRoot(textFiles), textFiles)).map((s) => ({ path: s.absolutePath, memberPath: s.memberPath, size: s.size }));
    const rushed = await estimateArchiveSize(files, { compression: 'zstd', encrypted: false, maxMs: -1 });
    assert.equal(rushed.sampledBytes, 64 * 1024);
    assert.equal(rushed.sampledFiles, 1);
    const none = await estimateArchiveSize(files, { compression: 'none', encrypted: false });
    assert.equal(none.sampledBytes, 0);
    assert.equal(none.ratio, 1);
  });

  it('is cancelled by its signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(estimateArchiveSize([{ path: textFiles[0], memberPath: 'a.txt', size: 5 * MIB }], { compression: 'zstd', encrypted: false, signal: ac.signal }), (e: Error) => e.name === 'CancellationError' || /cancel/i.test(e.message));
  });
});
