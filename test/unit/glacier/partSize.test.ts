import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { MIB } from '../../../src/core/hash/treeHash';
import { MAX_ARCHIVE_SIZE, MAX_PARTS, choosePartSize, partCount } from '../../../src/core/glacier/partSize';

const GIB = 1024 * MIB;

test('part size: 1 MiB × 2^n for at most 16 parts, capped at 8 MiB, larger only to stay within 10,000 parts', () => {
  assert.equal(choosePartSize(0), MIB);
  assert.equal(choosePartSize(5 * MIB), MIB);
  assert.equal(choosePartSize(16 * MIB), MIB);
  assert.equal(choosePartSize(16 * MIB + 1), 2 * MIB);
  assert.equal(choosePartSize(124 * MIB), 8 * MIB);
  assert.equal(choosePartSize(10_000 * MIB), 8 * MIB);
  assert.equal(choosePartSize(80_000 * MIB + 1), 16 * MIB);
  assert.equal(choosePartSize(100 * GIB), 16 * MIB);
  assert.equal(choosePartSize(MAX_ARCHIVE_SIZE), 4 * GIB);
  for (const size of [1, 3 * MIB + 5, 77 * GIB, 39 * 1024 * GIB]) {
    const p = choosePartSize(size);
    assert.ok(partCount(size, p) <= MAX_PARTS);
    assert.ok(partCount(size, p) <= 16 || p >= 8 * MIB, `parts of ${p} for ${size}: more than 16 below the cap`);
    assert.ok(p <= 8 * MIB || partCount(size, p / 2) > MAX_PARTS, `larger than needed for ${size}`);
  }
});

test('an override is validated: power of two MiB, and no more than 10,000 parts', () => {
  assert.equal(choosePartSize(100 * MIB, 8 * MIB), 8 * MIB);
  for (const bad of [MIB + 1, 3 * MIB, 512 * 1024, 8 * GIB]) {
    assert.throws(() => choosePartSize(100 * MIB, bad), (e) => FreezerError.is(e, 'InvalidPartSize'));
  }
  assert.throws(() => choosePartSize(20 * GIB, MIB), (e) => FreezerError.is(e, 'InvalidPartSize') && /at least 4 MiB/.test(e.message));
  assert.throws(() => choosePartSize(MAX_ARCHIVE_SIZE + 1), (e) => FreezerError.is(e, 'ArchiveTooLarge'));
});
