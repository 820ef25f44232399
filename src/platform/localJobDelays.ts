import { parseJobDelays } from '../core/endpoint/options';
import type { Tier } from '../core/service/types';

/**
 * How long the embedded endpoint keeps jobs InProgress, per tier (FREEZER_LOCAL_JOB_DELAYS, e.g.
 * "Expedited=5s,Standard=30s"; `npm start` sets one so every state can be seen). Inventories take
 * the Standard delay. Unset tiers complete at once.
 */
export function localJobDelays(): Record<Tier, number> {
  const spec = process.env.FREEZER_LOCAL_JOB_DELAYS;
  let given: Partial<Record<Tier, number>> = {};
  try {
    given = spec ? parseJobDelays(spec) : {};
  } catch {
    given = {};
  }
  return { Expedited: 0, Standard: 0, Bulk: 0, ...given };
}

/** 25 000 → "25 s", 90 000 → "2 min": how long, roughly, in words. */
export function roughDuration(ms: number): string {
  const s = Math.max(1, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.round(s / 60)} min`;
}
