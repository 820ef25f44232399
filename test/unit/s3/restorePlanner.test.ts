import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RESTORE_DAYS, planRemoval, planRestore, estimateStorage, type PlannedObject } from '../../../src/core/s3/restorePlanner';
import { segmentsForRange } from '../../../src/core/s3/segmentRanges';
import { S3_PRICE_TABLES } from '../../../src/core/s3/prices';

const MIB = 1024 * 1024;
const GB = 1024 ** 3;
const now = new Date('2026-12-01T12:00:00Z');
const seg = (i: number, storageClass: PlannedObject['storageClass'] = 'DEEP_ARCHIVE', extra: Partial<PlannedObject> = {}): PlannedObject => ({
  key: `p/a1/seg-${i}`, bytes: 32 * MIB, storageClass, readBytes: MIB, ...extra,
});

test('a 1 MiB file in one 32 MiB Deep Archive segment: one request, 32 MiB restored, 1 MiB downloaded, no Expedited', () => {
  const p = planRestore({ region: 'us-east-1', objects: [seg(3)], archiveBytes: 200 * MIB, now });
  assert.equal(p.restoreBytes, 32 * MIB);
  assert.equal(p.downloadBytes, MIB);
  assert.equal(p.archiveBytes, 200 * MIB);
  assert.equal(p.days, DEFAULT_RESTORE_DAYS);
  assert.equal(p.approximate, false);
  assert.equal(p.pricesAsOf, S3_PRICE_TABLES['us-east-1'].asOf);
  const [exp, std, bulk] = p.tiers;
  assert.equal(exp.tier, 'Expedited');
  assert.equal(exp.available, false);
  assert.match(exp.note ?? '', /Deep Archive/);
  assert.deepEqual([std.tier, std.available, std.waitText], ['Standard', true, 'within 12 h']);
  assert.deepEqual([bulk.tier, bulk.waitText], ['Bulk', 'within 48 h']);
  // Standard: $0.02/GB + $0.10/1000 requests + copy at $0.023/GB-month × 3/30 + transfer out $0.09/GB of 1 MiB.
  const gb = 32 * MIB / GB;
  assert.ok(Math.abs(std.retrievalUsd - gb * 0.02) < 1e-12);
  assert.ok(Math.abs(std.requestUsd - 0.0001) < 1e-12);
  assert.ok(Math.abs(std.restoredCopyUsd - gb * 0.023 * 0.1) < 1e-12);
  assert.ok(Math.abs(std.transferOutUsd - (MIB / GB) * 0.09) < 1e-12);
  assert.ok(Math.abs(std.totalUsd - (std.retrievalUsd + std.requestUsd + std.restoredCopyUsd + std.transferOutUsd)) < 1e-12);
  assert.ok(bulk.totalUsd < std.totalUsd);
});

test('Flexible Retrieval offers Expedited, with a caveat for objects of 250 MB or more', () => {
  const small = planRestore({ region: 'us-east-1', objects: [seg(0, 'GLACIER')], now });
  assert.deepEqual(small.tiers.map((t) => [t.tier, t.available, t.waitText]), [['Expedited', true, '1–5 min'], ['Standard', true, '3–5 h'], ['Bulk', true, '5–12 h']]);
  assert.equal(small.tiers[0].note, undefined);
  const big = planRestore({ region: 'us-east-1', objects: [seg(0, 'GLACIER', { bytes: 300 * 1000 * 1000 })], now });
  assert.match(big.tiers[0].note ?? '', /250 MB/);
  // Bulk retrieval of Flexible Retrieval is free per GB and per request.
  assert.equal(big.tiers[2].retrievalUsd, 0);
});

test('objects already restored are read; a copy near expiry is renewed (request only); a running restore is waited for', () => {
  const p = planRestore({
    region: 'us-east-1', now, objects: [
      seg(0, 'DEEP_ARCHIVE', { restore: { ongoing: false, expiry: '2026-12-05T00:00:00Z' } }),
      seg(1, 'DEEP_ARCHIVE', { restore: { ongoing: false, expiry: '2026-12-01T15:00:00Z' } }),
      seg(2, 'DEEP_ARCHIVE', { restore: { ongoing: true } }),
      seg(3, 'DEEP_ARCHIVE', { restore: { ongoing: false, expiry: '2026-11-30T00:00:00Z' } }),
    ],
  });
  assert.deepEqual(p.objects.map((o) => o.action), ['read', 'renew', 'wait', 'restore']);
  assert.equal(p.restoreBytes, 32 * MIB);
  const std = p.tiers.find((t) => t.tier === 'Standard')!;
  assert.equal(std.requests, 2);
  assert.ok(Math.abs(std.retrievalUsd - (32 * MIB / GB) * 0.02) < 1e-12);
});

test('nothing to restore: no tiers, only the cost of reading', () => {
  const p = planRestore({ region: 'us-east-1', now, objects: [seg(0, 'GLACIER_IR', { readBytes: GB })] });
  assert.deepEqual(p.tiers, []);
  assert.ok(Math.abs(p.readNowUsd - (0.09 + 0.03)) < 1e-12);
  assert.equal(p.approximate, true);
});

test('a region missing from the table is priced as us-east-1 and marked approximate', () => {
  const p = planRestore({ region: 'ap-southeast-7', now, objects: [seg(0)] });
  assert.equal(p.approximate, true);
  assert.equal(p.region, 'ap-southeast-7');
  assert.throws(() => planRestore({ region: 'us-east-1', objects: [seg(0)], days: 0 }), /whole number of days/);
});

test('early deletion bills what is left of the 180/90-day minimum, nothing for STANDARD or old objects', () => {
  const p = planRemoval({
    region: 'us-east-1', now, objects: [
      { key: 'a', bytes: GB, storageClass: 'DEEP_ARCHIVE', uploaded: '2026-11-01T12:00:00Z' },
      { key: 'b', bytes: GB, storageClass: 'GLACIER', uploaded: '2026-01-01T00:00:00Z' },
      { key: 'm', bytes: 4096, storageClass: 'STANDARD', uploaded: '2026-11-30T00:00:00Z' },
      { key: 'i', bytes: 1000, storageClass: 'GLACIER_IR', uploaded: '2026-12-01T12:00:00Z' },
    ],
  });
  const [a, b, m, i] = p.objects;
  assert.equal(Math.round(a.daysStored), 30);
  assert.equal(Math.round(a.daysLeft), 150);
  assert.ok(Math.abs(a.chargeUsd - ((GB + 32 * 1024) / GB) * 0.00099 * (150 / 30)) < 1e-9);
  assert.equal(b.chargeUsd, 0);
  assert.equal(m.chargeUsd, 0);
  // GLACIER_IR bills at least 128 KB for 90 days.
  assert.ok(Math.abs(i.chargeUsd - (128 * 1024 / GB) * 0.004 * 3) < 1e-12);
  assert.equal(p.freeFrom, '2027-04-30T12:00:00.000Z');
  assert.ok(Math.abs(p.totalUsd - (a.chargeUsd + i.chargeUsd)) < 1e-12);
});

test('storage estimate counts the per-object overhead and the PUT requests', () => {
  const e = estimateStorage(200 * MIB, 7, 'DEEP_ARCHIVE', 'us-east-1', 7);
  const expected = ((200 * MIB + 7 * 32 * 1024) / GB) * 0.00099 + ((7 * 8 * 1024) / GB) * 0.023;
  assert.ok(Math.abs(e.monthlyUsd - expected) < 1e-12);
  assert.ok(Math.abs(e.uploadUsd - (21 / 1000) * 0.05) < 1e-12);
});

test('the segments holding a byte range, with the range to read from each', () => {
  const segs = [0, 1, 2, 3].map((i) => ({ key: `s${i}`, offset: i * 32 * MIB, length: i === 3 ? 10 : 32 * MIB }));
  assert.deepEqual(segmentsForRange(segs, 33 * MIB, 34 * MIB).map((s) => [s.segment.key, s.first, s.last]), [['s1', MIB, 2 * MIB - 1]]);
  assert.deepEqual(segmentsForRange(segs, 32 * MIB - 5, 32 * MIB + 5).map((s) => [s.segment.key, s.first, s.last]), [['s0', 32 * MIB - 5, 32 * MIB - 1], ['s1', 0, 4]]);
  assert.deepEqual(segmentsForRange(segs, 96 * MIB, 96 * MIB + 10).map((s) => s.segment.key), ['s3']);
  assert.throws(() => segmentsForRange(segs, 0, 96 * MIB + 11), /past the last segment/);
  assert.throws(() => segmentsForRange([segs[0], segs[2]], 0, 1), /gap or overlap/);
});

test('the plan as the UI and CLI show it says what is restored, downloaded, each tier and that it is an estimate', async () => {
  const { describeRestorePlan, describeRemovalPlan } = await import('../../../src/core/s3/planText');
  const lines = describeRestorePlan(planRestore({ region: 'us-east-1', objects: [seg(3)], archiveBytes: 200 * MIB, now }));
  assert.equal(lines[0], "Restores 1 object (32 MiB of the archive's 200 MiB) for 3 days, then downloads 1.0 MiB.");
  assert.match(lines[1], /Expedited: not offered for Glacier Deep Archive/);
  assert.match(lines[2], /^ {2}Standard: within 12 h, \$0\.00\d+$/);
  assert.match(lines.at(-1)!, /estimate, us-east-1 list prices as of 2026-12-01/);
  const approx = describeRestorePlan(planRestore({ region: 'eu-north-1', objects: [seg(3)], now }));
  assert.match(approx.at(-1)!, /approximate estimate, eu-north-1/);
  const rm = describeRemovalPlan(planRemoval({ region: 'us-east-1', now, objects: [{ key: 'a', bytes: 10 * GB, storageClass: 'DEEP_ARCHIVE', uploaded: '2026-11-01T12:00:00Z' }] }));
  assert.match(rm, /bills about \$0\.05 .*free from 2027-04-30/);
});
