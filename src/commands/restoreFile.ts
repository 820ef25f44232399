import type { ExistingPolicy } from '../core/archive/placeFile';
import { FreezerError } from '../core/errors';
import type { RestoreResult } from '../core/service/types';
import type { FreezerCommand } from './deps';
import { resolveFileVersion, resolveTargetFolder } from './pickers';
import { restoreMembers } from './restoreFlow';

/** Restores one version of one file into a chosen folder (as `folder/<name>`). */
export const restoreFile: FreezerCommand = {
  id: 'freezer.restoreFile',
  async run(deps, arg?: unknown, target?: unknown, opts?: { tier?: string; overwrite?: boolean; onExisting?: ExistingPolicy }): Promise<RestoreResult> {
    const version = await resolveFileVersion(deps, arg);
    const archive = await (await deps.host.ready()).getArchive(version.archiveId);
    if (!archive) throw new FreezerError('ArchiveNotFound', `The archive holding this version (${version.archiveName}) is no longer in the catalogue.`);
    const to = await resolveTargetFolder(target, `Restore ${version.name} into…`);
    return restoreMembers(deps, archive, to, { version, tier: opts?.tier, overwrite: opts?.overwrite, onExisting: opts?.onExisting });
  },
};
