import path from 'node:path';
import type { JobInfo } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../exitCodes';
import { count, formatBytes, table } from '../output';
import { resolveArchive } from '../resolveArchive';
import { chooseTier, parseTierName, priceLines } from '../retrievalPrice';
import { DAYS_HELP, DAYS_OPTION } from '../restoreDays';

export function jobRows(jobs: JobInfo[]): string[] {
  return table(['JOB', 'VAULT', 'ACTION', 'ARCHIVE', 'TIER', 'STATUS', 'CREATED', 'DONE'], jobs.map((j) => [
    j.id.length > 20 ? `${j.id.slice(0, 18)}…` : j.id, j.vault, j.action === 'ArchiveRetrieval' ? 'retrieval' : 'inventory',
    j.archiveName ?? (j.archiveId !== undefined ? String(j.archiveId) : '-'), j.tier ?? '-', j.status,
    j.createdAt.slice(0, 19).replace('T', ' '), done(j),
  ]));
}

/** What became of a completed job: a restore that ran later says what it restored, as the extension does. */
function done(j: JobInfo): string {
  if (j.notApplied) return 'NOT APPLIED';
  if (!j.executedAt) return 'no';
  if (j.statusMessage?.startsWith('Restored ')) return j.statusMessage;
  // A merged inventory says what it changed ("3 added, 1 gone"), as the Jobs view does.
  if (j.action === 'InventoryRetrieval' && j.statusMessage) return `yes: ${j.statusMessage}`;
  return `yes${j.restoreTarget ? ` → ${j.restoreTarget}` : ''}`;
}

export const retrieveCommand: Command = {
  name: 'retrieve',
  usage: 'ARCHIVE [--tier Expedited|Standard|Bulk | --yes] [--to DIR]',
  summary: 'Start a retrieval job (prints its cost first); the daemon downloads it when done.',
  options: {
    tier: { type: 'string', arg: 'TIER' },
    yes: { type: 'boolean' },
    to: { type: 'string', arg: 'DIR' },
    vault: { type: 'string', arg: 'V' },
    days: DAYS_OPTION,
  },
  details: [
    'ARCHIVE is a catalogue id, a Glacier archive id or an archive name.',
    'The tier, bytes and cost are printed first; the job starts only with --tier, --yes (Standard) or an answer at a terminal.',
    'An archive already on this machine is not retrieved: with --to DIR it is restored from the local file.',
    'With --to DIR the daemon restores the files into DIR instead of keeping the archive in the upload folder.',
    DAYS_HELP,
  ],
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    if (!ref || rest.length) throw new UsageError('Usage: freezer retrieve ARCHIVE [--tier …]');
    if (args.values.tier) parseTierName(str(args.values.tier)!);
    const svc = await ctx.service();
    const a = await resolveArchive(svc, ref, str(args.values.vault));
    const to = str(args.values.to);
    if (a.state === 'local' || a.state === 'liquid') {
      // The bytes are on disk: a retrieval would bill for nothing.
      if (!to) {
        ctx.out.result({ archive: a, job: null }, () => [
          `Archive ${a.id} "${a.name}" is on this machine (${a.localFile ?? 'upload folder'}): nothing to retrieve, nothing billed.`,
          `Restore it with: freezer restore ${a.id} --to DIR`,
        ]);
        return EXIT.ok;
      }
      const r = await svc.restore({ archiveId: a.id, to: path.resolve(to), overwrite: false, signal: ctx.signal });
      ctx.out.result({ archive: a, job: null, files: r.files }, () => `Archive ${a.id} "${a.name}" is on this machine: restored ${count(r.files.length, 'file')} into ${path.resolve(to)} from the local file, nothing billed.`);
      return EXIT.ok;
    }
    const estimate = await svc.estimateRetrieval(a.id);
    const tier = await chooseTier(ctx, priceLines(`archive ${a.id} "${a.name}"`, estimate), { tier: str(args.values.tier), yes: Boolean(args.values.yes) });
    const cost = estimate.tiers.find((t) => t.tier === tier);
    ctx.out.note(`Starting ${/^[AEIOU]/.test(tier) ? 'an' : 'a'} ${tier} retrieval${cost ? ` (estimated $${cost.costUsd.toFixed(4)}, typically ${cost.typicalHours})` : ''}.`, true);
    const job = await svc.retrieveArchive(a.id, tier, to ? { restoreTo: path.resolve(to) } : undefined);
    ctx.out.result({ job, estimate }, () => [
      `Retrieval of archive ${a.id} "${a.name}" (${formatBytes(estimate.sizeBytes)}) started: job ${job.id}, tier ${tier}.`,
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
