import { importLegacyDatabase as importIntoCatalogue } from '../catalogue/legacyImport';
import type { ServiceContext } from './serviceContext';

/**
 * Imports an AWS Freezer `freezer.db`: its catalogue rows into ours, its keys into the key store
 * (the catalogue keeps only their facts). The AWS secret key the old tool kept in plain text is
 * reported, never stored nor logged: the user re-enters it into secure storage if they want.
 */
export async function importLegacyDatabase(ctx: ServiceContext, file: string): Promise<{
  vaults: number; archives: number; files: number; jobs: number; keys: number; problems: string[]; legacySecretKeyFound: boolean;
}> {
  const r = await importIntoCatalogue(ctx.catalogue, file);
  for (const k of r.keys) await ctx.keyStore.put(k);
  const problems = r.problems.map((p) => p.message);
  ctx.log.info('Imported AWS Freezer database %s: %d vault(s), %d archive(s), %d file(s), %d job(s), %d key(s) moved to the key store; %d problem(s)%s',
    file, r.counts.vaults, r.counts.archives, r.counts.files, r.counts.jobs, r.keys.length, problems.length,
    r.legacySecretKeyFound ? '; it held an AWS secret key, which was not copied' : '');
  for (const p of problems) ctx.log.warn('Import: %s', p);
  ctx.emit('vaults', 'archives', 'files', 'jobs', 'keys', 'settings');
  return {
    vaults: r.counts.vaults, archives: r.counts.archives, files: r.counts.files, jobs: r.counts.jobs, keys: r.keys.length,
    problems, legacySecretKeyFound: r.legacySecretKeyFound,
  };
}
