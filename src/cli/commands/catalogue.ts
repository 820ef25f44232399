import { setTimeout as sleep } from 'node:timers/promises';
import type { RecreatedNotice } from '../../core/catalogue';
import type { CatalogueRebuild } from '../../core/service/catalogueRebuild';
import type { Command } from '../command';
import { EXIT, UsageError } from '../exitCodes';
import { table } from '../output';
import { str } from '../args';
import { parseTierName } from '../retrievalPrice';

/** The line every command prints while the catalogue is a recreated one (see the `catalogue` command). */
export function recreatedWarning(n: RecreatedNotice): string {
  return `freezer: warning: this catalogue was started new on ${n.recreated.slice(0, 19).replace('T', ' ')} because the previous one was damaged ` +
    `(kept as ${n.damagedCopy}): archives, files and jobs it knew are not listed. ` +
    'Rebuild it from the vaults with `freezer catalogue rebuild --yes`, or, once you have dealt with it, stop this warning with `freezer catalogue acknowledge`.';
}

const pending = (s: CatalogueRebuild) => s.phase === 'inventory' || s.phase === 'snapshot';

function rebuildRows(states: CatalogueRebuild[]): string[] {
  return table(['STORE', 'PHASE', 'JOBS', 'SINCE', 'STATE'], states.map((s) => [s.store, s.phase, s.jobs.length, s.started.slice(0, 19).replace('T', ' '), s.message]));
}

export const catalogueCommand: Command = {
  name: 'catalogue',
  usage: 'rebuild [VAULT…] --tier T|--yes [--restart] [--wait] | status | acknowledge',
  summary: 'Rebuild the catalogue from the vaults (after freezer.db is lost), show how far it is, or acknowledge a recreated one.',
  options: {
    tier: { type: 'string', arg: 'TIER' },
    yes: { type: 'boolean' },
    restart: { type: 'boolean' },
    wait: { type: 'boolean' },
  },
  details: [
    'rebuild asks each vault (default: every vault AWS lists) for its inventory, then retrieves its newest',
    'catalogue snapshot (a small encrypted archive Freezer uploads after each freeze): two jobs per vault,',
    'however many archives it holds. Import the key export first (freezer keys import FILE) if the key file',
    'was lost too. The jobs complete later: the daemon (or freezer jobs --refresh, or --wait) finishes the',
    'rebuild, which survives restarts. Exit code 6 while it waits on a job. --tier picks the snapshot',
    "retrieval's tier (--yes: Standard); nothing is requested without one of them. --restart starts over a",
    'rebuild under way. docs/RECOVERY.md tells more.',
    'When the catalogue file is found damaged it is kept aside (freezer.db.damaged-<time>) and a new one is',
    'started; every command then warns until the catalogue is rebuilt or `catalogue acknowledge` is run.',
    'See docs/RECOVERY.md for the previous generation (freezer.db.previous) and the damaged copy.',
  ],
  async run(ctx, args) {
    const [, action, ...stores] = args.positionals;
    if (action === 'acknowledge') {
      if (stores.length) throw new UsageError('Usage: freezer catalogue acknowledge');
      const svc = await ctx.service();
      const notice = await svc.catalogueNotice();
      await svc.acknowledgeCatalogueNotice();
      ctx.out.result({ acknowledged: !!notice, ...(notice ? { damagedCopy: notice.damagedCopy } : {}) }, () =>
        notice ? `Acknowledged: the catalogue no longer warns that it was recreated (the damaged copy stays at ${notice.damagedCopy}).` : 'Nothing to acknowledge: the catalogue was not recreated.');
      return EXIT.ok;
    }
    if (action !== 'rebuild' && action !== 'status') throw new UsageError(`Usage: freezer catalogue ${catalogueCommand.usage}`);
    if (action === 'status' && stores.length) throw new UsageError('Usage: freezer catalogue status');
    if (action === 'rebuild' && !args.values.tier && !args.values.yes) {
      throw new UsageError('Rebuilding requests an inventory and one retrieval of a small catalogue snapshot per vault (cents at most): add --yes (Standard tier) or --tier Expedited|Standard|Bulk.');
    }
    const svc = await ctx.service();
    let states = action === 'rebuild'
      ? await svc.rebuildCatalogue({ stores, tier: args.values.tier ? parseTierName(str(args.values.tier)!) : 'Standard', restart: Boolean(args.values.restart) })
      : await svc.catalogueRebuilds();
    if (action === 'rebuild' && args.values.wait) {
      const mine = new Set(states.map((s) => s.store));
      while (!ctx.signal.aborted && states.some(pending)) {
        await sleep(ctx.settings.pollTime * 1000, undefined, { signal: ctx.signal }).catch(() => undefined);
        await svc.refreshJobs().catch((e: unknown) => ctx.log.warn('Checking the jobs failed: %s', (e as Error).message));
        states = (await svc.catalogueRebuilds()).filter((s) => mine.has(s.store));
      }
    }
    ctx.out.result(states, () => (states.length ? rebuildRows(states) : 'No catalogue rebuild was started. Start one with: freezer catalogue rebuild'));
    if (states.some(pending)) {
      ctx.out.note('The rebuild goes on when its jobs complete: run freezer daemon (or freezer jobs --refresh later).');
      return EXIT.pending;
    }
    return states.some((s) => s.phase === 'failed') ? EXIT.failure : EXIT.ok;
  },
};
