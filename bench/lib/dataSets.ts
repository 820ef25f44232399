// Generated data sets for the benchmarks: deterministic text (compressible like prose or code),
// random bytes (incompressible like media), and trees of many small files. Sizes scale with BENCH_SCALE.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const MiB = 1024 * 1024;

const WORDS = 'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you were her she there been one all we their has would when if so no will more out up into do any your what time some can only other new about than may our these after first also two very most many over such people years through could must'.split(' ');
const CODE = 'const let function return if else for while import export from await async class extends new this null undefined true false throw try catch finally interface type string number boolean void =>'.split(' ');

/** Deterministic text of `bytes` bytes (xorshift over a word list): compresses about as well as prose. */
export function textBlock(bytes: number, seed: number, words: readonly string[] = WORDS): Buffer {
  const out: string[] = [];
  let n = 0;
  let x = seed >>> 0 || 1;
  while (n < bytes) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    const w = words[x % words.length] + ((x >> 8) % 13 === 0 ? `${x % 10000}` : '');
    const s = (x >> 12) % 17 === 0 ? `${w}.\n` : `${w} `;
    out.push(s);
    n += s.length;
  }
  return Buffer.from(out.join('')).subarray(0, bytes);
}

function writeBig(file: string, size: number, block: (off: number) => Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (let off = 0; off < size;) {
      const b = block(off).subarray(0, size - off);
      fs.writeSync(fd, b);
      off += b.length;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Text files of 8–64 MiB made of distinct 1 MiB blocks; returns the bytes written. */
function textFiles(dir: string, total: number, seed: number): number {
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  for (let f = 0; written < total; f++) {
    const size = Math.min(total - written, (8 + (f % 8) * 8) * MiB);
    writeBig(path.join(dir, `doc${f}.txt`), size, (off) => textBlock(MiB, seed + f * 100_000 + off / MiB + 1));
    written += size;
  }
  return written;
}

function randomFiles(dir: string, total: number, fileSize: number): number {
  fs.mkdirSync(dir, { recursive: true });
  let written = 0;
  for (let f = 0; written < total; f++) {
    const size = Math.min(total - written, fileSize);
    writeBig(path.join(dir, `blob${f}.bin`), size, () => randomBytes(4 * MiB));
    written += size;
  }
  return written;
}

export interface DataSet { root: string; bytes: number; files: number }

/**
 * The "mixed" set of the speed issue at scale 1: 128 MiB of text, 64 MiB of random bytes and 2,000
 * small files (1–15 KiB, half text, half random) — about 208 MB.
 */
export function mixedSet(root: string, scale: number): DataSet {
  let bytes = textFiles(path.join(root, 'text'), Math.round(128 * MiB * scale), 1);
  bytes += randomFiles(path.join(root, 'random'), Math.round(64 * MiB * scale), 32 * MiB);
  const tb = textBlock(4 * MiB, 7);
  const n = Math.max(10, Math.round(2000 * scale));
  for (let i = 0; i < n; i++) {
    const size = 1024 * (1 + ((i * 7919) % 15));
    const dir = path.join(root, 'small', `d${Math.floor(i / 200)}`);
    if (i % 200 === 0) fs.mkdirSync(dir, { recursive: true });
    const off = (i * 104729) % (tb.length - size);
    fs.writeFileSync(path.join(dir, `f${i}.${i % 2 ? 'bin' : 'txt'}`), i % 2 ? randomBytes(size) : tb.subarray(off, off + size));
    bytes += size;
  }
  return { root, bytes, files: countFiles(root) };
}

/**
 * A source tree at scale 1: 20,000 files of 0.2–8 KiB of code-like text in nested packages, plus 40
 * media files (0.25–2 MiB, random bytes) — about 130 MB.
 */
export function sourceTreeSet(root: string, scale: number): DataSet {
  let bytes = 0;
  const tb = textBlock(8 * MiB, 11, CODE);
  const n = Math.max(20, Math.round(20_000 * scale));
  // 25 packages × 40 modules: each folder is made the first time a file lands in it.
  const made = new Set<string>();
  for (let i = 0; i < n; i++) {
    const size = 200 + ((i * 7919) % 8000);
    const dir = path.join(root, `pkg${i % 25}`, 'src', `mod${Math.floor(i / 100) % 40}`);
    if (!made.has(dir)) { fs.mkdirSync(dir, { recursive: true }); made.add(dir); }
    const off = (i * 104729) % (tb.length - size);
    fs.writeFileSync(path.join(dir, `file${i}.ts`), tb.subarray(off, off + size));
    bytes += size;
  }
  const m = Math.max(2, Math.round(40 * scale));
  fs.mkdirSync(path.join(root, 'media'), { recursive: true });
  for (let i = 0; i < m; i++) {
    const size = 256 * 1024 * (1 + (i % 8));
    fs.writeFileSync(path.join(root, 'media', `img${i}.jpg`), randomBytes(size));
    bytes += size;
  }
  return { root, bytes, files: countFiles(root) };
}

/** Large files only, for the memory check: 40 % text, 60 % random, in files of ≤ 256 MiB. */
export function bigSet(root: string, total: number): DataSet {
  let bytes = textFiles(path.join(root, 'text'), Math.round(total * 0.4), 3);
  bytes += randomFiles(path.join(root, 'random'), total - bytes, 256 * MiB);
  return { root, bytes, files: countFiles(root) };
}

export function countFiles(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}
