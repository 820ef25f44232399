import { MIB } from '../../hash/treeHash';
import { AwsError, invalidParameter } from '../awsError';

/** Parses InitiateJob's `RetrievalByteRange` ("start-end"): MiB-aligned as AWS requires. */
export function parseRetrievalByteRange(spec: string, size: number): { start: number; end: number } {
  const m = /^(\d+)-(\d+)$/.exec(spec);
  if (!m) throw invalidParameter(`Invalid RetrievalByteRange "${spec}": expected "StartByte-EndByte".`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (start > end || end >= size) {
    throw invalidParameter(`RetrievalByteRange ${spec} is outside the archive (${size} bytes).`);
  }
  if (start % MIB !== 0) throw invalidParameter(`RetrievalByteRange start ${start} must be megabyte aligned (a multiple of 1048576).`);
  if ((end + 1) % MIB !== 0 && end !== size - 1) {
    throw invalidParameter(`RetrievalByteRange end ${end} must be one less than a multiple of 1048576, or the last byte of the archive.`);
  }
  return { start, end };
}

/**
 * True when [start, end] of an archive of `size` bytes is tree-hash aligned: its tree hash is a node of
 * the archive's tree (a power-of-two run of MiB leaves, aligned to its own length, possibly cut short by
 * the end of the archive).
 */
export function isTreeHashAligned(start: number, end: number, size: number): boolean {
  if (start % MIB !== 0) return false;
  const len = end - start + 1;
  let span = MIB;
  while (span < len) span *= 2;
  if (start % span !== 0) return false;
  return len === span || end === size - 1;
}

/** Parses a GetJobOutput `Range: bytes=a-b` (or `bytes=a-`, `bytes=-n`) against an output of `size` bytes. */
export function parseHttpRange(header: string, size: number): { start: number; end: number } {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) throw invalidParameter(`Invalid Range header "${header}": expected bytes=StartByte-EndByte.`);
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) {
    throw new AwsError(416, 'InvalidParameterValueException', `Range ${header} is not satisfiable for an output of ${size} bytes.`);
  }
  return { start, end };
}
