import { FreezerError } from '../errors';
import { MIB } from '../hash/treeHash';
import { GlacierClients } from './clients';
import { initiateJobOnce } from './jobToken';

export type RetrievalTier = 'Expedited' | 'Standard' | 'Bulk';
export const RETRIEVAL_TIERS: readonly RetrievalTier[] = ['Expedited', 'Standard', 'Bulk'];

/** An inclusive byte range, as Glacier writes it ("start-end"). */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * The smallest tree-hash-aligned range holding [start, end] of an archive of `archiveSize` bytes:
 * a whole node of the archive's tree hash (2^n MiB starting at a multiple of 2^n MiB, cut at the
 * archive's end). Only for such ranges does Glacier return a tree hash we can check the bytes with.
 */
export function treeHashAlignedRange(start: number, end: number, archiveSize: number): ByteRange {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start || end >= archiveSize) {
    throw new FreezerError('InvalidRange', `Byte range ${start}-${end} is not inside the archive (0-${archiveSize - 1}).`);
  }
  let unit = MIB;
  while (Math.floor(start / unit) !== Math.floor(end / unit)) unit *= 2;
  const a = Math.floor(start / unit) * unit;
  return { start: a, end: Math.min(a + unit, archiveSize) - 1 };
}

/** True when the range is a node of the archive's tree hash (see `treeHashAlignedRange`). */
export function isTreeHashAligned(range: ByteRange, archiveSize: number): boolean {
  const aligned = treeHashAlignedRange(range.start, range.end, archiveSize);
  return aligned.start === range.start && aligned.end === range.end;
}

export interface ArchiveRetrievalRequest {
  vault: string;
  archiveId: string;
  tier: RetrievalTier;
  /** Part of the archive only; widened to a tree-hash-aligned range (needs `archiveSize`). */
  range?: ByteRange;
  archiveSize?: number;
  snsTopic?: string;
  description?: string;
}

export interface InitiatedJob {
  jobId: string;
  /** The range actually requested, when partial. */
  range?: ByteRange;
}

/** Starts an archive retrieval job; its output can be downloaded when the job completes. */
export async function initiateArchiveRetrieval(clients: GlacierClients, req: ArchiveRetrievalRequest): Promise<InitiatedJob> {
  if (!RETRIEVAL_TIERS.includes(req.tier)) throw new FreezerError('InvalidTier', `Unknown retrieval tier "${req.tier}"; use Expedited, Standard or Bulk.`);
  let range: ByteRange | undefined;
  if (req.range) {
    if (req.archiveSize === undefined) throw new FreezerError('InvalidRange', 'A partial retrieval needs the archive size to align its range.');
    range = treeHashAlignedRange(req.range.start, req.range.end, req.archiveSize);
    if (range.start === 0 && range.end === req.archiveSize - 1) range = undefined;
  }
  const out = await initiateJobOnce(clients, req.vault, {
    Type: 'archive-retrieval',
    ArchiveId: req.archiveId,
    Tier: req.tier,
    Description: req.description,
    SNSTopic: req.snsTopic,
    RetrievalByteRange: range ? `${range.start}-${range.end}` : undefined,
  });
  if (!out.jobId) throw new FreezerError('JobFailed', `Glacier did not return a job id for the retrieval of archive ${req.archiveId}.`);
  return { jobId: out.jobId, range };
}

/** Starts a JSON inventory job for a vault. */
export async function initiateInventoryRetrieval(clients: GlacierClients, req: { vault: string; snsTopic?: string; description?: string }): Promise<InitiatedJob> {
  const out = await initiateJobOnce(clients, req.vault, { Type: 'inventory-retrieval', Format: 'JSON', SNSTopic: req.snsTopic, Description: req.description });
  if (!out.jobId) throw new FreezerError('JobFailed', `Glacier did not return a job id for the inventory of vault ${req.vault}.`);
  return { jobId: out.jobId };
}
