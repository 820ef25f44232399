import { createInterface } from 'node:readline/promises';
import type { RetrievalEstimate, Tier } from '../core/service/types';
import type { CliContext } from './context';
import { UsageError } from './exitCodes';
import { formatBytes } from './output';

const TIERS: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];

/** What a retrieval will fetch and cost, one line per tier (printed before any job is started). */
export function priceLines(what: string, e: Pick<RetrievalEstimate, 'sizeBytes' | 'pricesAsOf' | 'region' | 'tiers' | 'plan'>): string[] {
  // Bucket archives: the restore planner's words (segment objects, bytes restored and downloaded, days).
  if (e.plan) return [`Restoring ${what}:`, ...e.plan.lines];
  return [
    `Retrieving ${what} fetches ${formatBytes(e.sizeBytes)} from Glacier (${e.region}, prices as of ${e.pricesAsOf}):`,
    ...e.tiers.map((t) => `  ${t.tier.padEnd(9)}  $${t.costUsd.toFixed(4)}  typically ${t.typicalHours}`),
  ];
}

/** Sums the estimates of several archives (a folder restored from more than one). */
export function sumEstimates(es: RetrievalEstimate[]): Pick<RetrievalEstimate, 'sizeBytes' | 'pricesAsOf' | 'region' | 'tiers' | 'plan'> {
  if (es.length === 1) return es[0];
  return {
    sizeBytes: es.reduce((n, e) => n + e.sizeBytes, 0),
    pricesAsOf: es[0].pricesAsOf,
    region: es[0].region,
    tiers: es[0].tiers.map((t) => ({ ...t, costUsd: es.reduce((n, e) => n + (e.tiers.find((x) => x.tier === t.tier)?.costUsd ?? 0), 0) })),
  };
}

export function parseTierName(v: string): Tier {
  const t = TIERS.find((x) => x.toLowerCase() === v.trim().toLowerCase());
  if (!t) throw new UsageError(`--tier must be one of ${TIERS.join(', ')}.`);
  return t;
}

/**
 * Shows the price, then says which tier money may be spent on: `--tier`, `--yes` (Standard), or the
 * answer at a terminal. Without any of them nothing is billed: a usage error says what to add.
 */
export async function chooseTier(ctx: CliContext, lines: string[], o: { tier?: string; yes?: boolean }): Promise<Tier> {
  for (const l of lines) ctx.out.note(l, true);
  if (o.tier) return parseTierName(o.tier);
  if (o.yes) return 'Standard';
  if (process.stdin.isTTY && process.stderr.isTTY && !ctx.out.json) {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = (await rl.question('Tier to start (Expedited, Standard, Bulk; Enter for Standard, n to cancel): ')).trim();
      if (/^n(o)?$/i.test(answer)) throw new UsageError('Cancelled: no retrieval was started.');
      return answer ? parseTierName(answer) : 'Standard';
    } finally {
      rl.close();
    }
  }
  throw new UsageError('A retrieval is billed: nothing was started. Add --tier Expedited|Standard|Bulk (or --yes for Standard) to start it.');
}
