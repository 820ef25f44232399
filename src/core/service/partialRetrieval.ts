import fs from 'node:fs/promises';
import path from 'node:path';
import type { FrameIndex } from '../archive/frameIndex';
import { memberArchiveRange, restoreMemberFromRange } from '../archive/rangeRestore';
import type { ArchiveRecord, JobRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { downloadJobOutput } from '../glacier/jobOutputDownloader';
import { describeJob } from '../glacier/jobs';
import { initiateArchiveRetrieval, treeHashAlignedRange, type ByteRange } from '../glacier/retrieval';
import type { ExistingPolicy } from '../archive/placeFile';
import { decodePlan, encodePlan } from './archiveOperations';
import { catalogueMembers, flattenInto, keyLookup } from './restoreOperation';
import type { ServiceContext } from './serviceContext';
import type { JobInfo, Tier } from './types';
import { toJobInfo } from './viewModels';

/**
 * Restoring one file of a frozen archive retrieves only the byte range holding it when that is at
 * most this share of the archive (Glacier bills retrievals by the byte); otherwise the whole archive,
 * which then stays melted for other restores.
 */
export const PARTIAL_RETRIEVAL_MAX_SHARE = 0.5;

/** The archive's size in Glacier (the bytes uploaded). */
const archiveBytes = (a: ArchiveRecord): number => a.encryptedSize ?? a.size;

/** "start-end" of a job for part of its archive, or undefined for the whole archive. */
export function partialRangeOf(job: Pick<JobRecord, 'byteRange'>, a: ArchiveRecord): ByteRange | undefined {
  const m = /^(\d+)-(\d+)$/.exec(job.byteRange ?? '');
  if (!m) return undefined;
  const range = { start: Number(m[1]), end: Number(m[2]) };
  return range.start === 0 && range.end === archiveBytes(a) - 1 ? undefined : range;
}

/**
 * The tree-hash-aligned range of the archive that restoring `member` needs, when retrieving just
 * that is worth it: the catalogue has the archive's frame index (archives Freezer built), the range
 * is at most PARTIAL_RETRIEVAL_MAX_SHARE of the archive, and fzr1 archives' header is in the index.
 */
export function memberRetrievalRange(index: FrameIndex | undefined, member: string, archiveSize: number): ByteRange | undefined {
  if (!index || index.archiveSize !== archiveSize || archiveSize <= 0) return undefined;
  let r;
  try {
    r = memberArchiveRange(index, member);
  } catch {
    return undefined;
  }
  // Without the header in the index, the range must reach back to byte 0 for it.
  const start = index.encryption.format === 'fzr1' && !index.encryption.header ? 0 : r.start;
  const aligned = treeHashAlignedRange(start, r.end - 1, archiveSize);
  return aligned.end - aligned.start + 1 <= archiveSize * PARTIAL_RETRIEVAL_MAX_SHARE ? aligned : undefined;
}

/** Starts a retrieval of the part of archive `a` holding `member`; its completion restores the file into `to`. */
export async function retrieveMemberRange(ctx: ServiceContext, a: ArchiveRecord, member: string, range: ByteRange, to: string, tier: Tier, onExisting?: ExistingPolicy): Promise<JobInfo> {
  if (!a.glacierId || a.deletedRemote) throw new FreezerError('NotInGlacier', `Archive ${a.id} is not in Glacier, so it cannot be retrieved.`);
  const snsTopic = ctx.opts.glacier.snsTopicArn;
  const job = await initiateArchiveRetrieval(ctx.clients, {
    vault: a.vaultName, archiveId: a.glacierId, tier, snsTopic, range, archiveSize: archiveBytes(a), description: `Freezer archive ${a.id}, one file`,
  });
  const got = job.range ?? range;
  const rec = await ctx.catalogue.write((tx) => tx.upsertJob({
    jobId: job.jobId, vaultId: a.vaultId, archiveId: a.id, action: 'ArchiveRetrieval', tier, byteRange: `${got.start}-${got.end}`,
    ...(tx.getJob(job.jobId) ? {} : { status: 'InProgress' }),
    snsTopic: snsTopic ?? null, restoreTarget: path.resolve(to), description: encodePlan({ members: [member], flatten: true, onExisting }),
  }));
  ctx.emit('jobs');
  ctx.log.info('Started %s retrieval %s of bytes %d-%d of archive %d (%d of %d bytes) to restore %s into %s',
    tier, job.jobId, got.start, got.end, a.id, got.end - got.start + 1, archiveBytes(a), member, to);
  return toJobInfo(rec, a);
}

/**
 * Applies a completed partial retrieval: downloads the range (tree-hash verified), restores the one
 * file from it (authenticated by fzr1, checked against the catalogued SHA-256) and drops the range.
 */
export async function applyPartialRetrieval(ctx: ServiceContext, job: JobRecord, a: ArchiveRecord, range: ByteRange, members: string[], signal: AbortSignal): Promise<string[]> {
  const index = (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined;
  if (!index || members.length !== 1 || !job.restoreTarget) throw new FreezerError('PartialRetrieval', `Job ${job.jobId} retrieved part of archive ${a.id}, but the catalogue cannot say which file to restore from it; retrieve the whole archive.`);
  const d = await describeJob(ctx.clients, job.vaultName, job.jobId, signal);
  if (!d.treeHash) throw new FreezerError('NoTreeHash', `Glacier gives no tree hash for job ${job.jobId} (bytes ${job.byteRange}); its bytes cannot be verified. Retrieve the whole archive.`);
  const dest = path.join(ctx.opts.uploadFolder, `.range-${a.id}-${range.start}-${range.end}`);
  await fs.mkdir(ctx.opts.uploadFolder, { recursive: true });
  await downloadJobOutput({
    clients: ctx.clients, vault: job.vaultName, jobId: job.jobId, size: range.end - range.start + 1, expectedTreeHash: d.treeHash, dest,
    concurrency: ctx.opts.glacier.threads, signal, logger: ctx.log,
  });
  const member = members[0];
  const expected = [...(await catalogueMembers(ctx, a))].find(([m]) => m === member)?.[1].sha256;
  const to = path.resolve(job.restoreTarget);
  const scratch = path.join(to, `.freezer-restore-${job.jobId.slice(0, 8)}`);
  const fh = await fs.open(dest, 'r');
  try {
    const restored = await restoreMemberFromRange({
      index, member, to: scratch, description: a.description, keys: keyLookup(ctx), expectedSha256: expected, signal,
      readRange: async (s, e) => {
        if (s < range.start || e > range.end + 1) throw new FreezerError('Corrupt', `Restoring "${member}" needs archive bytes ${s}-${e - 1}, outside the retrieved ${range.start}-${range.end}.`);
        const buf = Buffer.alloc(e - s);
        await fh.read(buf, 0, buf.length, s - range.start);
        return buf;
      },
    });
    if (expected && restored.some((f) => f.type === 'file' && !f.verified)) throw new FreezerError('ChecksumMismatch', `"${member}" could not be verified against the catalogue.`);
    const placed = await flattenInto(to, restored, decodePlan(job.description).onExisting ?? 'fail');
    return placed.filter((f) => f.outcome !== 'skipped' && f.outcome !== 'unchanged').map((f) => f.target);
  } finally {
    await fh.close();
    await fs.rm(scratch, { recursive: true, force: true });
    await fs.rm(dest, { force: true });
  }
}
