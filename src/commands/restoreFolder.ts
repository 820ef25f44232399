import type { ExistingPolicy } from '../core/archive/placeFile';
import { FreezerError } from '../core/errors';
import type { FreezerService } from '../core/service/service';
import type { FileVersion, RestoreResult } from '../core/service/types';
import type { FreezerCommand } from './deps';
import { resolveFrozenFolder, resolveTargetFolder } from './pickers';
import { askOnExisting } from './restoreConflicts';
import { restoreMembers } from './restoreFlow';

/** The newest version of every file at or below `folder`. */
async function newestVersions(svc: FreezerService, folder: string): Promise<FileVersion[]> {
  const out: FileVersion[] = [];
  const stack = [folder];
  while (stack.length) {
    for (const e of await svc.listFrozen(stack.pop() as string)) {
      if (e.kind === 'folder') stack.push(e.path);
      else {
        const newest = (await svc.listVersions(e.path)).sort((a, b) => b.frozenAt.localeCompare(a.frozenAt))[0];
        if (newest) out.push(newest);
      }
    }
  }
  return out;
}

/** Restores the newest version of every file of a frozen folder, archive by archive. */
export const restoreFolder: FreezerCommand = {
  id: 'freezer.restoreFolder',
  async run(deps, arg?: unknown, target?: unknown, opts?: { tier?: string; overwrite?: boolean; onExisting?: ExistingPolicy }): Promise<RestoreResult[]> {
    const folder = await resolveFrozenFolder(deps, arg);
    const svc = await deps.host.ready();
    const versions = await newestVersions(svc, folder);
    // One question for the whole folder, so "for all" spans its archives.
    const ask = askOnExisting();
    if (!versions.length) throw new FreezerError('NotFound', `Nothing frozen under ${folder}.`);
    const to = await resolveTargetFolder(target, `Restore ${folder} into…`);
    const byArchive = new Map<number, string[]>();
    for (const v of versions) byArchive.set(v.archiveId, [...(byArchive.get(v.archiveId) ?? []), v.memberPath]);
    const results: RestoreResult[] = [];
    for (const [id, members] of byArchive) {
      const archive = await svc.getArchive(id);
      if (!archive) throw new FreezerError('ArchiveNotFound', `Archive ${id} is no longer in the catalogue.`);
      results.push(await restoreMembers(deps, archive, to, { members, tier: opts?.tier, overwrite: opts?.overwrite, onExisting: opts?.onExisting, ask }));
    }
    return results;
  },
};
