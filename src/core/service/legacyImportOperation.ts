import { importLegacyDatabase as importIntoCatalogue } from '../catalogue/legacyImport';
import type { ServiceContext } from './serviceContext';
import { count } from '../words';

export interface LegacyImportCounts {
  /** Vaults new to Freezer. */
  vaults: number;
  /** Vaults Freezer already had that the import added archives or jobs to. */
  vaultsMerged: number;
  archives: number; files: number; jobs: number; keys: number; problems: string[]; legacySecretKeyFound: boolean;
}

/**
 * Imports an AWS Freezer `freezer.db`: its catalogue rows into ours, its keys into the key store
 * (the catalogue keeps only their facts). The AWS secret key the old tool kept in plain text is
 * reported, never stored nor logged: the user re-enters it into secure storage if they want.
 */
export async function importLegacyDatabase(ctx: ServiceContext, file: string): Promise<LegacyImportCounts> {
  const before = await catalogueRows(ctx);
  const r = await importIntoCatalogue(ctx.catalogue, file);
  const after = await catalogueRows(ctx);
  // Vaults Freezer already knew (e.g. listed from the endpoint) that received imported archives or jobs.
  const merged = new Set([...after.rows].filter(([row]) => !before.rows.has(row)).map(([, vaultId]) => vaultId).filter((v) => before.vaults.has(v)));
  for (const k of r.keys) await ctx.keyStore.put(k);
  const problems = r.problems.map((p) => p.message);
  ctx.log.info('Imported AWS Freezer database %s: %s, %s, %s, %s, %s moved to the key store; %s%s',
    file, count(r.counts.vaults, 'vault'), count(r.counts.archives, 'archive'), count(r.counts.files, 'file'), count(r.counts.jobs, 'job'), count(r.keys.length, 'key'), count(problems.length, 'problem'),
    r.legacySecretKeyFound ? '; it held an AWS secret key, which was not copied' : '');
  for (const p of problems) ctx.log.warn('Import: %s', p);
  ctx.emit('vaults', 'archives', 'files', 'jobs', 'keys', 'settings');
  return {
    vaults: r.counts.vaults, vaultsMerged: merged.size, archives: r.counts.archives, files: r.counts.files, jobs: r.counts.jobs, keys: r.keys.length,
    problems, legacySecretKeyFound: r.legacySecretKeyFound,
  };
}

/** Vault ids, and every archive and job row (keyed by kind and id) with its vault id. */
async function catalogueRows(ctx: ServiceContext): Promise<{ vaults: Set<number>; rows: Map<string, number> }> {
  const vaults = new Set((await ctx.catalogue.listVaults()).map((v) => v.id));
  const rows = new Map<string, number>([
    ...(await ctx.catalogue.listArchives()).map((a): [string, number] => [`a${a.id}`, a.vaultId]),
    ...(await ctx.catalogue.listJobs()).map((j): [string, number] => [`j${j.jobId}`, j.vaultId]),
  ]);
  return { vaults, rows };
}
