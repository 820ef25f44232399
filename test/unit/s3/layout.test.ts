import assert from 'node:assert/strict';
import { test } from 'node:test';
import { archiveIdOfManifest, manifestKey, MIB, newArchiveId, partsOf, segmentCuts, segmentKey, segmentSpans } from '../../../src/core/s3/layout';
import { compositeSha256 } from '../../../src/core/s3/segmentHashes';
import { parseRestoreHeader } from '../../../src/core/s3/objectRestore';
import { partAlignedRange, piecesFor } from '../../../src/core/s3/rangeDownload';
import type { SegmentLayout } from '../../../src/core/storage/coldStore';

test('segments are cut where a frame begins, never longer than the segment size', () => {
  const frames = [0, 3, 7, 9, 14, 18].map((m) => ({ encryptedStart: m * MIB }));
  assert.deepEqual(segmentCuts(20 * MIB, 8 * MIB, 5 * MIB, frames), [0, 7 * MIB, 14 * MIB]);
  // No frame start inside a segment's reach (one huge frame): cut at the size.
  assert.deepEqual(segmentCuts(20 * MIB, 8 * MIB, 5 * MIB, [{ encryptedStart: 0 }]), [0, 8 * MIB, 16 * MIB]);
  assert.deepEqual(segmentCuts(5, 8 * MIB, 5 * MIB), [0]);
  assert.throws(() => segmentCuts(1, 60_000 * MIB, 5 * MIB), /10000 parts/);
});

test('parts: 5 MiB…, the last one shorter', () => {
  assert.deepEqual(partsOf(12 * MIB, 5 * MIB), [{ start: 0, end: 5 * MIB }, { start: 5 * MIB, end: 10 * MIB }, { start: 10 * MIB, end: 12 * MIB }]);
  assert.deepEqual(partsOf(0, 5 * MIB), [{ start: 0, end: 0 }]);
});

test('keys: manifests apart from data, segments numbered in order, archive ids recognised', () => {
  const id = newArchiveId(new Date('2026-12-01T20:15:00.123Z'));
  assert.match(id, /^20261201T201500Z-[0-9a-f]{12}$/);
  assert.equal(manifestKey('b/', id), `b/freezer/v1/manifests/${id}.json.gz`);
  assert.equal(segmentKey('b/', id, 12), `b/freezer/v1/data/${id}/000012`);
  assert.equal(archiveIdOfManifest('b/', manifestKey('b/', id)), id);
  assert.equal(archiveIdOfManifest('b/', `b/freezer/v1/manifests/other.json.gz`), undefined);
  assert.equal(archiveIdOfManifest('', manifestKey('b/', id)), undefined);
});

test('composite SHA-256 is the digest of the part digests with -N; never the whole-object hash', () => {
  const a = Buffer.alloc(32, 1).toString('base64');
  const b = Buffer.alloc(32, 2).toString('base64');
  assert.match(compositeSha256([a, b]), /^[A-Za-z0-9+/]+=*-2$/);
  assert.notEqual(compositeSha256([a, b]), compositeSha256([b, a]));
});

test('x-amz-restore: in progress, then restored until its expiry', () => {
  assert.deepEqual(parseRestoreHeader('ongoing-request="true"'), { ongoing: true });
  assert.deepEqual(parseRestoreHeader('ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"'), { ongoing: false, expiry: '2012-12-21T00:00:00.000Z' });
  assert.equal(parseRestoreHeader(undefined), undefined);
});

test('a range is widened to whole parts of the segments holding it', () => {
  const seg = (i: number, offset: number, size: number): SegmentLayout => ({ key: `k${i}`, offset, size, overlap: 0, sha256: '', partSize: 5 * MIB, partSha256: [] });
  const segs = [seg(0, 0, 12 * MIB), seg(1, 12 * MIB, 8 * MIB)];
  assert.deepEqual(partAlignedRange(segs, { start: 6 * MIB, end: 6 * MIB + 10 }), { start: 5 * MIB, end: 10 * MIB - 1 });
  assert.deepEqual(partAlignedRange(segs, { start: 11 * MIB, end: 13 * MIB }), { start: 10 * MIB, end: 17 * MIB - 1 });
  assert.deepEqual(piecesFor(segs, { start: 11 * MIB, end: 13 * MIB }).map((p) => [p.segment.key, p.index]), [['k0', 2], ['k1', 0]]);
});

test('segments overlap by what the frame before a cut still needs, so every frame lies in one segment', () => {
  // Frames sharing an encryption chunk at their boundary (as with fzr1): frame i ends inside frame i+1's first chunk.
  const frames = [0, 3, 7, 9, 14, 18].map((m, i, all) => ({ encryptedStart: m * MIB, encryptedEnd: (i + 1 < all.length ? all[i + 1] * MIB + 1000 : 20 * MIB) }));
  const spans = segmentSpans(20 * MIB, segmentCuts(20 * MIB, 8 * MIB, 5 * MIB, frames), frames);
  assert.deepEqual(spans, [
    { offset: 0, size: 7 * MIB + 1000, overlap: 1000 },
    { offset: 7 * MIB, size: 7 * MIB + 1000, overlap: 1000 },
    { offset: 14 * MIB, size: 6 * MIB, overlap: 0 },
  ]);
  for (const f of frames) assert.equal(spans.filter((s) => s.offset <= f.encryptedStart && f.encryptedEnd <= s.offset + s.size).length >= 1, true);
  const segs = spans.map((s, i) => ({ ...s, key: `k${i}`, sha256: '', partSize: 5 * MIB, partSha256: [] }));
  // Frame [3 MiB, 7 MiB + 1000) reads only segment 0, although its last chunk is also segment 1's first.
  assert.deepEqual([...new Set(piecesFor(segs, { start: 3 * MIB, end: 7 * MIB + 999 }).map((p) => p.segment.key))], ['k0']);
  assert.deepEqual([...new Set(piecesFor(segs, { start: 6 * MIB, end: 8 * MIB }).map((p) => p.segment.key))], ['k0', 'k1']);
});
