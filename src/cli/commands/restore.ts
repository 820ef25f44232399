import path from 'node:path';
import { FreezerError } from '../../core/errors';
import type { ExistingPolicy } from '../../core/archive/placeFile';
import type { FreezerService } from '../../core/service/service';
import type { ArchiveInfo, FileVersion, RestoreResult, Tier } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { EXIT, UsageError, type ExitCode } from '../exitCodes';
import { count } from '../output';
import { resolveArchive } from '../resolveArchive';
import { DAYS_HELP, DAYS_OPTION } from '../restoreDays';
import { chooseTier, parseTierName, priceLines, sumEstimates } from '../retrievalPrice';

export const restoreCommand: Command = {
  name: 'restore',
  usage: 'ARCHIVE|PATH --to DIR [--overwrite|--keep-both|--skip-existing] [--tier T | --yes]',
  summary: 'Restore a whole archive, or a frozen file or folder (latest versions), into DIR.',
  options: {
    to: { type: 'string', arg: 'DIR' },
    overwrite: { type: 'boolean' },
    'keep-both': { type: 'boolean' },
    'skip-existing': { type: 'boolean' },
    tier: { type: 'string', arg: 'TIER' },
    yes: { type: 'boolean' },
    vault: { type: 'string', arg: 'V' },
    days: DAYS_OPTION,
  },
  details: [
    'A file already in DIR with the same content (SHA-256) is left as it is. One that differs stops the',
    'restore unless --overwrite (replace it), --keep-both (restore beside it as "name (restored DATE).ext")',
    'or --skip-existing (leave it) says what to do; a restore waiting for a retrieval keeps that choice.',
    'Files are written under a temporary name and renamed once verified: a rerun after a kill finishes it.',
    'When the archive is not on disk a retrieval job is started instead and the exit code is 6:',
    'the daemon restores into DIR when the job completes. Its tier, bytes and cost are printed first, and',
    'it starts only with --tier, --yes (Standard) or an answer at a terminal: nothing is billed otherwise.',
    'One frozen file restores only its part: a vault archive\'s byte range, or the segment objects of a bucket',
    'archive holding it (then ranged GETs of just its bytes); `freezer plan PATH` shows it without starting anything.',
    DAYS_HELP,
  ],
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    const to = str(args.values.to);
    if (!ref || !to || rest.length) throw new UsageError('Usage: freezer restore ARCHIVE|PATH --to DIR');
    const svc = await ctx.service();
    const target = path.resolve(to);
    const common = { onExisting: existingPolicy(args.values), signal: ctx.signal };
    let archiveId: number | undefined;
    try {
      archiveId = (await resolveArchive(svc, ref, str(args.values.vault))).id;
    } catch (e) {
      if (!FreezerError.is(e, 'ArchiveNotFound')) throw e;
    }
    // What to restore, by archive, decided before anything is billed.
    const plan: Array<{ archiveId: number; members?: string[] }> = [];
    if (archiveId !== undefined) plan.push({ archiveId });
    else {
      const frozenPath = path.resolve(ref);
      const own = await svc.listVersions(frozenPath);
      if (own.length) return restoreOneFile(ctx, svc, latest(own), target, { tier: str(args.values.tier), yes: Boolean(args.values.yes), ...common });
      const versions = await latestVersions(svc, frozenPath);
      if (!versions.length) throw new FreezerError('NotFound', `"${ref}" is neither an archive nor a frozen file or folder (looked for ${frozenPath}).`);
      const byArchive = new Map<number, string[]>();
      for (const v of versions) byArchive.set(v.archiveId, [...(byArchive.get(v.archiveId) ?? []), v.memberPath]);
      for (const [id, members] of byArchive) plan.push({ archiveId: id, members });
    }
    const tier = await tierForFrozen(ctx, svc, plan.map((p) => p.archiveId), { tier: str(args.values.tier), yes: Boolean(args.values.yes) });
    const results: RestoreResult[] = [];
    const progress = ctx.out.progress('restore');
    try {
      for (const p of plan) results.push(await svc.restore({ archiveId: p.archiveId, to: target, ...(p.members ? { members: p.members } : {}), ...(tier ? { tier } : {}), ...common, onProgress: progress }));
    } finally {
      progress.end();
    }
    return report(ctx, results, target);
  },
};

/** One frozen file: priced for its part of the archive only, then restored as DIR/<name>. */
async function restoreOneFile(
  ctx: CliContext, svc: FreezerService, v: FileVersion, target: string,
  o: { tier?: string; yes?: boolean; onExisting: ExistingPolicy; signal: AbortSignal },
): Promise<ExitCode> {
  let tier: Tier | undefined;
  const a = await svc.getArchive(v.archiveId);
  if (a?.state === 'frozen') {
    const est = await svc.estimateRetrieval(v.archiveId, { member: v.memberPath });
    tier = await chooseTier(ctx, priceLines(`archive ${a.id} "${a.name}" for ${v.path}`, est), o);
  } else if (o.tier) tier = parseTierName(o.tier);
  const progress = ctx.out.progress('restore');
  try {
    const r = await svc.restoreFileVersion(v, target, { onExisting: o.onExisting, signal: o.signal, ...(tier ? { tier } : {}), onProgress: progress });
    return report(ctx, [r], target);
  } finally {
    progress.end();
  }
}

export const planCommand: Command = {
  name: 'plan',
  usage: 'ARCHIVE|PATH [--days N]',
  summary: 'What restoring an archive or one frozen file would request, download and cost per tier (nothing is requested).',
  options: { vault: { type: 'string', arg: 'V' }, days: DAYS_OPTION },
  details: [DAYS_HELP],
  async run(ctx, args) {
    const [, ref, ...rest] = args.positionals;
    if (!ref || rest.length) throw new UsageError('Usage: freezer plan ARCHIVE|PATH [--days N]');
    const svc = await ctx.service();
    const own = await svc.listVersions(path.resolve(ref));
    const v = own.length ? latest(own) : undefined;
    const a = v ? await svc.getArchive(v.archiveId) : await resolveArchive(svc, ref, str(args.values.vault));
    if (!a) throw new FreezerError('ArchiveNotFound', `The archive holding ${ref} is not in the catalogue.`);
    const est = await svc.estimateRetrieval(a.id, v ? { member: v.memberPath } : undefined);
    ctx.out.result(est, () => priceLines(v ? `archive ${a.id} "${a.name}" for ${v.path}` : `archive ${a.id} "${a.name}"`, est));
    return EXIT.ok;
  },
};

/** --overwrite / --keep-both / --skip-existing (at most one) → the restore's policy for differing files. */
export function existingPolicy(values: Record<string, unknown>): ExistingPolicy {
  const given = (['overwrite', 'keep-both', 'skip-existing'] as const).filter((o) => values[o]);
  if (given.length > 1) throw new UsageError(`Give only one of --overwrite, --keep-both and --skip-existing (got ${given.map((g) => `--${g}`).join(', ')}).`);
  return ({ overwrite: 'replace', 'keep-both': 'keep-both', 'skip-existing': 'skip' } as const)[given[0] as 'overwrite'] ?? 'fail';
}

/**
 * Archives that only a new retrieval can bring back (`frozen`): their bytes and cost are printed, and
 * the tier comes from --tier, --yes or the terminal. Undefined when nothing needs retrieving.
 */
async function tierForFrozen(ctx: CliContext, svc: FreezerService, ids: number[], o: { tier?: string; yes?: boolean }): Promise<Tier | undefined> {
  const frozen: ArchiveInfo[] = [];
  for (const id of ids) {
    const a = await svc.getArchive(id);
    if (a?.state === 'frozen') frozen.push(a);
  }
  if (!frozen.length) return o.tier ? parseTierName(o.tier) : undefined;
  const estimates = await Promise.all(frozen.map((a) => svc.estimateRetrieval(a.id)));
  const what = frozen.length === 1 ? `archive ${frozen[0].id} "${frozen[0].name}"` : `${count(frozen.length, 'archive')} (${frozen.map((a) => a.id).join(', ')})`;
  return chooseTier(ctx, priceLines(what, sumEstimates(estimates)), o);
}

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
  const unchanged = results.reduce((n, r) => n + (r.unchanged ?? 0), 0);
  const skipped = results.reduce((n, r) => n + (r.skipped ?? 0), 0);
  const pending = results.filter((r) => r.status === 'retrieving');
  const left = [unchanged ? `${count(unchanged, 'file')} already there unchanged` : '', skipped ? `${count(skipped, 'existing file')} skipped` : ''].filter(Boolean);
  ctx.out.result({ status: pending.length ? 'retrieving' : 'restored', files, unchanged, skipped, jobs: pending.map((r) => r.job).filter(Boolean) }, () => [
    ...(files.length || left.length ? [`Restored ${count(files.length, 'file')} into ${target}${left.length ? ` (${left.join(', ')})` : ''}.`] : []),
    ...pending.map((r) => `Archive not on disk: retrieval job ${r.job?.id ?? '?'} started; the daemon restores into ${target} when it completes.`),
  ]);
  return pending.length ? EXIT.pending : EXIT.ok;
}
