/** Progress of a freeze or thaw. ETA is from bytes, not files (one big file would skew a file count). */
export interface PipelineProgress {
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile: string;
  /** Seconds left, from the byte rate so far; undefined until there is a rate. */
  etaSeconds: number | undefined;
}

/** Throttles progress reports to one per interval, plus the final one. */
export class ProgressReporter {
  private readonly start = Date.now();
  private last = 0;
  readonly state: PipelineProgress;

  constructor(
    private readonly cb: ((p: PipelineProgress) => void) | undefined,
    filesTotal: number,
    bytesTotal: number,
    private readonly intervalMs = 100,
  ) {
    this.state = { filesDone: 0, filesTotal, bytesDone: 0, bytesTotal, currentFile: '', etaSeconds: undefined };
  }

  update(patch: Partial<PipelineProgress>, force = false): void {
    Object.assign(this.state, patch);
    if (!this.cb) return;
    const now = Date.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const elapsed = (now - this.start) / 1000;
    const s = this.state;
    s.etaSeconds = s.bytesDone > 0 && elapsed > 0 ? Math.max(0, ((s.bytesTotal - s.bytesDone) * elapsed) / s.bytesDone) : s.bytesDone >= s.bytesTotal ? 0 : undefined;
    this.cb({ ...s });
  }
}
