import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { MIB, TreeHasher, combineTreeHashes, treeHash } from '../../../src/core/hash/treeHash';
import { estimateAllTiers, estimateRetrievalCost, formatUsd, PRICES_AS_OF } from '../../../src/core/glacier/pricing';
import { isTreeHashAligned, treeHashAlignedRange } from '../../../src/core/glacier/retrieval';

test('ranges widen to a node of the tree hash', () => {
  const size = 10 * MIB + 100;
  assert.deepEqual(treeHashAlignedRange(0, 10, size), { start: 0, end: MIB - 1 });
  assert.deepEqual(treeHashAlignedRange(MIB + 5, MIB + 10, size), { start: MIB, end: 2 * MIB - 1 });
  assert.deepEqual(treeHashAlignedRange(MIB - 1, MIB, size), { start: 0, end: 2 * MIB - 1 });
  assert.deepEqual(treeHashAlignedRange(3 * MIB, 4 * MIB, size), { start: 0, end: 8 * MIB - 1 });
  assert.deepEqual(treeHashAlignedRange(9 * MIB, size - 1, size), { start: 8 * MIB, end: size - 1 });
  assert.throws(() => treeHashAlignedRange(0, size, size), (e) => FreezerError.is(e, 'InvalidRange'));
});

test('an aligned range hashes to a node of the whole tree (checked against real hashes)', () => {
  const size = 11 * MIB + 12345;
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 997) data[i] = i & 0xff;
  const h = new TreeHasher().update(data);
  h.digest();
  const leaves = h.leafHashes();
  for (const [a, b] of [[0, 5], [3 * MIB + 1, 5 * MIB], [8 * MIB, size - 1], [10 * MIB, 10 * MIB + 3]]) {
    const r = treeHashAlignedRange(a, b, size);
    assert.ok(isTreeHashAligned(r, size));
    assert.ok(r.start <= a && r.end >= b);
    // The range's own tree hash equals the combination of its leaves taken from the whole archive.
    const own = treeHash(data.subarray(r.start, r.end + 1));
    const fromWhole = combineTreeHashes(leaves.slice(r.start / MIB, Math.ceil((r.end + 1) / MIB)));
    assert.equal(own.toString('hex'), fromWhole.toString('hex'));
  }
  assert.equal(isTreeHashAligned({ start: MIB, end: 3 * MIB - 1 }, size), false);
});

test('cost estimates scale with size, differ by tier and carry the price date', () => {
  const gib = 1024 ** 3;
  const one = estimateRetrievalCost(gib, 'Standard', 'us-east-1');
  const ten = estimateRetrievalCost(10 * gib, 'Standard', 'us-east-1');
  assert.ok(ten.retrievalUsd > one.retrievalUsd * 9 && ten.retrievalUsd < one.retrievalUsd * 10);
  const [exp, std, bulk] = estimateAllTiers(100 * gib, 'us-east-1');
  assert.ok(exp.totalUsd > std.totalUsd && std.totalUsd > bulk.totalUsd);
  assert.equal(exp.pricesAsOf, PRICES_AS_OF);
  assert.equal(estimateRetrievalCost(gib, 'Bulk', 'mars-north-1').approximate, true);
  assert.equal(estimateRetrievalCost(gib, 'Bulk', 'eu-central-1').approximate, false);
  assert.equal(formatUsd(1.234), '$1.23');
  assert.equal(formatUsd(0.0025), '$0.0025');
});
