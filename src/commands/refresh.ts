import type { FreezerCommand } from './deps';

/** Reloads the Vaults and Frozen Files views. */
export const refresh: FreezerCommand = {
  id: 'freezer.refresh',
  async run(deps): Promise<void> {
    deps.vaults.refresh();
    deps.files.refresh();
    deps.jobs.refresh();
  },
};
