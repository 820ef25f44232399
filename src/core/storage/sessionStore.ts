import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Where a store keeps an upload's resumable state (upload ids, finished segments): the catalogue in
 * the product, a JSON file for the CLI and tests. The state is plain JSON, opaque to the caller; a
 * store saves it before the first byte is sent and after each step that a resume must not repeat.
 */
export interface SessionStore {
  get(key: string): Promise<unknown | undefined>;
  /** Must be durable when it resolves: a kill right after must find this state. */
  save(key: string, state: unknown): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Sessions in one JSON file, rewritten atomically (temp + fsync + rename); writes serialised in-process. */
export class JsonFileSessionStore implements SessionStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(key: string): Promise<unknown | undefined> {
    await this.queue.catch(() => undefined);
    const v = (await this.readAll())[key];
    return v === undefined ? undefined : structuredClone(v);
  }

  save(key: string, state: unknown): Promise<void> {
    const copy = structuredClone(state);
    return this.update((all) => { all[key] = copy; });
  }

  delete(key: string): Promise<void> {
    return this.update((all) => { delete all[key]; });
  }

  /** Read-modify-write of one key's state, serialised with every other write (nothing when absent). */
  modify<T>(key: string, change: (state: T) => void): Promise<void> {
    return this.update((all) => { if (all[key] !== undefined) change(all[key] as T); });
  }

  private update(change: (all: Record<string, unknown>) => void): Promise<void> {
    const next = this.queue.catch(() => undefined).then(async () => {
      const all = await this.readAll();
      change(all);
      await fs.mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const fh = await fs.open(tmp, 'w');
      try {
        await fh.writeFile(JSON.stringify(all));
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fs.rename(tmp, this.file);
    });
    this.queue = next;
    return next;
  }

  private async readAll(): Promise<Record<string, unknown>> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }
}

/** Sessions in memory (tests; one process only). */
export class MemorySessionStore implements SessionStore {
  readonly map = new Map<string, unknown>();
  async get(key: string) { const v = this.map.get(key); return v === undefined ? undefined : structuredClone(v); }
  async save(key: string, state: unknown) { this.map.set(key, structuredClone(state)); }
  async delete(key: string) { this.map.delete(key); }
}
