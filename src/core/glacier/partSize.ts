import { FreezerError } from '../errors';
import { MIB, isValidPartSize } from '../hash/treeHash';

export const MAX_PARTS = 10_000;
export const MIN_PART_SIZE = MIB;
export const MAX_PART_SIZE = 4 * 1024 * MIB;
/** Largest archive Glacier accepts: 10,000 parts of 4 GiB (~40 TiB). */
export const MAX_ARCHIVE_SIZE = MAX_PARTS * MAX_PART_SIZE;

/**
 * The part size for an archive: the override when given (validated), else the smallest
 * 1 MiB × 2^n that keeps the upload within 10,000 parts. Small parts resume cheaply; the
 * override lets users trade that for fewer requests.
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
      throw new FreezerError('InvalidPartSize', `Part size ${override / MIB} MiB would split this ${totalSize}-byte archive into more than ${MAX_PARTS} parts; use at least ${choosePartSize(totalSize) / MIB} MiB.`);
    }
    return override;
  }
  let size = MIN_PART_SIZE;
  while (Math.ceil(totalSize / size) > MAX_PARTS) size *= 2;
  return size;
}

/** Number of parts for an archive (at least one, even when empty). */
export function partCount(totalSize: number, partSize: number): number {
  return Math.max(1, Math.ceil(totalSize / partSize));
}
