import { AsyncLocalStorage } from 'node:async_hooks';
import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { FreezerError } from '../errors';
import type { Logger } from '../log';
import { nullLogger } from '../log';
import { writeFileAtomic } from './atomicFile';
import { openCatalogueBytes } from './catalogueFile';
import { addRecordedHash, keepPreviousGeneration, recordHashes, recordedHashes, sha256Hex } from './catalogueGenerations';
import { CatalogueReader } from './catalogueReader';
import { CatalogueTx } from './catalogueTx';
import { acquireLock } from './lockFile';
import { newestDamagedCopy, markRecreated, parseRecreatedNotice, RECREATED_SETTING, type RecreatedNotice } from './recreatedNotice';
import { migrate } from './schema';
import { SqlConnection } from './sqlConnection';
import { loadSqlJs } from './sqlJs';
import type {
  ArchiveRecord, CatalogueStats, FileIdentity, FileVersion, FolderListing, HashCacheEntry, JobFilter, JobRecord,
  KeyRecord, UploadSession, UploadSessionInput, VaultRecord,
} from './types';

export interface CatalogueOptions {
  /** Path of sql-wasm.wasm when not next to the bundle nor in node_modules. */
  wasmPath?: string;
  /** How long write() waits for another process's lock before FreezerError('CatalogueLocked') (default 30 s). */
  lockTimeoutMs?: number;
  logger?: Logger;
}

/** Which catalogue's write() callback is running, to refuse a nested write() that would wait forever. */
const insideWrite = new AsyncLocalStorage<Catalogue>();
/** Page cache ceiling; only used as pages are read, so small catalogues stay small. */
const PAGE_CACHE_KIB = 64 * 1024;
/** "Has the file changed since we loaded it?": our saves rename a new file in, so the inode changes too. */
const signature = (st: Stats | undefined): string => (st ? `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}` : 'missing');
const isCorruption = (e: unknown): boolean => e instanceof Error && !(e instanceof FreezerError) && /malformed|not a database|disk image/i.test(e.message);

/**
 * The catalogue: one SQLite file (sql.js, in memory) shared safely by the extension and the daemon.
 * Every change goes through `write()`: lock file, reload if another process saved, one transaction,
 * one atomic save. Reads reload first when the file changed on disk. See docs/CATALOGUE.md.
 */
export class Catalogue {
  private sql: SqlConnection | undefined;
  private loadedSig = 'missing';
  /** SHA-256 of the file as loaded or last saved (recorded beside it with the next save). */
  private loadedHash: string | undefined;
  private dirty = false;
  private writing = false;
  private queue: Promise<unknown> = Promise.resolve();
  private reloading: Promise<void> | undefined;
  private sweptTemp = false;

  private constructor(
    readonly file: string,
    private readonly SQL: SqlJsStatic,
    private readonly opts: CatalogueOptions,
  ) {}

  /** Opens (creating or migrating as needed) the catalogue at `file`. */
  static async open(file: string, opts: CatalogueOptions = {}): Promise<Catalogue> {
    const SQL = await loadSqlJs(opts.wasmPath);
    const c = new Catalogue(path.resolve(file), SQL, opts);
    await fs.mkdir(path.dirname(c.file), { recursive: true });
    await c.reloadIfChanged(true);
    if (c.dirty) await c.write(() => undefined); // persist the creation or migration under the lock
    return c;
  }

  get lockFile(): string {
    return `${this.file}.lock`;
  }

  close(): void {
    this.sql?.close();
    this.sql = undefined;
  }

  /**
   * Applies `fn`'s changes atomically: takes `<file>.lock`, reloads if another process saved since,
   * runs `fn` in one transaction (rolled back if it throws), saves once (temp + fsync + rename) and
   * releases. Calls in one process run one after the other.
   */
  write<T>(fn: (tx: CatalogueTx) => T | Promise<T>): Promise<T> {
    if (insideWrite.getStore() === this) {
      return Promise.reject(new FreezerError('CatalogueNestedWrite', 'catalogue.write() was called inside another write() of the same catalogue: use the tx given to the outer callback.'));
    }
    const run = this.queue.then(() => this.writeNow(fn));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Runs queries on the current content (reloaded first if another process saved). */
  async read<T>(fn: (r: CatalogueReader) => T): Promise<T> {
    if (!this.writing) await this.reloadIfChanged();
    return this.guard(() => fn(new CatalogueReader(this.connection())));
  }

  /** Reloads now if the file changed on disk; true when it did. */
  async refresh(): Promise<boolean> {
    const before = this.loadedSig;
    await this.reloadIfChanged();
    return before !== this.loadedSig;
  }

  /** Full SQLite integrity check (slow on big catalogues: maintenance only). Returns problems found. */
  async verify(): Promise<string[]> {
    return this.read(() => {
      const rows = this.connection().all('PRAGMA integrity_check');
      const msgs = rows.map((r) => String(r[0]));
      return msgs.length === 1 && msgs[0] === 'ok' ? [] : msgs;
    });
  }

  /** Set while this catalogue replaces a damaged one that was set aside, until rebuilt or acknowledged. */
  recreatedNotice(): Promise<RecreatedNotice | undefined> { return this.read((r) => parseRecreatedNotice(r.getSetting(RECREATED_SETTING))); }

  // ---- shortcuts: one query or one change each
  listVaults(): Promise<VaultRecord[]> { return this.read((r) => r.listVaults()); }
  getVault(id: number): Promise<VaultRecord | undefined> { return this.read((r) => r.getVault(id)); }
  findVault(name: string, region?: string): Promise<VaultRecord | undefined> { return this.read((r) => r.findVault(name, region)); }
  getArchive(id: number): Promise<ArchiveRecord | undefined> { return this.read((r) => r.getArchive(id)); }
  findArchiveByGlacierId(glacierId: string): Promise<ArchiveRecord | undefined> { return this.read((r) => r.findArchiveByGlacierId(glacierId)); }
  listArchives(filter?: { vaultId?: number }): Promise<ArchiveRecord[]> { return this.read((r) => r.listArchives(filter)); }
  getFrameIndex(archiveId: number): Promise<unknown> { return this.read((r) => r.getFrameIndex(archiveId)); }
  listFolder(folder: string, page?: { limit?: number; after?: string }): Promise<FolderListing> { return this.read((r) => r.listFolder(folder, page)); }
  versionsOf(file: string): Promise<FileVersion[]> { return this.read((r) => r.versionsOf(file)); }
  alreadyFrozen(items: readonly FileIdentity[], opts?: { includePending?: boolean }): Promise<boolean[]> { return this.read((r) => r.alreadyFrozen(items, opts)); }
  getJob(jobId: string): Promise<JobRecord | undefined> { return this.read((r) => r.getJob(jobId)); }
  listJobs(filter?: JobFilter): Promise<JobRecord[]> { return this.read((r) => r.listJobs(filter)); }
  latestRetrievalJob(archiveId: number): Promise<JobRecord | undefined> { return this.read((r) => r.latestRetrievalJob(archiveId)); }
  listKeys(): Promise<KeyRecord[]> { return this.read((r) => r.listKeys()); }
  getKey(id: string): Promise<KeyRecord | undefined> { return this.read((r) => r.getKey(id)); }
  getSetting(name: string): Promise<string | undefined> { return this.read((r) => r.getSetting(name)); }
  listSettings(): Promise<Record<string, string>> { return this.read((r) => r.listSettings()); }
  listExclusionPaths(): Promise<string[]> { return this.read((r) => r.listExclusionPaths()); }
  listManualExclusions(): Promise<string[]> { return this.read((r) => r.listManualExclusions()); }
  cachedHashes(entries: readonly HashCacheEntry[]): Promise<(string | undefined)[]> { return this.read((r) => r.cachedHashes(entries)); }
  stats(): Promise<CatalogueStats> { return this.read((r) => r.stats()); }

  getUploadSession(archiveId: number): Promise<UploadSession | undefined> { return this.read((r) => r.getUploadSession(archiveId)); }
  saveUploadSession(s: UploadSessionInput): Promise<void> { return this.write((tx) => tx.saveUploadSession(s)); }
  /** Records one uploaded part (one save: call it as each part completes). */
  markPartDone(archiveId: number, partIndex: number, treeHashHex: string): Promise<void> { return this.write((tx) => tx.markPartDone(archiveId, partIndex, treeHashHex)); }
  deleteUploadSession(archiveId: number): Promise<void> { return this.write((tx) => tx.deleteUploadSession(archiveId)); }

  // ---- internals
  private async writeNow<T>(fn: (tx: CatalogueTx) => T | Promise<T>): Promise<T> {
    this.connection();
    const release = await acquireLock(this.lockFile, { timeoutMs: this.opts.lockTimeoutMs });
    this.writing = true;
    try {
      if (!this.sweptTemp) await this.removeLeftoverTemp();
      // A reload started before we held the lock may predate another process's save: check again after it.
      while (this.reloading) await this.reloading.catch(() => undefined);
      await this.reloadIfChanged();
      const sql = this.connection();
      const before = Number(sql.value('SELECT total_changes()'));
      const tx = new CatalogueTx(sql);
      sql.db.run('BEGIN');
      let result: T;
      try {
        result = await insideWrite.run(this, () => fn(tx));
        sql.db.run('COMMIT');
      } catch (e) {
        try {
          sql.db.run('ROLLBACK');
        } catch {
          // SQLite already rolled back on its own (some errors do)
        }
        throw this.wrap(e);
      } finally {
        tx.end();
      }
      if (this.dirty || Number(sql.value('SELECT total_changes()')) !== before) await this.save(sql);
      return result;
    } finally {
      this.writing = false;
      await release();
    }
  }

  /** Saves only happen under the lock, so a temp file seen while holding it was left by a crash. */
  private async removeLeftoverTemp(): Promise<void> {
    this.sweptTemp = true;
    const prefix = `${path.basename(this.file)}.tmp-`;
    const names = await fs.readdir(path.dirname(this.file)).catch(() => [] as string[]);
    for (const n of names.filter((x) => x.startsWith(prefix))) await fs.rm(path.join(path.dirname(this.file), n), { force: true });
  }

  private async save(sql: SqlConnection): Promise<void> {
    try {
      const bytes = sql.db.export();
      const hash = sha256Hex(bytes);
      await recordHashes(this.file, hash, this.loadedHash);
      // The file being replaced was checked when loaded (we hold the lock and reloaded if it changed).
      if (this.loadedHash) await keepPreviousGeneration(this.file);
      await writeFileAtomic(this.file, bytes);
      this.loadedHash = hash;
      this.loadedSig = signature(await fs.stat(this.file));
      this.dirty = false;
    } catch (e) {
      // Memory now holds changes the disk does not: forget them, the next access reloads the file.
      this.loadedSig = 'unsaved';
      throw new FreezerError('CatalogueSaveFailed', `Could not save the catalogue ${this.file}: ${(e as Error).message}. The change was not kept.`, { cause: e });
    }
  }

  private reloadIfChanged(first = false): Promise<void> {
    this.reloading ??= this.reload(first).finally(() => { this.reloading = undefined; });
    return this.reloading;
  }

  private async reload(first: boolean): Promise<void> {
    if (!first && !this.sql) throw new FreezerError('CatalogueClosed', 'The catalogue was closed.');
    const st = await fs.stat(this.file).catch((e: NodeJS.ErrnoException) => { if (e.code === 'ENOENT') return undefined; throw e; });
    const sig = signature(st);
    if (sig === this.loadedSig && this.sql) return;
    // An empty file is not an empty catalogue: something cut it (openCatalogueBytes sets it aside).
    const bytes = st ? await fs.readFile(this.file) : undefined;
    const hash = bytes ? sha256Hex(bytes) : undefined;
    const verified = !!hash && (await recordedHashes(this.file)).includes(hash);
    const db = bytes ? await openCatalogueBytes(this.SQL, this.file, bytes, { verified }) : new this.SQL.Database();
    // The file already lives in memory (sql.js keeps it in a memory file system); a bigger page cache
    // spares copying pages out of it again on every index lookup of a big catalogue.
    db.run(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
    const migrated = migrate(db);
    // A new catalogue in place of a damaged one says so until the user rebuilds or acknowledges it.
    const damagedCopy = bytes ? undefined : await newestDamagedCopy(this.file);
    if (damagedCopy) markRecreated(db, damagedCopy);
    this.sql?.close();
    this.sql = new SqlConnection(db);
    this.loadedSig = sig;
    this.loadedHash = hash;
    // Checked in full just now: remember its hash so the next open is quick again (best effort).
    if (hash && !verified) await addRecordedHash(this.file, hash).catch(() => undefined);
    this.dirty = migrated;
    if (migrated && bytes) (this.opts.logger ?? nullLogger).info('Catalogue %s migrated to the current schema.', this.file);
  }

  private connection(): SqlConnection {
    if (!this.sql) throw new FreezerError('CatalogueClosed', 'The catalogue was closed.');
    return this.sql;
  }

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      throw this.wrap(e);
    }
  }

  private wrap(e: unknown): unknown {
    if (!isCorruption(e)) return e;
    return new FreezerError('CatalogueDamaged', `The catalogue ${this.file} is damaged (${(e as Error).message}). Close Freezer, keep a copy of the file and start with a new catalogue.`, { cause: e });
  }
}
