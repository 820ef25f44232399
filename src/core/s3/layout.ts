import { randomBytes } from 'node:crypto';
import { FreezerError } from '../errors';
import type { FrameEntry } from '../archive/frameIndex';

export interface SegmentSpan { offset: number; size: number; overlap: number }

/**
 * Where an archive's objects live in a bucket (docs/S3.md):
 *   <prefix>freezer/v1/manifests/<id>.json.gz    the manifest, STANDARD; written last, so it marks a whole archive
 *   <prefix>freezer/v1/data/<id>/<nnnnnn>        segment n (6 digits, from 000000), in the archive's class
 */
export const LAYOUT_ROOT = 'freezer/v1/';
export const MIB = 1024 * 1024;
export const MIN_PART_SIZE = 5 * MIB;
export const MAX_PART_SIZE = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 16 * MIB;
export const DEFAULT_SEGMENT_SIZE = 256 * MIB;

export const manifestsPrefix = (prefix: string) => `${prefix}${LAYOUT_ROOT}manifests/`;
export const manifestKey = (prefix: string, id: string) => `${manifestsPrefix(prefix)}${id}.json.gz`;
export const dataPrefix = (prefix: string, id: string) => `${prefix}${LAYOUT_ROOT}data/${id}/`;
export const segmentKey = (prefix: string, id: string, index: number) => `${dataPrefix(prefix, id)}${String(index).padStart(6, '0')}`;

/** The archive id of a manifest key, or undefined for any other key. */
export function archiveIdOfManifest(prefix: string, key: string): string | undefined {
  const p = manifestsPrefix(prefix);
  if (!key.startsWith(p) || !key.endsWith('.json.gz')) return undefined;
  const id = key.slice(p.length, -'.json.gz'.length);
  return ARCHIVE_ID.test(id) ? id : undefined;
}

const ARCHIVE_ID = /^\d{8}T\d{6}Z-[0-9a-f]{12}$/;

/** A new archive id: UTC time (sorts by age in listings) and 48 random bits. */
export function newArchiveId(now = new Date()): string {
  const t = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${t}-${randomBytes(6).toString('hex')}`;
}

export function checkArchiveId(id: string): void {
  if (!ARCHIVE_ID.test(id)) throw new FreezerError('InvalidArchiveId', `"${id}" is not a Freezer archive id of a bucket (yyyymmddThhmmssZ-<12 hex digits>).`);
}

export function checkPartSize(partSize: number): void {
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_SIZE || partSize > MAX_PART_SIZE) {
    throw new FreezerError('InvalidPartSize', `S3 parts are 5 MiB to 5 GiB; ${partSize} bytes is not.`);
  }
}

/**
 * Cuts an archive of `size` bytes into segments of at most `segmentSize` bytes. With a frame index
 * the cuts fall where a frame's bytes begin (`encryptedStart`), so a member usually lies in one
 * segment; a frame larger than a segment is cut inside. Returns the segments' start offsets.
 */
export function segmentCuts(size: number, segmentSize: number, partSize: number, frames?: readonly Pick<FrameEntry, 'encryptedStart'>[]): number[] {
  if (!Number.isSafeInteger(segmentSize) || segmentSize < 1) throw new FreezerError('InvalidSegmentSize', `Segment size ${segmentSize} is not a positive number of bytes.`);
  if (segmentSize > partSize * MAX_PARTS) throw new FreezerError('InvalidSegmentSize', `A segment of ${segmentSize} bytes needs more than ${MAX_PARTS} parts of ${partSize} bytes.`);
  const starts = [...new Set((frames ?? []).map((f) => f.encryptedStart))].filter((s) => s > 0 && s < size).sort((a, b) => a - b);
  const cuts = [0];
  let j = 0;
  while (size - cuts[cuts.length - 1] > segmentSize) {
    const from = cuts[cuts.length - 1];
    const limit = from + segmentSize;
    // The last frame start within (from, limit]; none (a huge frame): cut at the limit.
    while (j < starts.length && starts[j] <= from) j++;
    let best = -1;
    for (let k = j; k < starts.length && starts[k] <= limit; k++) best = starts[k];
    cuts.push(best > from ? best : limit);
  }
  return cuts;
}

/** Parts of a segment: [start, end) relative to the segment. */
export function partsOf(segmentSize: number, partSize: number): { start: number; end: number }[] {
  const n = Math.max(1, Math.ceil(segmentSize / partSize));
  return Array.from({ length: n }, (_, i) => ({ start: i * partSize, end: Math.min(segmentSize, (i + 1) * partSize) }));
}

/**
 * The segments for `cuts`: each reaches past the next cut by the bytes the frame before that cut
 * still needs (with fzr1, the rest of the chunk the next frame begins in), so restoring any frame
 * restores one segment. Without frames, segments do not overlap.
 */
export function segmentSpans(size: number, cuts: readonly number[], frames?: readonly Pick<FrameEntry, 'encryptedStart' | 'encryptedEnd'>[]): SegmentSpan[] {
  return cuts.map((offset, i) => {
    const next = i + 1 < cuts.length ? cuts[i + 1] : size;
    let reach = next;
    for (const f of frames ?? []) if (f.encryptedStart < next && f.encryptedEnd > reach) reach = f.encryptedEnd;
    const end = Math.min(size, i + 1 < cuts.length ? reach : size);
    return { offset, size: end - offset, overlap: end - next };
  });
}
