import path from 'node:path';
import type { JobInfo, Tier } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../exitCodes';
import { formatBytes, table } from '../output';
import { resolveArchive } from '../resolveArchive';

const TIERS: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];

export function parseTier(v: string | undefined): Tier {
  if (!v) return 'Standard';
  const t = TIERS.find((x) => x.toLowerCase() === v.toLowerCase());
  if (!t) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}.`);
  return t;
}

export function jobRows(jobs: JobInfo[]): string[] {
  return table(['JOB', 'VAULT', 'ACTION', 'ARCHIVE', 'TIER', 'STATUS', 'CREATED', 'DONE'], jobs.map((j) => [
    j.id.length > 20 ? `${j.id.slice(0, 18)}…` : j.id, j.vault, j.action === 'ArchiveRetrieval' ? 'retrieval' : 'inventory',
    j.archiveName ?? (j.archiveId !== undefined ? String(j.archiveId) : '-'), j.tier ?? '-', j.status,
    j.createdAt.slice(0, 19).replace('T', ' '), j.executedAt ? `yes${j.restoreTarget ? ` → ${j.restoreTarget}` : ''}` : 'no',
  ]));
}

export const retrieveCommand: Command = {
  name: 'retrieve',
  usage: 'ARCHIVE [--tier Expedited|Standard|Bulk] [--to DIR]',
  summary: 'Start a retrieval job (prints its cost); the daemon downloads it when done.',
  options: {
    tier: { type: 'string', arg: 'TIER' },
    to: { type: 'string', arg: 'DIR' },
    vault: { type: 'string', arg: 'V' },
  },
  details: [
    'ARCHIVE is a catalogue id, a Glacier archive id or an archive name.',
    'With --to DIR the daemon restores the files into DIR instead of keeping the archive in the upload folder.',
  ],
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    if (!ref || rest.length) throw new UsageError('Usage: freezer retrieve ARCHIVE [--tier …]');
    const tier = parseTier(str(args.values.tier));
    const svc = await ctx.service();
    const a = await resolveArchive(svc, ref, str(args.values.vault));
    const estimate = await svc.estimateRetrieval(a.id).catch(() => undefined);
    if (estimate?.plan) for (const line of estimate.plan.lines) ctx.out.note(line);
    const to = str(args.values.to);
    const job = await svc.retrieveArchive(a.id, tier, to ? { restoreTo: path.resolve(to) } : undefined);
    const cost = estimate?.tiers.find((t) => t.tier === tier);
    ctx.out.result({ job, estimate }, () => [
      `Retrieval of archive ${a.id} "${a.name}" (${formatBytes(a.size)}) started: job ${job.id}, tier ${tier}.`,
      ...(cost ? [`Estimated cost $${cost.costUsd.toFixed(4)} (${estimate!.plan?.approximate ? 'approximate, ' : ''}prices as of ${estimate!.pricesAsOf}), typically ${cost.typicalHours}${/hour|min|h$/.test(cost.typicalHours) ? '' : ' hours'}.`] : []),
      `The daemon (freezer daemon) downloads it when it completes${to ? ` and restores it into ${path.resolve(to)}` : ''}.`,
    ]);
    return EXIT.ok;
  },
};

export const jobsCommand: Command = {
  name: 'jobs',
  usage: '[VAULT] [--refresh]',
  summary: 'List jobs (--refresh: ask Glacier and handle the completed ones).',
  options: { refresh: { type: 'boolean' } },
  async run(ctx, args) {
    const [, vault, ...rest] = args.positionals;
    if (rest.length) throw new UsageError('Usage: freezer jobs [VAULT]');
    const svc = await ctx.service();
    let jobs = args.values.refresh ? await svc.refreshJobs() : await svc.listJobs(vault);
    if (vault) jobs = jobs.filter((j) => j.vault === vault);
    ctx.out.result(jobs, () => (jobs.length ? jobRows(jobs) : 'No jobs.'));
  },
};
