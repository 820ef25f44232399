import { describeCleanUp } from '../../core/service/catalogueMaintenance';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';

export const cleanupCommand: Command = {
  name: 'cleanup',
  usage: '',
  summary: 'Clean up the catalogue: drop files that are in no archive any more, and say what went.',
  details: [
    'Archives deleted from Glacier with no local file keep their row (inventories lag a day behind) but no',
    'longer list files; files left in no archive are removed. Remove Archive and inventories do this too.',
  ],
  async run(ctx, args) {
    if (args.positionals.length > 1) throw new UsageError('Usage: freezer cleanup');
    const r = await (await ctx.service()).cleanUpCatalogue();
    ctx.out.result(r, () => describeCleanUp(r));
  },
};
