/** A segment object of an archive: bytes [offset, offset + length) of the archive file. */
export interface SegmentSpan {
  key: string;
  offset: number;
  length: number;
}

/**
 * The segments holding archive bytes [start, end) and, for each, the range to GET from it (inclusive
 * `first`..`last` within the segment). Segments must be sorted and contiguous from 0.
 */
export function segmentsForRange<S extends SegmentSpan>(segments: readonly S[], start: number, end: number): { segment: S; first: number; last: number }[] {
  if (!(start >= 0 && end > start)) throw new RangeError(`Empty or negative archive range ${start}-${end}.`);
  const out: { segment: S; first: number; last: number }[] = [];
  let expected = 0;
  for (const s of segments) {
    if (s.offset !== expected) throw new RangeError(`Segment ${s.key} starts at ${s.offset}, expected ${expected}: the segment list has a gap or overlap.`);
    expected = s.offset + s.length;
    const lo = Math.max(start, s.offset);
    const hi = Math.min(end, s.offset + s.length);
    if (lo < hi) out.push({ segment: s, first: lo - s.offset, last: hi - s.offset - 1 });
  }
  if (end > expected) throw new RangeError(`Archive range ${start}-${end} reaches past the last segment (archive of ${expected} bytes).`);
  return out;
}
