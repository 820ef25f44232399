import { ACKNOWLEDGE_CATALOGUE_COMMAND } from '../platform/catalogueNoticeUi';
import type { FreezerCommand } from './deps';

/** The user has seen that the catalogue was recreated: stop the warning and the status-bar item. */
export const acknowledgeCatalogue: FreezerCommand = {
  id: ACKNOWLEDGE_CATALOGUE_COMMAND,
  async run(deps) {
    const svc = await deps.host.ready();
    await svc.acknowledgeCatalogueNotice();
    await deps.catalogueNotice.check(svc, false);
  },
};

/** The status-bar item's command: the warning with its actions again. */
export const showCatalogueNotice: FreezerCommand = {
  id: 'freezer.showCatalogueNotice',
  run: (deps) => deps.catalogueNotice.show(),
};
