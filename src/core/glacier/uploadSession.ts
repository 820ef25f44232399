import fs from 'node:fs/promises';
import path from 'node:path';

/** What is needed to resume a multipart upload after a crash: kept before the first part is sent. */
export interface UploadSession {
  /** Caller's key, e.g. the catalogue's archive id. */
  key: string;
  vault: string;
  uploadId: string;
  partSize: number;
  totalSize: number;
  description: string;
  /** Part index → tree hash (hex) of the parts AWS acknowledged. */
  parts: Record<number, string>;
  /**
   * When CompleteMultipartUpload was first sent (ISO). From then on Glacier may hold the archive
   * although no answer said so: the upload is settled (ListParts, inventory), never sent again.
   */
  completing?: string;
}

/** Where upload sessions live: the catalogue in the product, a JSON file for the CLI and tests. */
export interface UploadSessionStore {
  get(key: string): Promise<UploadSession | undefined>;
  save(s: UploadSession): Promise<void>;
  partDone(key: string, partIndex: number, treeHashHex: string): Promise<void>;
  /** Records, before CompleteMultipartUpload is sent, that it is about to be (the first time is kept). */
  completing(key: string, when: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Sessions in one JSON file, rewritten atomically (temp file + fsync + rename) so a kill at any
 * moment leaves either the old or the new state. Writes are serialised within the process.
 */
export class JsonFileUploadSessionStore implements UploadSessionStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  async get(key: string): Promise<UploadSession | undefined> {
    await this.queue.catch(() => undefined);
    const all = await this.readAll();
    const s = all[key];
    return s ? { ...s, parts: { ...s.parts } } : undefined;
  }

  save(s: UploadSession): Promise<void> {
    return this.update((all) => { all[s.key] = { ...s, parts: { ...s.parts } }; });
  }

  partDone(key: string, partIndex: number, treeHashHex: string): Promise<void> {
    return this.update((all) => {
      const s = all[key];
      if (s) s.parts[partIndex] = treeHashHex;
    });
  }

  completing(key: string, when: string): Promise<void> {
    return this.update((all) => {
      const s = all[key];
      if (s) s.completing ??= when;
    });
  }

  delete(key: string): Promise<void> {
    return this.update((all) => { delete all[key]; });
  }

  private update(change: (all: Record<string, UploadSession>) => void): Promise<void> {
    const next = this.queue.catch(() => undefined).then(async () => {
      const all = await this.readAll();
      change(all);
      await this.writeAll(all);
    });
    this.queue = next;
    return next;
  }

  private async readAll(): Promise<Record<string, UploadSession>> {
    try {
      return JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, UploadSession>;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw e;
    }
  }

  private async writeAll(all: Record<string, UploadSession>): Promise<void> {
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
  }
}
