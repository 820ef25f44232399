import type { ActivityPhase, ActivityProgress } from './types';

/** Throughput is averaged over this window so one slow or fast moment does not swing the ETA. */
const WINDOW_MS = 5_000;
/** At most one report per interval (plus the final one): views repaint on each. */
const REPORT_INTERVAL_MS = 200;

/**
 * Turns raw counters of a long operation (files and bytes done) into `ActivityProgress` with a
 * throughput and an ETA from bytes, and throttles the reports.
 */
export class ActivityMeter {
  private readonly samples: Array<{ t: number; bytes: number }> = [];
  private lastReport = 0;
  private state: ActivityProgress;

  constructor(
    phase: ActivityPhase,
    totals: { filesTotal: number; bytesTotal: number },
    private readonly report: (p: ActivityProgress) => void,
    private readonly now: () => number = Date.now,
  ) {
    this.state = { phase, filesDone: 0, filesTotal: totals.filesTotal, bytesDone: 0, bytesTotal: totals.bytesTotal };
  }

  get current(): ActivityProgress {
    return { ...this.state };
  }

  update(patch: Partial<Omit<ActivityProgress, 'phase' | 'bytesPerSecond' | 'etaSeconds'>>, force = false): void {
    this.state = { ...this.state, ...patch };
    const t = this.now();
    this.samples.push({ t, bytes: this.state.bytesDone });
    while (this.samples.length > 2 && t - this.samples[0].t > WINDOW_MS) this.samples.shift();
    const first = this.samples[0];
    const dt = (t - first.t) / 1000;
    if (dt > 0) {
      const rate = Math.max(0, (this.state.bytesDone - first.bytes) / dt);
      this.state.bytesPerSecond = rate;
      const left = Math.max(0, this.state.bytesTotal - this.state.bytesDone);
      this.state.etaSeconds = left === 0 ? 0 : rate > 0 ? left / rate : undefined;
    }
    if (!force && t - this.lastReport < REPORT_INTERVAL_MS) return;
    this.lastReport = t;
    this.report({ ...this.state });
  }

  /** The final report of the phase (always delivered). */
  finish(): void {
    this.update({ bytesDone: this.state.bytesTotal, filesDone: this.state.filesTotal }, true);
  }
}
