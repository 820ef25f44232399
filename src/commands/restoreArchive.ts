import type { ExistingPolicy } from '../core/archive/placeFile';
import type { RestoreResult } from '../core/service/types';
import type { FreezerCommand } from './deps';
import { resolveArchive, resolveTargetFolder } from './pickers';
import { restoreMembers } from './restoreFlow';

/** Restores every file of an archive into a chosen folder. */
export const restoreArchive: FreezerCommand = {
  id: 'freezer.restoreArchive',
  async run(deps, arg?: unknown, target?: unknown, opts?: { tier?: string; overwrite?: boolean; onExisting?: ExistingPolicy }): Promise<RestoreResult> {
    const archive = await resolveArchive(deps, arg, ['local', 'liquid', 'frozen', 'melted'], 'Choose the archive to restore');
    const to = await resolveTargetFolder(target, `Restore ${archive.name} into…`);
    return restoreMembers(deps, archive, to, { tier: opts?.tier, overwrite: opts?.overwrite, onExisting: opts?.onExisting });
  },
};
