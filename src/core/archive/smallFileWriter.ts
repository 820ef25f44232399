/**
 * Small restored files written several at a time. Creating a file is the one slow call of a small
 * file (over a millisecond on some file systems, while the writes go to the page cache): a few
 * creations wait on the thread pool at once while the tar stream goes on. Bounded in files and
 * bytes; the first failure is thrown by the next call, and nothing new starts after it.
 */
export class SmallFileWriter {
  private readonly inflight = new Set<Promise<void>>();
  private readonly targets = new Set<string>();
  private bytes = 0;
  private failed = false;
  private failure: unknown;

  constructor(private readonly maxFiles = 8, private readonly maxBytes = 16 * 1024 * 1024) {}

  /** True while a write to `target` has not finished (an archive may hold one path twice). */
  pending(target: string): boolean {
    return this.targets.has(target);
  }

  /** Waits for room (throwing an earlier failure), then starts `job` for `target`. */
  async add(target: string, size: number, job: () => Promise<void>): Promise<void> {
    this.check();
    if (this.targets.has(target)) await this.drain();
    while (this.inflight.size >= this.maxFiles || (this.inflight.size > 0 && this.bytes + size > this.maxBytes)) await Promise.race(this.inflight);
    this.check();
    this.bytes += size;
    this.targets.add(target);
    const run: Promise<void> = job()
      .catch((e: unknown) => {
        if (!this.failed) {
          this.failed = true;
          this.failure = e;
        }
      })
      .finally(() => {
        this.inflight.delete(run);
        this.targets.delete(target);
        this.bytes -= size;
      });
    this.inflight.add(run);
  }

  /** Waits for every write started; throws the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.check();
  }

  /** Waits for every write started, whatever their outcome (before cleaning up after a failure). */
  async settle(): Promise<void> {
    while (this.inflight.size) await Promise.race(this.inflight);
  }

  private check(): void {
    if (this.failed) throw this.failure;
  }
}
