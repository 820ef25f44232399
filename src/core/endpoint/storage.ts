import { createHash, randomBytes } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

/**
 * The endpoint's on-disk store. Metadata is one small JSON file per entity, replaced atomically
 * (temp file, fsync, rename, fsync of the directory), so a killed endpoint never leaves a torn record
 * and loses nothing it acknowledged. Archive bytes live under `blobs/` (see blobStore.ts).
 */
export class Storage {
  private readonly pending = new Map<string, Promise<void>>();

  constructor(readonly root: string) {}

  async init(): Promise<void> {
    await fsp.mkdir(path.join(this.root, 'meta'), { recursive: true });
    await fsp.mkdir(path.join(this.root, 'blobs'), { recursive: true });
    await fsp.mkdir(path.join(this.root, 'outputs'), { recursive: true });
  }

  /** Path of a metadata file; `parts` are already file-name safe. */
  meta(...parts: string[]): string {
    return path.join(this.root, 'meta', ...parts);
  }

  get blobsRoot(): string {
    return path.join(this.root, 'blobs');
  }

  blobDir(blobId: string): string {
    return path.join(this.blobsRoot, blobId);
  }

  output(jobId: string): string {
    return path.join(this.root, 'outputs', jobId);
  }

  /** Writes JSON atomically; writes to the same file are applied in call order. */
  writeJson(file: string, value: unknown): Promise<void> {
    const data = JSON.stringify(value);
    const prev = this.pending.get(file) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => writeFileAtomic(file, data));
    this.pending.set(file, next);
    void next.finally(() => { if (this.pending.get(file) === next) this.pending.delete(file); }).catch(() => undefined);
    return next;
  }

  async remove(file: string): Promise<void> {
    const prev = this.pending.get(file);
    if (prev) await prev.catch(() => undefined);
    await fsp.rm(file, { force: true, recursive: true });
  }

  /** Every JSON record in a metadata directory (missing directory: none). Leftover temp files are removed. */
  async readAll<T>(dir: string): Promise<T[]> {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: T[] = [];
    for (const n of names.sort()) {
      const p = path.join(dir, n);
      if (n.includes('.tmp-')) { await fsp.rm(p, { force: true }); continue; }
      if (!n.endsWith('.json')) continue;
      out.push(JSON.parse(await fsp.readFile(p, 'utf8')) as T);
    }
    return out;
  }

  /** Waits for every write in flight (used by close()). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending.values()]);
  }
}

export async function writeFileAtomic(file: string, data: string | Buffer): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  await syncDir(dir);
}

export async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    await fh?.close();
  }
}

/**
 * File name for a vault's records: a vault name may be "." or ".." (so it is prefixed) and 255 long
 * (so long ones are hashed to stay within file-name limits).
 */
export const vaultFileName = (vault: string): string =>
  vault.length <= 100 ? `v-${vault}` : `h-${createHash('sha256').update(vault).digest('hex')}`;
