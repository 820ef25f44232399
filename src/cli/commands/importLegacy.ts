import path from 'node:path';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';
import { count } from '../output';

export const importLegacyCommand: Command = {
  name: 'import-legacy',
  usage: 'FREEZER.DB',
  summary: "Import the original tool's freezer.db (vaults, archives, files, jobs, keys).",
  details: ['The old database is only read. Its AWS secret key, if any, is not imported: pass it with --secret-key, the environment or a profile.'],
  async run(ctx, args) {
    const [, file, ...rest] = args.positionals;
    if (!file || rest.length) throw new UsageError('Usage: freezer import-legacy FREEZER.DB');
    const r = await (await ctx.service()).importLegacyDatabase(path.resolve(file));
    ctx.out.result(r, () => [
      `Imported ${count(r.vaults, 'vault')}, ${count(r.archives, 'archive')}, ${count(r.files, 'file')}, ${count(r.jobs, 'job')} and ${count(r.keys, 'key')}.`,
      ...r.problems.map((p) => `problem: ${p}`),
      ...(r.legacySecretKeyFound ? ['The old database held an AWS secret key: it was NOT copied. Give it with --secret-key, AWS_SECRET_ACCESS_KEY or a profile.'] : []),
    ]);
  },
};
