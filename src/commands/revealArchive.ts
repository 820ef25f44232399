import { FreezerError } from '../core/errors';
import type { FreezerCommand } from './deps';
import { resolveArchive } from './pickers';

/** Shows the archive holding a file version in the Vaults view. */
export const revealArchive: FreezerCommand = {
  id: 'freezer.revealArchive',
  async run(deps, arg?: unknown): Promise<boolean> {
    const archive = await resolveArchive(deps, arg, undefined, 'Choose the archive to show');
    const node = await deps.vaults.findArchive(archive.id);
    if (!node) throw new FreezerError('ArchiveNotFound', `Archive ${archive.name} is not in the Vaults view.`);
    await deps.vaultsView.reveal(node, { select: true, focus: true, expand: true });
    return true;
  },
};
