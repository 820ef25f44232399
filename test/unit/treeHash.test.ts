import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { MIB, TreeHasher, combineTreeHashes, isValidPartSize, treeHash } from '../../src/core/hash/treeHash';

const sha = (b: Buffer) => createHash('sha256').update(b).digest();

test('tree hash of less than one leaf is the plain SHA-256', () => {
  const data = Buffer.from('hello glacier');
  assert.equal(treeHash(data).toString('hex'), sha(data).toString('hex'));
});

test('tree hash follows the AWS example: 3 leaves, odd one carried up', () => {
  // AWS documents a 3 MiB-ish upload: H(H(H1,H2),H3)
  const data = Buffer.alloc(2 * MIB + 10, 7);
  const h1 = sha(data.subarray(0, MIB));
  const h2 = sha(data.subarray(MIB, 2 * MIB));
  const h3 = sha(data.subarray(2 * MIB));
  const expected = sha(Buffer.concat([sha(Buffer.concat([h1, h2])), h3]));
  assert.equal(treeHash(data).toString('hex'), expected.toString('hex'));
});

test('streaming hasher equals the one-shot hash whatever the chunking', () => {
  const data = Buffer.alloc(5 * MIB + 123);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31) & 0xff;
  const h = new TreeHasher();
  for (let off = 0; off < data.length; off += 777_777) h.update(data.subarray(off, off + 777_777));
  assert.equal(h.digest().toString('hex'), treeHash(data).toString('hex'));
  assert.equal(h.leafHashes().length, 6);
  assert.equal(h.length, data.length);
});

test('part hashes of 1 MiB × 2^n combine into the archive hash', () => {
  const data = Buffer.alloc(7 * MIB + 5, 3);
  const partSize = 2 * MIB;
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += partSize) parts.push(treeHash(data.subarray(off, off + partSize)));
  assert.equal(combineTreeHashes(parts).toString('hex'), treeHash(data).toString('hex'));
});

test('empty input hashes to SHA-256 of nothing', () => {
  assert.equal(treeHash(Buffer.alloc(0)).toString('hex'), sha(Buffer.alloc(0)).toString('hex'));
});

test('part sizes must be 1 MiB × 2^n up to 4 GiB', () => {
  assert.ok(isValidPartSize(MIB));
  assert.ok(isValidPartSize(4096 * MIB));
  assert.ok(!isValidPartSize(3 * MIB));
  assert.ok(!isValidPartSize(MIB / 2));
  assert.ok(!isValidPartSize(8192 * MIB));
});
