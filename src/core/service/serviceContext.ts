import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { archiveFacts, archiveState, type ArchiveRecord, type Catalogue, type VaultRecord } from '../catalogue';
import { acquireLock } from '../catalogue/lockFile';
import { FreezerError } from '../errors';
import type { GlacierClients } from '../glacier/clients';
import type { Logger } from '../log';
import { isArchiveStorageClass } from '../s3/storageClass';
import { isS3StoreName, parseStoreRef } from '../s3/storeRef';
import type { KeyStore, ServiceOptions } from './service';
import type { ActivityProgress, ArchiveInfo, ArchiveState, ChangeKind } from './types';
import { toArchiveInfo } from './viewModels';

/** Catalogue setting naming the key new archives are encrypted with. */
export const DEFAULT_KEY_SETTING = 'defaultKeyId';

/**
 * What every operation of the service shares: the layers, the change events, and the archives this
 * process is working on (their progress is part of what the views show).
 */
export class ServiceContext {
  private readonly listeners = new Set<(kind: ChangeKind) => void>();
  /** Progress of the archives this process is building, uploading, downloading or restoring. */
  readonly activities = new Map<number, ActivityProgress>();
  /** Aborted by dispose(): long operations of this process stop with it. */
  readonly lifetime = new AbortController();
  /** Loops started by watchJobs, awaited by dispose(). */
  readonly watchers = new Set<Promise<unknown>>();
  /** Long operations (freeze, upload, download, restore) dispose() lets settle before closing the catalogue. */
  readonly operations = new Set<Promise<unknown>>();

  constructor(
    readonly opts: ServiceOptions,
    readonly catalogue: Catalogue,
    readonly clients: GlacierClients,
  ) {}

  get log(): Logger {
    return this.opts.log;
  }

  get keyStore(): KeyStore {
    return this.opts.keyStore;
  }

  get region(): string {
    return this.opts.glacier.region;
  }

  onDidChange(listener: (kind: ChangeKind) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(...kinds: ChangeKind[]): void {
    for (const kind of kinds) {
      for (const l of [...this.listeners]) {
        const failed = (e: unknown) => this.log.warn('A change listener failed: %s', (e as Error)?.message ?? String(e));
        try {
          // Listeners are often async: a rejection must not become an unhandled one.
          const r = l(kind) as unknown;
          if (r instanceof Promise) r.catch(failed);
        } catch (e) {
          failed(e);
        }
      }
    }
  }

  /** Runs a long operation so that dispose() stops it (via `lifetime`) and waits for it before closing. */
  track<T>(run: () => Promise<T>): Promise<T> {
    const p = run();
    const settled = p.then(() => undefined, () => undefined);
    this.operations.add(settled);
    void settled.then(() => this.operations.delete(settled));
    return p;
  }

  setActivity(archiveId: number, p: ActivityProgress | undefined): void {
    if (p) this.activities.set(archiveId, p);
    else this.activities.delete(archiveId);
    this.emit('archives');
  }

  /**
   * The catalogue row of a vault of this region, created when the catalogue does not know it yet;
   * a bucket store (s3://bucket/prefix) must have been added first.
   */
  async vaultRecord(name: string): Promise<VaultRecord> {
    if (isS3StoreName(name)) {
      const ref = parseStoreRef(name);
      const v = ref.kind === 's3' ? await this.catalogue.read((r) => r.findBucketStore(ref.bucket, ref.prefix)) : undefined;
      if (!v) throw new FreezerError('StoreNotFound', `${name} is not one of Freezer's stores yet: add the bucket first (Add Existing Bucket, or \`freezer buckets add\`).`);
      return v;
    }
    const known = await this.catalogue.findVault(name, this.region);
    return known ?? this.catalogue.write((tx) => tx.upsertVault({ name, region: this.region }));
  }

  async requireArchive(id: number): Promise<ArchiveRecord> {
    const a = await this.catalogue.getArchive(id);
    if (!a) throw new FreezerError('ArchiveNotFound', `No archive with id ${id} in the catalogue; refresh the view.`);
    return a;
  }

  async stateOf(a: ArchiveRecord): Promise<ArchiveState> {
    return (await this.stateAndExpiry(a)).state;
  }

  /** The state and, for a melted bucket archive, when its restored copy expires. */
  private async stateAndExpiry(a: ArchiveRecord): Promise<{ state: ArchiveState; restoredUntil?: string }> {
    const [localFileExists, latest] = await Promise.all([exists(a.localPath), this.catalogue.latestRetrievalJob(a.id)]);
    const outputExists = latest?.outputPath ? await exists(latest.outputPath) : false;
    const state = archiveState(archiveFacts(a, { localFileExists, latestRetrieval: latest, outputExists }));
    return { state, ...(state === 'melted' && latest?.expires ? { restoredUntil: latest.expires } : {}) };
  }

  async archiveInfo(a: ArchiveRecord): Promise<ArchiveInfo> {
    const { state, restoredUntil } = await this.stateAndExpiry(a);
    const info = toArchiveInfo(a, state, this.activities.get(a.id));
    return {
      ...info,
      ...(isArchiveStorageClass(a.storageClass) ? { storageClass: a.storageClass } : {}),
      ...(restoredUntil ? { restoredUntil } : {}),
    };
  }

  /**
   * Where the local file of an archive lives: the upload folder, named after the archive. A random
   * part keeps names unique even when a recreated catalogue hands out the same row id again; a
   * download names it after the Glacier id instead, so a resumed download finds its file again.
   */
  localArchivePath(a: { id: number; name: string; compression: string; encryption: string; glacierId?: string | null }): string {
    const safe = a.name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80) || 'archive';
    const ext = { gzip: '.tar.gz', bzip2: '.tar.bz2', zstd: '.tar.zst', none: '.tar' }[a.compression] ?? '.tar';
    const enc = a.encryption === 'fzr1' ? '.fzr' : a.encryption === 'legacy-cbc' ? '.enc' : '';
    const unique = a.glacierId ? createHash('sha256').update(a.glacierId).digest('hex').slice(0, 8) : randomBytes(4).toString('hex');
    return path.join(this.opts.uploadFolder, `${safe}-${a.id}-${unique}${ext}${enc}`);
  }

  /**
   * Runs `fn` holding a per-archive (or per-job) lock shared by every process using this catalogue,
   * so the extension and the daemon never upload, download or restore the same thing twice. With
   * `wait: false`, resolves to undefined at once when a live process holds it.
   */
  async exclusive<T>(name: string, fn: () => Promise<T>, opts: { wait?: boolean } = {}): Promise<T | undefined> {
    const release = await this.lock(name, opts);
    if (!release) return undefined;
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /**
   * Takes the lock `exclusive` uses and returns its release, for a lock held across steps that are
   * not one function; with `wait: false`, undefined when a live process holds it. A lock whose process
   * is gone (killed, crashed) is taken over: a lock says a process is alive, whatever its age.
   */
  async lock(name: string, opts: { wait?: boolean } = {}): Promise<(() => Promise<void>) | undefined> {
    const dir = `${this.catalogue.file}.locks`;
    await fs.mkdir(dir, { recursive: true });
    try {
      return await acquireLock(path.join(dir, `${name}.lock`), { timeoutMs: opts.wait === false ? 0 : 24 * 3600 * 1000 });
    } catch (e) {
      if (opts.wait === false && FreezerError.is(e, 'CatalogueLocked')) return undefined;
      throw e;
    }
  }
}

export async function exists(p: string | null | undefined): Promise<boolean> {
  if (!p) return false;
  return fs.access(p).then(() => true, () => false);
}
