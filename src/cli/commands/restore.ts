import path from 'node:path';
import { FreezerError } from '../../core/errors';
import type { FreezerService } from '../../core/service/service';
import { formatUsd } from '../../core/glacier/pricing';
import type { FileVersion, RestoreResult, RetrievalEstimate } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exitCodes';
import { count, formatBytes } from '../output';
import { parseTier } from './jobs';
import { resolveArchive } from '../resolveArchive';

export const restoreCommand: Command = {
  name: 'restore',
  usage: 'ARCHIVE|PATH --to DIR [--overwrite] [--tier Expedited|Standard|Bulk]',
  summary: 'Restore a whole archive, or a frozen file or folder (latest versions), into DIR.',
  options: {
    to: { type: 'string', arg: 'DIR' },
    overwrite: { type: 'boolean' },
    vault: { type: 'string', arg: 'V' },
    tier: { type: 'string', arg: 'TIER' },
  },
  details: [
    'When the archive is not on disk a retrieval job is started instead and the exit code is 6:',
    'the daemon restores into DIR when the job completes. What it will cost is printed first (`freezer plan`).',
    'One frozen file of a bucket archive restores only the segment objects holding it, then reads just its bytes.',
  ],
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    const to = str(args.values.to);
    if (!ref || !to || rest.length) throw new UsageError('Usage: freezer restore ARCHIVE|PATH --to DIR');
    const svc = await ctx.service();
    const target = path.resolve(to);
    const tier = args.values.tier === undefined ? undefined : parseTier(str(args.values.tier));
    const common = { overwrite: Boolean(args.values.overwrite), signal: ctx.signal, ...(tier ? { tier } : {}) };
    let archiveId: number | undefined;
    try {
      archiveId = (await resolveArchive(svc, ref, str(args.values.vault))).id;
    } catch (e) {
      if (!FreezerError.is(e, 'ArchiveNotFound')) throw e;
    }
    const results: RestoreResult[] = [];
    const progress = ctx.out.progress('restore');
    try {
      if (archiveId !== undefined) {
        await showPlan(ctx, svc, archiveId);
        results.push(await svc.restore({ archiveId, to: target, ...common, onProgress: progress }));
      } else {
        const frozenPath = path.resolve(ref);
        const own = await svc.listVersions(frozenPath);
        if (own.length) {
          // One file: only its part of the archive is brought back (its frames / segment objects).
          const v = latest(own);
          await showPlan(ctx, svc, v.archiveId, v.memberPath);
          results.push(await svc.restoreFileVersion(v, target, { ...common, onProgress: progress }));
          return report(ctx, results, target);
        }
        const versions = await latestVersions(svc, frozenPath);
        if (!versions.length) throw new FreezerError('NotFound', `"${ref}" is neither an archive nor a frozen file or folder (looked for ${frozenPath}).`);
        const byArchive = new Map<number, string[]>();
        for (const v of versions) byArchive.set(v.archiveId, [...(byArchive.get(v.archiveId) ?? []), v.memberPath]);
        for (const [id, members] of byArchive) results.push(await svc.restore({ archiveId: id, to: target, members, ...common, onProgress: progress }));
      }
    } finally {
      progress.end();
    }
    return report(ctx, results, target);
  },
};

/** What restoring will request and cost, before anything is (archives already on disk cost nothing). */
async function showPlan(ctx: CliContext, svc: FreezerService, archiveId: number, member?: string): Promise<void> {
  const a = await svc.getArchive(archiveId);
  if (!a || a.state === 'liquid' || a.state === 'local' || a.state === 'melted') return;
  const est = await svc.estimateRetrieval(archiveId, member ? { member } : undefined).catch(() => undefined);
  if (est) for (const line of planLines(est)) ctx.out.note(line);
}

export function planLines(est: RetrievalEstimate): string[] {
  if (est.plan) return est.plan.lines;
  return [
    `Retrieves ${formatBytes(est.sizeBytes)}${est.archiveBytes !== undefined ? ` of the archive's ${formatBytes(est.archiveBytes)}` : ''}:`,
    ...est.tiers.map((t) => `  ${t.tier}: ${t.typicalHours}, ${formatUsd(t.costUsd)}`),
    `  (estimate, ${est.region} prices as of ${est.pricesAsOf})`,
  ];
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'ARCHIVE|PATH',
  summary: 'What restoring an archive or one frozen file would request, download and cost per tier (nothing is requested).',
  options: { vault: { type: 'string', arg: 'V' } },
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    if (!ref || rest.length) throw new UsageError('Usage: freezer plan ARCHIVE|PATH');
    const svc = await ctx.service();
    const own = await svc.listVersions(path.resolve(ref));
    const target = own.length ? { id: latest(own).archiveId, member: latest(own).memberPath } : { id: (await resolveArchive(svc, ref, str(args.values.vault))).id };
    const est = await svc.estimateRetrieval(target.id, target.member ? { member: target.member } : undefined);
    ctx.out.result(est, () => planLines(est));
    return EXIT.ok;
  },
};

/** The latest version of a frozen file, or of every file under a frozen folder. */
async function latestVersions(svc: FreezerService, p: string): Promise<FileVersion[]> {
  const own = await svc.listVersions(p);
  if (own.length) return [latest(own)];
  const out: FileVersion[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const e of await svc.listFrozen(folder)) {
      if (e.kind === 'folder') await walk(e.path);
      else {
        const vs = await svc.listVersions(e.path);
        if (vs.length) out.push(latest(vs));
      }
    }
  };
  await walk(p);
  return out;
}

const latest = (vs: FileVersion[]): FileVersion => vs.reduce((a, b) => (b.frozenAt > a.frozenAt ? b : a));

function report(ctx: CliContext, results: RestoreResult[], target: string): ExitCode {
  const files = results.flatMap((r) => r.files);
  const pending = results.filter((r) => r.status === 'retrieving');
  ctx.out.result({ status: pending.length ? 'retrieving' : 'restored', files, jobs: pending.map((r) => r.job).filter(Boolean) }, () => [
    ...(files.length ? [`Restored ${count(files.length, 'file')} into ${target}.`] : []),
    ...pending.map((r) => `Archive not on disk: retrieval job ${r.job?.id ?? '?'} started; the daemon restores into ${target} when it completes.`),
  ]);
  return pending.length ? EXIT.pending : EXIT.ok;
}
