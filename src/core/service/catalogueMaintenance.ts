import type { ArchiveRecord } from '../catalogue';
import { count } from '../words';
import { exists, type ServiceContext } from './serviceContext';

/** What a clean-up removed from the catalogue. */
export interface CleanUpResult {
  /** Archives gone from Glacier and from this disk whose file lists were dropped (their rows stay, for inventories). */
  archives: number;
  /** Files (name, size, SHA-256) that are in no archive any more. */
  files: number;
}

export function describeCleanUp(r: CleanUpResult): string {
  if (!r.archives && !r.files) return 'The catalogue is clean: every file in it is in an archive you still have.';
  return `Removed ${count(r.files, 'file')} that ${r.files === 1 ? 'is' : 'are'} in no archive any more${r.archives ? `, from ${count(r.archives, 'archive')} gone from Glacier and from this disk` : ''}.`;
}

/** Gone from Glacier and with no local copy: nothing of it can ever be restored. */
async function isGone(a: ArchiveRecord): Promise<boolean> {
  return a.deletedRemote && !(a.localPath && (await exists(a.localPath)));
}

/**
 * Database maintenance: archives deleted from Glacier with no local file keep their row (so a later
 * inventory, which lags a day behind, does not bring them back) but no longer list files; then files
 * in no archive are deleted. `only` limits the first step to those archives (after a removal).
 */
export async function cleanUpCatalogue(ctx: ServiceContext, only?: number[]): Promise<CleanUpResult> {
  const candidates = only
    ? (await Promise.all(only.map((id) => ctx.catalogue.getArchive(id)))).filter((a): a is ArchiveRecord => !!a)
    : await ctx.catalogue.listArchives();
  const gone: number[] = [];
  for (const a of candidates) if (a.fileCount > 0 && (await isGone(a))) gone.push(a.id);
  const result = await ctx.catalogue.write((tx) => {
    for (const id of gone) tx.forgetMembers(id);
    return { archives: gone.length, files: tx.removeOrphanFiles() };
  });
  if (result.archives || result.files) {
    ctx.log.info('Catalogue clean-up: %s', describeCleanUp(result));
    ctx.emit('files', 'archives');
  }
  return result;
}
