import type { FreezerCommand } from './deps';

export const showLog: FreezerCommand = {
  id: 'freezer.showLog',
  run: (deps) => deps.log.show(true),
};
