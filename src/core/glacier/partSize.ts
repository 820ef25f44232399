import { FreezerError } from '../errors';
import { MIB, isValidPartSize } from '../hash/treeHash';

export const MAX_PARTS = 10_000;
export const MIN_PART_SIZE = MIB;
export const MAX_PART_SIZE = 4 * 1024 * MIB;
/** Largest archive Glacier accepts: 10,000 parts of 4 GiB (~40 TiB). */
export const MAX_ARCHIVE_SIZE = MAX_PARTS * MAX_PART_SIZE;

/** Default parts grow up to this size: fewer requests (each one acknowledged and recorded), still cheap to resend. */
export const DEFAULT_MAX_PART_SIZE = 8 * MIB;
/** Parts an archive is split into, at least, before the default part size grows past 1 MiB. */
const TARGET_PARTS = 16;

/**
 * The part size for an archive: the override when given (validated), else 1 MiB × 2^n, the smallest
 * that splits the archive into at most 16 parts, capped at 8 MiB (memory is part size × parts in
 * flight) and grown past that only to stay within 10,000 parts. Each part costs a request, a tree
 * hash check and a session record; 1 MiB parts made the upload of a 124 MiB archive to a local
 * endpoint slower than packing it. The override lets users pick other trade-offs.
 */
export function choosePartSize(totalSize: number, override?: number): number {
  if (!Number.isSafeInteger(totalSize) || totalSize < 0) throw new FreezerError('InvalidArchiveSize', `Invalid archive size ${totalSize}.`);
  if (totalSize > MAX_ARCHIVE_SIZE) {
    throw new FreezerError('ArchiveTooLarge', `The archive is ${totalSize} bytes; Glacier accepts at most ${MAX_ARCHIVE_SIZE} bytes (10,000 parts of 4 GiB). Split the folder into several archives.`);
  }
  if (override !== undefined) {
    if (!isValidPartSize(override)) {
      throw new FreezerError('InvalidPartSize', `Part size ${override} is not valid: it must be 1 MiB times a power of two (1, 2, 4, … 4096 MiB).`);
    }
    if (Math.ceil(totalSize / override) > MAX_PARTS) {
      throw new FreezerError('InvalidPartSize', `Part size ${override / MIB} MiB would split this ${totalSize}-byte archive into more than ${MAX_PARTS} parts; use at least ${smallestPartSize(totalSize) / MIB} MiB.`);
    }
    return override;
  }
  let size = MIN_PART_SIZE;
  while (size < DEFAULT_MAX_PART_SIZE && Math.ceil(totalSize / size) > TARGET_PARTS) size *= 2;
  return Math.max(size, smallestPartSize(totalSize));
}

/** The smallest valid part size that keeps an archive within 10,000 parts. */
function smallestPartSize(totalSize: number): number {
  let size = MIN_PART_SIZE;
  while (Math.ceil(totalSize / size) > MAX_PARTS) size *= 2;
  return size;
}

/** Number of parts for an archive (at least one, even when empty). */
export function partCount(totalSize: number, partSize: number): number {
  return Math.max(1, Math.ceil(totalSize / partSize));
}
