import { FreezerError } from '../errors';
import type { ServiceContext } from './serviceContext';
import type { ArchiveMember } from './types';

/** Largest page one call returns: a page is built in memory and, in the extension, sent to a webview. */
export const MAX_MEMBERS_PAGE = 10_000;

/**
 * The files an archive holds, by original path, in tar order; paged so a 100,000-file archive is read
 * a slice at a time. Archive and members come from one catalogue read, so `total` matches the pages.
 */
export async function listArchiveMembers(
  ctx: ServiceContext, id: number, page: { offset: number; limit: number } = { offset: 0, limit: MAX_MEMBERS_PAGE },
): Promise<{ items: ArchiveMember[]; total: number }> {
  const offset = Math.max(0, Math.trunc(page.offset));
  const limit = Math.min(MAX_MEMBERS_PAGE, Math.max(0, Math.trunc(page.limit)));
  const found = await ctx.catalogue.read((r) => {
    const a = r.getArchive(id);
    return a && { total: a.fileCount, rows: limit ? r.archiveMembers(id, { offset, limit }) : [] };
  });
  if (!found) throw new FreezerError('ArchiveNotFound', `No archive with id ${id} in the catalogue; refresh the view.`);
  const items = found.rows.map((m): ArchiveMember => ({
    path: m.path, size: m.size, sha256: m.sha256, ...(m.mtimeMs === null ? {} : { mtimeMs: m.mtimeMs }),
  }));
  return { items, total: found.total };
}
