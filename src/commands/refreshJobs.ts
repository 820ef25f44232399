import type { FreezerCommand } from './deps';

/** Asks AWS about pending jobs and handles those that completed. */
export const refreshJobs: FreezerCommand = {
  id: 'freezer.refreshJobs',
  run: (deps) => deps.jobs.refreshFromAws(),
};
