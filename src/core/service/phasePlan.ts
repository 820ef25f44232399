import type { ActivityPhase, ActivityProgress } from './types';

/**
 * The phases one operation goes through, each with its share of the one bar the user watches.
 * Shares are fixed, not measured: which phase is slower depends on the disk and the network, and a
 * bar that re-weights itself moves backwards. The label names the phase with its own bytes and ETA.
 */
export type PhasePlan = ReadonlyArray<readonly [ActivityPhase, number]>;

/** Walking and hashing are quick beside packing; the bar starts moving with packing. */
export const FREEZE_PLAN: PhasePlan = [['scanning', 0], ['hashing', 0], ['packing', 0.5], ['uploading', 0.5]];
export const UPLOAD_PLAN: PhasePlan = [['uploading', 1]];
export const DOWNLOAD_PLAN: PhasePlan = [['downloading', 1]];
export const RESTORE_PLAN: PhasePlan = [['restoring', 1]];
export const DOWNLOAD_RESTORE_PLAN: PhasePlan = [['downloading', 0.5], ['restoring', 0.5]];

/** Phases counted in bytes only: their files are not handled one by one. */
const BYTE_PHASES: ReadonlySet<ActivityPhase> = new Set(['uploading', 'downloading']);

/** Whether "file N of M" means anything in this report. */
export function countsFiles(p: ActivityProgress): boolean {
  return p.filesTotal > 0 && !BYTE_PHASES.has(p.phase);
}

/** The current phase's own fraction in [0, 1]: by bytes when known, else by files. */
export function phaseFraction(p: ActivityProgress): number {
  if (p.bytesTotal > 0) return clamp(p.bytesDone / p.bytesTotal);
  if (p.filesTotal > 0) return clamp(p.filesDone / p.filesTotal);
  return 0;
}

/** The fraction of the whole operation: the shares of the phases before this one, plus this one's part. */
export function planFraction(plan: PhasePlan, p: ActivityProgress): number {
  let before = 0;
  for (const [phase, share] of plan) {
    if (phase === p.phase) return clamp(before + share * phaseFraction(p));
    before += share;
  }
  // A phase the plan does not know: its own fraction rather than a wrong place on the bar.
  return phaseFraction(p);
}

/** The fraction a renderer shows: the operation's when the core gave it, else the phase's own. */
export function overallFraction(p: ActivityProgress): number {
  return p.overall ?? phaseFraction(p);
}

/**
 * Wraps a progress callback so every report carries `overall` on `plan`, never lower than the last
 * one (a retried upload starts its bytes again; the bar does not go back).
 */
export function onPlan(plan: PhasePlan, report: ((p: ActivityProgress) => void) | undefined): ((p: ActivityProgress) => void) | undefined {
  if (!report) return undefined;
  let high = 0;
  return (p) => {
    high = Math.max(high, planFraction(plan, p));
    report({ ...p, overall: high });
  };
}

const clamp = (x: number): number => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
