import { countsFiles, overallFraction } from '../core/service/phasePlan';
import type { ActivityProgress, ArchiveState } from '../core/service/types';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '?';
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** ISO time → the user's locale, short. */
export function formatDate(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatUsd(v: number): string {
  return v < 0.01 && v > 0 ? `< $0.01` : `$${v.toFixed(2)}`;
}

const PHASES: Record<ActivityProgress['phase'], string> = {
  scanning: 'Scanning', hashing: 'Hashing', packing: 'Packing', uploading: 'Uploading', downloading: 'Downloading', restoring: 'Restoring',
};

/** "Packing", "Downloading": the phase a report is in. */
export function phaseLabel(p: ActivityProgress): string {
  return PHASES[p.phase] ?? p.phase;
}

/** "Packing file 3 of 10 · 1.2 MiB of 4.0 MiB · 3.1 MiB/s · ETA 0:01". */
export function formatActivity(p: ActivityProgress): string {
  const parts = [PHASES[p.phase] ?? p.phase];
  if (countsFiles(p)) parts[0] += ` file ${Math.min(p.filesDone + (p.filesDone < p.filesTotal ? 1 : 0), p.filesTotal)} of ${p.filesTotal}`;
  const out = [parts[0]];
  if (p.bytesTotal > 0) out.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`);
  if (p.bytesPerSecond) out.push(`${formatBytes(p.bytesPerSecond)}/s`);
  if (p.etaSeconds !== undefined && p.bytesDone < p.bytesTotal) out.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return out.join(' · ');
}

/** Fraction done in [0, 1] of the whole operation (all its phases), as every bar shows it. */
export const activityFraction = overallFraction;

export const STATE_LABELS: Record<ArchiveState, string> = {
  building: 'building',
  uploading: 'uploading',
  local: 'local',
  liquid: 'liquid',
  frozen: 'frozen',
  melting: 'melting',
  melted: 'melted',
  invalid: 'invalid',
};

/** What each state means, for tooltips. */
export const STATE_MEANINGS: Record<ArchiveState, string> = {
  building: 'being packed into a local archive file',
  uploading: 'being uploaded to Glacier',
  local: 'only on this machine (not uploaded)',
  liquid: 'in Glacier, with a local copy',
  frozen: 'in Glacier only; retrieve it to restore files',
  melting: 'retrieval job running in Glacier',
  melted: 'retrieved by Glacier, ready to download',
  invalid: 'does not match its catalogue record',
};
