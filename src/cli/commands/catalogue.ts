import type { RecreatedNotice } from '../../core/catalogue';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';

/** The line every command prints while the catalogue is a recreated one (see the `catalogue` command). */
export function recreatedWarning(n: RecreatedNotice): string {
  return `freezer: warning: this catalogue was started new on ${n.recreated.slice(0, 19).replace('T', ' ')} because the previous one was damaged ` +
    `(kept as ${n.damagedCopy}): archives, files and jobs it knew are not listed. ` +
    'Rebuild it from the vaults with `freezer catalogue rebuild`, or, once you have dealt with it, stop this warning with `freezer catalogue acknowledge`.';
}

export const catalogueCommand: Command = {
  name: 'catalogue',
  usage: 'acknowledge',
  summary: 'Catalogue maintenance: acknowledge that a damaged catalogue was replaced by a new one.',
  details: [
    'When the catalogue file is found damaged it is kept aside (freezer.db.damaged-<time>) and a new one is',
    'started; every command then warns until the catalogue is rebuilt or `catalogue acknowledge` is run.',
    'See docs/RECOVERY.md for the previous generation (freezer.db.previous) and the damaged copy.',
  ],
  async run(ctx, args) {
    const [, action, ...rest] = args.positionals;
    if (action !== 'acknowledge' || rest.length) throw new UsageError(`Usage: freezer catalogue ${catalogueCommand.usage}`);
    const svc = await ctx.service();
    const notice = await svc.catalogueNotice();
    await svc.acknowledgeCatalogueNotice();
    ctx.out.result({ acknowledged: !!notice, ...(notice ? { damagedCopy: notice.damagedCopy } : {}) }, () =>
      notice ? `Acknowledged: the catalogue no longer warns that it was recreated (the damaged copy stays at ${notice.damagedCopy}).` : 'Nothing to acknowledge: the catalogue was not recreated.');
  },
};
