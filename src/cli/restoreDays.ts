import { str, type ParsedArgs } from './args';
import { UsageError } from './exitCodes';

/** `--days N`: how long an S3 restore keeps its restored copy (plan, restore, retrieve). */
export const DAYS_OPTION = { type: 'string', arg: 'N' } as const;

export const DAYS_HELP = '--days N keeps an S3 restore\'s restored copy N days, 1–30 (default 3); the plan prices it.';

/** The --days value, checked (S3 takes any positive number; past 30 days the copy costs more than it saves). */
export function restoreDaysOf(args: ParsedArgs): number | undefined {
  const v = str(args.values.days);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 30) throw new UsageError(`--days must be a whole number of days from 1 to 30, got "${v}".`);
  return n;
}
