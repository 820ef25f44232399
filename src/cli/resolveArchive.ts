import { FreezerError } from '../core/errors';
import type { FreezerService } from '../core/service/service';
import type { ArchiveInfo } from '../core/service/types';
import { UsageError } from './exitCodes';

/**
 * Finds an archive by catalogue id, Glacier archive id or name (optionally within one vault).
 * A name several archives share is refused with their ids, so scripts never act on the wrong one.
 */
export async function resolveArchive(svc: FreezerService, ref: string, vault?: string): Promise<ArchiveInfo> {
  if (/^\d+$/.test(ref)) {
    const a = await svc.getArchive(Number(ref));
    if (a && (!vault || a.vault === vault)) return a;
  }
  const matches = (await allArchives(svc, vault)).filter((a) => a.glacierId === ref || a.name === ref || a.localFile === ref);
  const exact = matches.filter((a) => a.glacierId === ref);
  if (exact.length === 1) return exact[0];
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    throw new UsageError(`"${ref}" names ${matches.length} archives (ids ${matches.map((a) => a.id).join(', ')}): give the id instead.`);
  }
  throw new FreezerError('ArchiveNotFound', `No archive "${ref}"${vault ? ` in vault ${vault}` : ''} in the catalogue. List them with: freezer archives VAULT`);
}

/** Every archive the catalogue knows, in one vault or in all. */
export async function allArchives(svc: FreezerService, vault?: string): Promise<ArchiveInfo[]> {
  const vaults = vault ? [vault] : (await svc.listVaults()).map((v) => v.name);
  const out: ArchiveInfo[] = [];
  for (const v of vaults) {
    const page = 500;
    for (let offset = 0; ; offset += page) {
      const { items, total } = await svc.listArchives(v, { offset, limit: page });
      out.push(...items);
      if (!items.length || offset + items.length >= total) break;
    }
  }
  return out;
}
