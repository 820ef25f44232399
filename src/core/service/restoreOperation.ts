import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { FrameIndex } from '../archive/frameIndex';
import type { KeyHint, KeyLookup } from '../archive/keyLookup';
import { placeEntry, type ExistingPolicy, type OnExisting } from '../archive/placeFile';
import { restoreMemberFromRange } from '../archive/rangeRestore';
import type { RestoredFile } from '../archive/safeExtract';
import { thawArchive } from '../archive/thaw';
import type { ArchiveRecord } from '../catalogue';
import type { KeyMaterial } from '../crypto/keys';
import { FreezerError } from '../errors';
import { ActivityMeter } from './activityMeter';
import { DOWNLOAD_RESTORE_PLAN, onPlan, RESTORE_PLAN } from './phasePlan';
import { decodePlan, downloadArchive, encodePlan, retrieveArchive, updateFromAws } from './archiveOperations';
import { memberRetrievalRange, retrieveMemberRange } from './partialRetrieval';
import { bucketOfArchive } from './bucketStores';
import { startBucketRestore } from './bucketRestore';
import { exists, type ServiceContext } from './serviceContext';
import type { FileVersion, RestoreRequest, RestoreResult } from './types';
import { toJobInfo } from './viewModels';
import { count } from '../words';

/** Tier used when a restore has to retrieve the archive first and the caller named none. */
export const DEFAULT_RESTORE_TIER = 'Standard';

/**
 * Restores files of an archive into `req.to`: at once when the archive file is local (or its
 * retrieval is ready to download), else by starting a retrieval whose completion does the restore.
 * Every restored file is checked against the SHA-256 the catalogue recorded at freeze time.
 */
export async function restore(ctx: ServiceContext, req: RestoreRequest): Promise<RestoreResult> {
  return restoreArchive(ctx, req, {});
}

async function restoreArchive(ctx: ServiceContext, req: RestoreRequest, o: { flatten?: boolean }): Promise<RestoreResult> {
  const a = await ctx.requireArchive(req.archiveId);
  let onProgress = onPlan(RESTORE_PLAN, req.onProgress);
  if (!(await exists(a.localPath))) {
    const ready = await retrievalReady(ctx, a);
    if (ready === 'pending') return attachToPendingRetrieval(ctx, a, req, o);
    if (ready === 'ready') {
      // One bar across both phases: the download, then the files restored from it.
      onProgress = onPlan(DOWNLOAD_RESTORE_PLAN, req.onProgress);
      await downloadArchive(ctx, a.id, { signal: req.signal, onProgress });
    } else {
      if (!a.glacierId || a.deletedRemote) throw new FreezerError('ArchiveUnavailable', `Archive ${a.id} has no local file and is not in Glacier: it cannot be restored.`);
      const bucket = await bucketOfArchive(ctx, a.vaultId);
      if (bucket) {
        // Bucket archives: one file restores only the segment objects holding its frames.
        const job = await startBucketRestore(ctx, bucket.v, a, { tier: req.tier ?? DEFAULT_RESTORE_TIER, restoreTo: req.to, members: req.members, flatten: o.flatten, onExisting: laterPolicy(req) });
        return { status: 'retrieving', files: [], job };
      }
      // One file of a big archive: retrieve only the bytes holding it.
      const range = o.flatten && req.members?.length === 1
        ? memberRetrievalRange((await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined, req.members[0], a.encryptedSize ?? a.size)
        : undefined;
      if (range) return { status: 'retrieving', files: [], job: await retrieveMemberRange(ctx, a, req.members![0], range, req.to, req.tier ?? DEFAULT_RESTORE_TIER, laterPolicy(req)) };
      const job = await retrieveArchive(ctx, a.id, req.tier ?? DEFAULT_RESTORE_TIER, { restoreTo: req.to, members: req.members, flatten: o.flatten, onExisting: laterPolicy(req) });
      return { status: 'retrieving', files: [], job };
    }
  }
  const now = await ctx.requireArchive(a.id);
  const r = await restoreLocalDetailed(ctx, now, { ...req, onProgress }, o);
  return { status: 'restored', files: r.files, unchanged: r.unchanged, skipped: r.skipped };
}

/** The policy a restore that completes later (no one to ask then) keeps in its job. */
function laterPolicy(req: RestoreRequest): ExistingPolicy | undefined {
  if (typeof req.onExisting === 'string') return req.onExisting;
  return req.overwrite ? 'replace' : undefined;
}

/** Restores one version of one file into the folder `to` (as `to/<name>`), identical to what was frozen. */
export async function restoreFileVersion(
  ctx: ServiceContext, v: FileVersion, to: string, opts: Omit<RestoreRequest, 'archiveId' | 'to' | 'members'> = {},
): Promise<RestoreResult> {
  return restoreArchive(ctx, { ...opts, archiveId: v.archiveId, to, members: [v.memberPath] }, { flatten: true });
}

async function retrievalReady(ctx: ServiceContext, a: ArchiveRecord): Promise<'none' | 'pending' | 'ready'> {
  let job = await ctx.catalogue.latestRetrievalJob(a.id);
  if (!job) return 'none';
  if (job.status === 'InProgress') job = await updateFromAws(ctx, job).catch(() => job!);
  const state = await ctx.stateOf(a);
  return state === 'melting' ? 'pending' : state === 'melted' ? 'ready' : 'none';
}

async function attachToPendingRetrieval(ctx: ServiceContext, a: ArchiveRecord, req: RestoreRequest, o: { flatten?: boolean }): Promise<RestoreResult> {
  const job = (await ctx.catalogue.latestRetrievalJob(a.id))!;
  if (job.restoreTarget && path.resolve(job.restoreTarget) !== path.resolve(req.to)) {
    throw new FreezerError('RetrievalBusy', `Archive ${a.id} is already being retrieved to restore into ${job.restoreTarget}; restore again when it is melted.`);
  }
  const had = decodePlan(job.description);
  if (job.restoreTarget && !!had.flatten !== !!o.flatten) {
    throw new FreezerError('RetrievalBusy', `Archive ${a.id} is already being retrieved for another restore into ${job.restoreTarget}; restore again when it is melted.`);
  }
  // No member list on either side means the whole archive.
  const members = job.restoreTarget && !had.members ? undefined : req.members && (had.members || !job.restoreTarget) ? [...new Set([...(had.members ?? []), ...req.members])] : undefined;
  const rec = await ctx.catalogue.write((tx) => tx.updateJob(job.jobId, { restoreTarget: path.resolve(req.to), description: encodePlan({ members, flatten: o.flatten, onExisting: laterPolicy(req) ?? had.onExisting }) }));
  ctx.emit('jobs');
  return { status: 'retrieving', files: [], job: toJobInfo(rec, a) };
}

/** Member path in the tar → the catalogue's record of it (original path and SHA-256). */
export async function catalogueMembers(ctx: ServiceContext, a: ArchiveRecord): Promise<Map<string, { path: string; sha256: string }>> {
  const [members, index] = await Promise.all([
    ctx.catalogue.read((r) => r.archiveMembers(a.id)),
    ctx.catalogue.getFrameIndex(a.id) as Promise<FrameIndex | undefined>,
  ]);
  const byOffset = new Map(index?.members.map((m) => [m.tarOffset, m.path]) ?? []);
  const out = new Map<string, { path: string; sha256: string }>();
  for (const m of members) {
    const member = (m.tarOffset !== null ? byOffset.get(m.tarOffset) : undefined) ?? legacyMemberPath(m.path);
    out.set(member, { path: m.path, sha256: m.sha256 });
  }
  return out;
}

/** The original tool stored each file by its absolute path without the leading '/'. */
export function legacyMemberPath(original: string): string {
  return original.replace(/^[A-Za-z]:/, '').replace(/^\/+/, '');
}

/** Finds keys for thaw: fzr1 by fingerprint (our key ids), legacy ciphers among the catalogued keys. */
export function keyLookup(ctx: ServiceContext): KeyLookup {
  return async (hint: KeyHint): Promise<KeyMaterial | undefined> => {
    if (hint.format === 'fzr1') return hint.fingerprint ? ctx.keyStore.get(hint.fingerprint) : undefined;
    const candidates: KeyMaterial[] = [];
    for (const k of await ctx.catalogue.listKeys()) {
      if (hint.algorithm && k.algorithm !== hint.algorithm) continue;
      const km = await ctx.keyStore.get(k.id);
      if (km) candidates.push(km);
    }
    return candidates.find((k) => hint.legacyKeyId !== undefined && k.legacyId === hint.legacyKeyId) ?? candidates[0];
  };
}

/** Thaws from the local archive file, verifying every file the catalogue knows; the files written. */
export async function restoreLocal(ctx: ServiceContext, a: ArchiveRecord, req: RestoreRequest, o: { flatten?: boolean } = {}): Promise<string[]> {
  return (await restoreLocalDetailed(ctx, a, req, o)).files;
}

export async function restoreLocalDetailed(
  ctx: ServiceContext, a: ArchiveRecord, req: RestoreRequest, o: { flatten?: boolean } = {},
): Promise<{ files: string[]; unchanged: number; skipped: number }> {
  const onExisting: OnExisting = req.onExisting ?? (req.overwrite ? 'replace' : 'fail');
  const file = a.localPath as string;
  const members = await catalogueMembers(ctx, a);
  const expected = new Map([...members].map(([m, r]) => [m, r.sha256]));
  // Archives known only from an inventory have no catalogued members: nothing to check against.
  for (const m of members.size ? req.members ?? [] : []) {
    if (!members.has(m) && ![...members.keys()].some((k) => k.startsWith(`${m.replace(/\/+$/, '')}/`))) {
      throw new FreezerError('MemberNotFound', `"${m}" is not in archive ${a.id}.`);
    }
  }
  const to = path.resolve(req.to);
  // One file restored as `to/<name>`: extracted beside it first, then renamed into place.
  const dest = o.flatten ? path.join(to, `.freezer-restore-${randomBytes(4).toString('hex')}`) : to;
  const filesTotal = req.members ? [...members.keys()].filter((k) => req.members!.some((m) => k === m || k.startsWith(`${m}/`))).length : members.size;
  const meter = new ActivityMeter('restoring', { filesTotal, bytesTotal: (await fsp.stat(file)).size }, (p) => {
    ctx.setActivity(a.id, p);
    req.onProgress?.(p);
  });
  let restored: RestoredFile[];
  try {
    const index = (await ctx.catalogue.getFrameIndex(a.id)) as FrameIndex | undefined;
    const single = req.members?.length === 1 && members.has(req.members[0]) && index?.members.some((m) => m.path === req.members![0]);
    if (single && index) {
      // Reads only the frames holding the file.
      const fh = await fsp.open(file, 'r');
      try {
        restored = await restoreMemberFromRange({
          index, member: req.members![0], to: dest, onExisting, description: a.description, keys: keyLookup(ctx),
          expectedSha256: expected.get(req.members![0]), signal: req.signal,
          readRange: async (start, end) => {
            const buf = Buffer.alloc(end - start);
            await fh.read(buf, 0, buf.length, start);
            return buf;
          },
        });
      } finally {
        await fh.close();
      }
    } else {
      restored = await thawArchive({
        input: file, to: dest, keys: keyLookup(ctx), description: a.description, members: req.members, onExisting,
        expectedSha256: expected, filesTotal, signal: req.signal,
        onProgress: (p) => meter.update({ filesDone: p.filesDone, bytesDone: p.bytesDone, currentFile: p.currentFile || undefined }),
      });
    }
    if (o.flatten) restored = await flattenInto(to, restored, onExisting);
    meter.finish();
  } finally {
    if (o.flatten) await fsp.rm(dest, { recursive: true, force: true });
    ctx.setActivity(a.id, undefined);
  }
  const files = restored.filter((f) => f.type === 'file');
  const unverified = files.filter((f) => !f.verified && expected.has(f.path));
  if (unverified.length) throw new FreezerError('ChecksumMismatch', `${count(unverified.length, 'restored file')} could not be verified against the catalogue.`);
  const written = files.filter((f) => f.outcome !== 'unchanged' && f.outcome !== 'skipped');
  const unchanged = files.filter((f) => f.outcome === 'unchanged').length;
  const skipped = files.filter((f) => f.outcome === 'skipped').length;
  ctx.log.info('Restored %s of archive %d into %s (%d already there unchanged, %d skipped)', count(written.length, 'file'), a.id, to, unchanged, skipped);
  return { files: written.map((f) => f.target), unchanged, skipped };
}

/** Moves files restored into a scratch folder to `to/<name>`, under the same rules as any restored file. */
export async function flattenInto(to: string, restored: RestoredFile[], onExisting: OnExisting = 'fail'): Promise<RestoredFile[]> {
  const out: RestoredFile[] = [];
  for (const f of restored.filter((x) => x.type === 'file')) {
    const r = await placeEntry({ temp: f.target, target: path.join(to, path.basename(f.target)), member: f.path, sha256: f.sha256, onExisting });
    out.push({ ...f, target: r.target ?? path.join(to, path.basename(f.target)), outcome: r.outcome });
  }
  return out;
}
