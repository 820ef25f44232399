import { countsFiles, overallFraction } from '../core/service/phasePlan';
import type { ActivityProgress } from '../core/service/types';
import { escapeControl } from '../core/log';
import { scrub } from './secrets';

export interface OutputOptions {
  json: boolean;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/**
 * What commands print: results on stdout (human text, or one JSON document with --json), progress
 * and notes on stderr (a redrawn bar on a terminal, plain lines otherwise).
 */
export class Output {
  readonly json: boolean;
  private readonly out: NodeJS.WriteStream;
  private readonly err: NodeJS.WriteStream;

  constructor(opts: OutputOptions) {
    this.json = opts.json;
    this.out = opts.stdout ?? process.stdout;
    this.err = opts.stderr ?? process.stderr;
  }

  /** Prints a command's result: `value` as JSON with --json, else the human lines. */
  result(value: unknown, human: () => string | string[]): void {
    if (this.json) this.line(JSON.stringify(value, null, 2));
    else {
      const h = human();
      for (const l of Array.isArray(h) ? h : [h]) this.line(l);
    }
  }

  line(text: string): void {
    this.out.write(scrub(this.json ? jsonSafe(text) : printable(text)) + '\n');
  }

  /** A note for people (stderr), silent with --json unless it is a warning. */
  note(text: string, warning = false): void {
    if (this.json && !warning) return;
    this.err.write(scrub(printable(text)) + '\n');
  }

  /** Progress of a long operation; call the returned function with each update, and `.end()` when done. */
  progress(label: string): ((p: ActivityProgress) => void) & { end(): void } {
    const tty = Boolean(this.err.isTTY) && !process.env.CI;
    let lastLine = 0;
    let lastPct = -1;
    let lastPhase = '';
    let drawn = false;
    // A plain line held back by the throttle: end() prints it, so the last line is the final state.
    let held: string | undefined;
    const fn = (p: ActivityProgress) => {
      // The whole operation's share (the same figure the extension's bars show); the text tells the phase's own.
      const pct = Math.floor(overallFraction(p) * 100);
      const now = Date.now();
      if (tty) {
        if (now - lastLine < 100 && pct !== 100) return;
        lastLine = now;
        const width = 24;
        const filled = Math.round((pct / 100) * width);
        const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
        const text = `${label} ${bar} ${pct}% ${p.phase} ${describeProgress(p)}`;
        const cols = this.err.columns || 100;
        this.err.write(`\r${scrub(escapeControl(text)).slice(0, cols - 1).padEnd(Math.min(cols - 1, text.length + 8))}`);
        drawn = true;
      } else {
        // Plain lines: at most one per 10 %, per 5 s or per phase, so logs stay readable.
        const line = scrub(escapeControl(`${label}: ${pct}% ${p.phase} ${describeProgress(p)}`));
        const step = Math.floor(pct / 10);
        if (step === lastPct && p.phase === lastPhase && now - lastLine < 5000) {
          held = line;
          return;
        }
        held = undefined;
        lastPct = step;
        lastPhase = p.phase;
        lastLine = now;
        this.err.write(line + '\n');
      }
    };
    return Object.assign(fn, {
      end: () => {
        if (drawn) this.err.write('\n');
        if (held) this.err.write(held + '\n');
        drawn = false;
        held = undefined;
      },
    });
  }
}

/** Lines as given, but names and messages from outside cannot move the cursor or forge a line. */
export const printable = (text: string): string => text.split('\n').map(escapeControl).join('\n');

/** JSON.stringify leaves DEL, C1 controls and bidi overrides raw; inside a JSON string `\\uXXXX` is the same value. */
const jsonSafe = (text: string): string => text.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

function describeProgress(p: ActivityProgress): string {
  const parts: string[] = [];
  if (countsFiles(p)) parts.push(`file ${Math.min(p.filesDone, p.filesTotal)} of ${p.filesTotal}`);
  if (p.bytesTotal > 0) parts.push(`${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesTotal)}`);
  if (p.bytesPerSecond) parts.push(`${formatBytes(p.bytesPerSecond)}/s`);
  if (p.etaSeconds !== undefined && Number.isFinite(p.etaSeconds)) parts.push(`ETA ${formatDuration(p.etaSeconds)}`);
  return parts.join(', ');
}

/** "1 file", "3 files": counts in messages read as a person would write them. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '?';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${Math.round(n)} B` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatDuration(s: number): string {
  const sec = Math.max(0, Math.round(s));
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m${String(sec % 60).padStart(2, '0')}s`;
  return `${Math.floor(sec / 3600)}h${String(Math.floor((sec % 3600) / 60)).padStart(2, '0')}m`;
}

/** A plain text table: a header row and left-aligned columns. */
export function table(headers: string[], rows: Array<Array<string | number | undefined>>): string[] {
  const cells = rows.map((r) => r.map((c) => (c === undefined ? '' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const fmt = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [fmt(headers), ...cells.map(fmt)];
}
