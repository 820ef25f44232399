import { formatUsd } from '../glacier/pricing';
import type { RemovalPlan, RestorePlan, TierPlan } from './restorePlanner';

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "estimate, us-east-1 prices of 2026-12-01" — with "approximate" when it is. */
export function priceNote(p: { region: string; pricesAsOf: string; approximate: boolean }): string {
  return `${p.approximate ? 'approximate estimate' : 'estimate'}, ${p.region} list prices as of ${p.pricesAsOf}`;
}

/** One tier on one line: "Standard  within 12 h  $0.0012". */
export function tierLine(t: TierPlan): string {
  return t.available ? `${t.tier}: ${t.waitText}, ${formatUsd(t.totalUsd)}${t.note ? ` (${t.note})` : ''}` : `${t.tier}: ${t.note ?? 'not offered'}`;
}

/** What a restore needs, as the UI and the CLI show it before anything is requested. */
export function describeRestorePlan(p: RestorePlan): string[] {
  const restoring = p.objects.filter((o) => o.action === 'restore' || o.action === 'renew');
  const waiting = p.objects.filter((o) => o.action === 'wait').length;
  const whole = p.archiveBytes !== undefined ? ` of the archive's ${bytes(p.archiveBytes)}` : '';
  const lines = [
    restoring.length
      ? `Restores ${plural(restoring.length, 'object')} (${bytes(restoring.reduce((s, o) => s + o.bytes, 0))}${whole}) for ${plural(p.days, 'day')}, then downloads ${bytes(p.downloadBytes)}.`
      : `Nothing to restore${waiting ? ` (${waiting} already restoring)` : ''}: downloads ${bytes(p.downloadBytes)}${whole} now.`,
  ];
  if (waiting && restoring.length) lines.push(`${plural(waiting, 'object')} already restoring.`);
  for (const t of p.tiers) lines.push(`  ${tierLine(t)}`);
  if (!p.tiers.length) lines.push(`  Cost: ${formatUsd(p.readNowUsd)}`);
  lines.push(`  (${priceNote(p)})`);
  return lines;
}

/** The early-deletion charge of removing an archive now. */
export function describeRemovalPlan(p: RemovalPlan): string {
  if (p.totalUsd <= 0) return `No early-deletion charge (${priceNote(p)}).`;
  const date = p.freeFrom ? p.freeFrom.slice(0, 10) : undefined;
  return `Removing it now bills about ${formatUsd(p.totalUsd)} for the rest of the minimum storage duration${date ? ` (free from ${date})` : ''} (${priceNote(p)}).`;
}
