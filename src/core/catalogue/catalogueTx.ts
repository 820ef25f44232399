import type { SqlValue } from 'sql.js';
import { FreezerError } from '../errors';
import { count } from '../words';
import { ROOT_DIR_ID, CatalogueReader } from './catalogueReader';
import { splitCataloguePath } from './cataloguePath';
import { hexToBlob, num } from './sqlConnection';
import type {
  ArchiveInput, ArchivePatch, ArchiveRecord, JobInput, JobPatch, JobRecord, KeyInput, KeyRecord, MemberInput,
  UploadSessionInput, VaultInput, VaultRecord, BucketStoreInput,
} from './types';

/** The name a bucket store is known by: s3://bucket or s3://bucket/prefix (without the prefix's last '/'). */
export const bucketStoreName = (bucket: string, prefix: string): string => `s3://${bucket}${prefix ? `/${prefix.replace(/\/$/, '')}` : ''}`;

type Columns<T> = { [K in keyof T]-?: [column: string, encode?: (v: T[K]) => SqlValue] };

const b = (v: boolean | undefined): SqlValue => (v ? 1 : 0);
const VAULT_COLUMNS: Columns<Omit<VaultInput, 'name' | 'region'>> = {
  kind: ['kind'], bucket: ['bucket'], prefix: ['prefix'], storageClass: ['storage_class'], arn: ['arn'], created: ['created'], sizeBytes: ['size_bytes'], archiveCount: ['archive_count'],
  lastInventory: ['last_inventory'], lastUpload: ['last_upload'],
};
const ARCHIVE_COLUMNS: Columns<ArchivePatch> = {
  vaultId: ['vault_id'], glacierId: ['glacier_id'], size: ['size'], encryptedSize: ['encrypted_size'], treeHash: ['tree_hash'],
  description: ['description'], created: ['created'], uploaded: ['uploaded'], localPath: ['local_path'], keyId: ['key_id'],
  compression: ['compression'], format: ['format'], building: ['building', b], uploading: ['uploading', b],
  deletedRemote: ['deleted_remote', b], lastInventory: ['last_inventory'],
  frameIndex: ['frame_index', (v) => (v === undefined || v === null ? null : JSON.stringify(v))],
  storageClass: ['storage_class'],
  segments: ['segments', (v) => (v === undefined || v === null ? null : JSON.stringify(v))],
};
const JOB_COLUMNS: Columns<JobPatch> = {
  vaultId: ['vault_id'], archiveId: ['archive_id'], action: ['action'], tier: ['tier'], byteRange: ['byte_range'],
  status: ['status'], statusMessage: ['status_message'], created: ['created'], completed: ['completed'],
  executed: ['executed'], outputPath: ['output_path'], restoreTarget: ['restore_target'], snsTopic: ['sns_topic'],
  description: ['description'], expires: ['expires'],
  ticket: ['ticket', (v) => (v === undefined || v === null ? null : JSON.stringify(v))],
};

/** Names of settings that would hold a secret: those belong in secure storage, never in the catalogue. */
const SECRET_SETTING = /secret|password|passphrase|keystring|private|token|credential/i;

function assignments<T extends object>(map: Columns<T>, patch: T): { cols: string[]; values: SqlValue[] } {
  const cols: string[] = [];
  const values: SqlValue[] = [];
  for (const [k, v] of Object.entries(patch)) {
    const spec = (map as Record<string, [string, ((x: unknown) => SqlValue)?]>)[k];
    if (!spec || v === undefined) continue;
    cols.push(spec[0]);
    values.push(spec[1] ? spec[1](v) : (v as SqlValue));
  }
  return { cols, values };
}

const now = () => new Date().toISOString();

/**
 * Changes to the catalogue, valid only inside `Catalogue.write()` (one lock, one transaction, one
 * save). Extends the reader so a change can look at what is there first.
 */
export class CatalogueTx extends CatalogueReader {
  private active = true;
  private readonly dirIds = new Map<string, number>();

  /** @internal */
  end(): void {
    this.active = false;
  }

  // ---- vaults
  /** Inserts the vault (name + region) or updates the given fields of the existing one. */
  upsertVault(v: VaultInput): VaultRecord {
    this.check();
    const region = v.region ?? '';
    const { cols, values } = assignments(VAULT_COLUMNS, v);
    const existing = this.findVault(v.name, region);
    if (existing) {
      if (cols.length) this.sql.run(`UPDATE vaults SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...values, existing.id]);
      return this.getVault(existing.id) as VaultRecord;
    }
    this.sql.run(`INSERT INTO vaults (name, region${cols.map((c) => `, ${c}`).join('')}) VALUES (?, ?${cols.map(() => ', ?').join('')})`, [v.name, region, ...values]);
    return this.findVault(v.name, region) as VaultRecord;
  }

  /**
   * Inserts the bucket store s3://bucket/prefix or updates the given fields of the known one. Its
   * name is the location, so everything that names stores by name (views, CLI, jobs) works as for vaults.
   */
  upsertBucketStore(s: BucketStoreInput): VaultRecord {
    this.check();
    const name = bucketStoreName(s.bucket, s.prefix);
    const existing = this.findBucketStore(s.bucket, s.prefix);
    return this.upsertVault({
      name, region: existing?.region ?? s.region, kind: 'bucket', bucket: s.bucket, prefix: s.prefix,
      ...(s.storageClass !== undefined ? { storageClass: s.storageClass } : {}),
      ...(s.created !== undefined ? { created: s.created } : {}),
    });
  }

  /** Saves a store's resumable state (durable once `write()` returns). */
  saveStoreSession(key: string, state: unknown): void {
    this.check();
    this.sql.run('INSERT INTO store_sessions (key, state, updated) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state, updated = excluded.updated', [key, JSON.stringify(state), now()]);
  }

  deleteStoreSession(key: string): void {
    this.check();
    this.sql.run('DELETE FROM store_sessions WHERE key = ?', [key]);
  }

  /** Removes a vault with its archives, their memberships and its jobs. */
  removeVault(id: number): void {
    this.check();
    for (const r of this.sql.all('SELECT id FROM archives WHERE vault_id = ?', [id])) this.removeArchive(num(r[0]));
    this.sql.run('DELETE FROM jobs WHERE vault_id = ?', [id]);
    this.sql.run('DELETE FROM vaults WHERE id = ?', [id]);
  }

  // ---- archives
  addArchive(a: ArchiveInput): ArchiveRecord {
    this.check();
    if (!this.getVault(a.vaultId)) throw new FreezerError('CatalogueUnknownVault', `No vault with id ${a.vaultId} in the catalogue.`);
    this.checkGlacierIdFree(a.glacierId, undefined);
    const { cols, values } = assignments(ARCHIVE_COLUMNS, { created: now(), ...a });
    const id = num(this.sql.value(`INSERT INTO archives (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')}) RETURNING id`, values));
    return this.getArchive(id) as ArchiveRecord;
  }

  updateArchive(id: number, patch: ArchivePatch): ArchiveRecord {
    this.check();
    this.checkGlacierIdFree(patch.glacierId, id);
    const { cols, values } = assignments(ARCHIVE_COLUMNS, patch);
    if (cols.length) this.sql.run(`UPDATE archives SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`, [...values, id]);
    const a = this.getArchive(id);
    if (!a) throw new FreezerError('CatalogueUnknownArchive', `No archive with local id ${id} in the catalogue.`);
    return a;
  }

  /**
   * Removes an archive from the catalogue with its memberships and upload session; its jobs stay as
   * history (unlinked). Files left in no archive go at the next `removeOrphanFiles()`.
   */
  removeArchive(id: number): void {
    this.check();
    this.forgetMembers(id);
    this.sql.run('DELETE FROM upload_parts WHERE archive_id = ?', [id]);
    this.sql.run('DELETE FROM upload_sessions WHERE archive_id = ?', [id]);
    this.sql.run('DELETE FROM store_sessions WHERE key = ?', [String(id)]);
    this.sql.run('UPDATE jobs SET archive_id = NULL WHERE archive_id = ?', [id]);
    this.sql.run('DELETE FROM archives WHERE id = ?', [id]);
  }

  /**
   * Records files as members of an archive (a file = name + size + SHA-256, shared by every archive
   * holding that content under that name). Returns the number of members added.
   */
  addMembers(archiveId: number, members: Iterable<MemberInput>): number {
    this.check();
    if (!this.sql.get('SELECT 1 FROM archives WHERE id = ?', [archiveId])) {
      throw new FreezerError('CatalogueUnknownArchive', `No archive with local id ${archiveId} in the catalogue.`);
    }
    const delta = new Map<number, number>();
    let n = 0;
    for (const m of members) {
      const segs = splitCataloguePath(m.path);
      const name = segs.pop();
      if (name === undefined) throw new FreezerError('CatalogueBadPath', `"${m.path}" is not a file path.`);
      if (!/^[0-9a-fA-F]{64}$/.test(m.sha256)) throw new FreezerError('CatalogueBadHash', `The SHA-256 of ${m.path} is not 64 hex digits.`);
      const dirId = this.ensureDir(segs);
      const sha = hexToBlob(m.sha256);
      const mtime = m.mtimeMs === undefined || m.mtimeMs === null ? null : Math.trunc(m.mtimeMs);
      let fileId = this.sql.value('SELECT id FROM files WHERE sha256 = ? AND size = ? AND name = ?', [sha, m.size, name]);
      if (fileId === undefined) {
        fileId = this.sql.value('INSERT INTO files (name, size, sha256, mtime) VALUES (?, ?, ?, ?) RETURNING id', [name, m.size, sha, mtime]);
      } else if (mtime !== null) {
        this.sql.run('UPDATE files SET mtime = ? WHERE id = ? AND mtime IS NULL', [mtime, fileId]);
      }
      if (!this.sql.get('SELECT 1 FROM members WHERE dir_id = ? AND name = ? LIMIT 1', [dirId, name])) {
        delta.set(dirId, (delta.get(dirId) ?? 0) + 1);
      }
      this.sql.run('INSERT INTO members (archive_id, file_id, dir_id, name, tar_offset, changed) VALUES (?, ?, ?, ?, ?, ?)', [archiveId, fileId as number, dirId, name, m.tarOffset ?? null, m.changed ? 1 : 0]);
      n++;
    }
    this.applyFolderCounts(delta);
    this.sql.run('UPDATE archives SET member_count = member_count + ? WHERE id = ?', [n, archiveId]);
    return n;
  }

  /**
   * Forgets which files an archive holds (it is gone from Glacier and from this disk), keeping the
   * archive's row so later inventories still know it was deleted. Returns the memberships removed.
   */
  forgetMembers(id: number): number {
    this.check();
    const paths = this.sql.all('SELECT DISTINCT dir_id, name FROM members WHERE archive_id = ?', [id]);
    const n = this.sql.run('DELETE FROM members WHERE archive_id = ?', [id]);
    const delta = new Map<number, number>();
    for (const [dirId, name] of paths) {
      if (!this.sql.get('SELECT 1 FROM members WHERE dir_id = ? AND name = ? LIMIT 1', [dirId, name])) {
        delta.set(num(dirId), (delta.get(num(dirId)) ?? 0) - 1);
      }
    }
    this.applyFolderCounts(delta);
    this.sql.run('UPDATE archives SET member_count = 0 WHERE id = ?', [id]);
    return n;
  }

  /** Maintenance: deletes files that are in no archive any more. Returns how many. */
  removeOrphanFiles(): number {
    this.check();
    return this.sql.run('DELETE FROM files WHERE NOT EXISTS (SELECT 1 FROM members m WHERE m.file_id = files.id)');
  }

  /** Maintenance: recomputes every folder's file count and archive member counts from the memberships. */
  rebuildCounts(): void {
    this.check();
    const parent = new Map<number, number>();
    for (const [id, p] of this.sql.all('SELECT id, parent_id FROM dirs')) parent.set(num(id), num(p));
    const counts = new Map<number, number>();
    for (const [dirId, c] of this.sql.all('SELECT dir_id, count(DISTINCT name) FROM members GROUP BY dir_id')) {
      for (let d: number | undefined = num(dirId); d !== undefined && d !== 0; d = parent.get(d)) counts.set(d, (counts.get(d) ?? 0) + num(c));
    }
    this.sql.run('UPDATE dirs SET file_count = 0');
    for (const [id, c] of counts) this.sql.run('UPDATE dirs SET file_count = ? WHERE id = ?', [c, id]);
    this.sql.run(`DELETE FROM dirs WHERE file_count = 0 AND id <> ${ROOT_DIR_ID}`);
    this.dirIds.clear();
    this.sql.run('UPDATE archives SET member_count = (SELECT count(*) FROM members m WHERE m.archive_id = archives.id)');
  }

  // ---- jobs
  /** Inserts a job (by Glacier JobId) or updates the given fields of the known one. */
  upsertJob(j: JobInput): JobRecord {
    this.check();
    const { jobId, ...rest } = j;
    if (this.getJob(jobId)) return this.updateJob(jobId, rest);
    const { cols, values } = assignments(JOB_COLUMNS, { created: now(), ...rest });
    this.sql.run(`INSERT INTO jobs (glacier_job_id, ${cols.join(', ')}) VALUES (?, ${cols.map(() => '?').join(', ')})`, [jobId, ...values]);
    return this.getJob(jobId) as JobRecord;
  }

  updateJob(jobId: string, patch: JobPatch): JobRecord {
    this.check();
    const { cols, values } = assignments(JOB_COLUMNS, patch);
    if (cols.length) this.sql.run(`UPDATE jobs SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE glacier_job_id = ?`, [...values, jobId]);
    const j = this.getJob(jobId);
    if (!j) throw new FreezerError('CatalogueUnknownJob', `No job ${jobId} in the catalogue.`);
    return j;
  }

  removeJob(jobId: string): void {
    this.check();
    this.sql.run('DELETE FROM jobs WHERE glacier_job_id = ?', [jobId]);
  }

  // ---- keys (facts only: the key bytes live in secure storage)
  addKey(k: KeyInput): KeyRecord {
    this.check();
    if (this.getKey(k.id)) throw new FreezerError('CatalogueDuplicateKey', `A key with id ${k.id} is already in the catalogue.`);
    this.sql.run('INSERT INTO keys (id, algorithm, fingerprint, label, created) VALUES (?, ?, ?, ?, ?)', [k.id, k.algorithm, k.fingerprint, k.label ?? '', k.created ?? now()]);
    return this.getKey(k.id) as KeyRecord;
  }

  setKeyLabel(id: string, label: string): void {
    this.check();
    this.sql.run('UPDATE keys SET label = ? WHERE id = ?', [label, id]);
  }

  /** Refuses while an archive still needs the key. */
  removeKey(id: string): void {
    this.check();
    const used = num(this.sql.value('SELECT count(*) FROM archives WHERE key_id = ?', [id]));
    if (used) throw new FreezerError('KeyInUse', `Key ${id} encrypts ${count(used, 'archive')}: it cannot be removed while ${used === 1 ? 'it is' : 'they are'} catalogued.`);
    this.sql.run('DELETE FROM keys WHERE id = ?', [id]);
  }

  // ---- settings and exclusions
  setSetting(name: string, value: string): void {
    this.check();
    if (SECRET_SETTING.test(name)) throw new FreezerError('SecretInSettings', `"${name}" looks like a secret: store it in secure storage, not in the catalogue.`);
    this.sql.run('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value', [name, value]);
  }

  deleteSetting(name: string): void {
    this.check();
    this.sql.run('DELETE FROM settings WHERE name = ?', [name]);
  }

  /** Adds a regular expression of paths never to freeze (checked for validity); false if already there. */
  addExclusionPath(pattern: string): boolean {
    this.check();
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new FreezerError('BadExclusionPattern', `"${pattern}" is not a valid regular expression: ${(e as Error).message}`);
    }
    return this.sql.run('INSERT OR IGNORE INTO exclusion_paths (pattern, created) VALUES (?, ?)', [pattern, now()]) > 0;
  }

  removeExclusionPath(pattern: string): void {
    this.check();
    this.sql.run('DELETE FROM exclusion_paths WHERE pattern = ?', [pattern]);
  }

  /** False if already there. */
  addManualExclusion(path: string): boolean {
    this.check();
    return this.sql.run('INSERT OR IGNORE INTO manual_exclusions (path, created) VALUES (?, ?)', [path, now()]) > 0;
  }

  removeManualExclusion(path: string): void {
    this.check();
    this.sql.run('DELETE FROM manual_exclusions WHERE path = ?', [path]);
  }

  // ---- multipart upload sessions
  /** Starts (or replaces) the upload session of an archive; `partsDone` are kept if given. */
  saveUploadSession(s: UploadSessionInput): void {
    this.check();
    this.sql.run(
      `INSERT INTO upload_sessions (archive_id, vault_name, upload_id, part_size, total_size, created, completing) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (archive_id) DO UPDATE SET vault_name = excluded.vault_name, upload_id = excluded.upload_id,
       part_size = excluded.part_size, total_size = excluded.total_size, completing = excluded.completing`,
      [s.archiveId, s.vaultName, s.uploadId, s.partSize, s.totalSize, s.created ?? now(), s.completing ?? null],
    );
    if (s.partsDone) {
      this.sql.run('DELETE FROM upload_parts WHERE archive_id = ?', [s.archiveId]);
      for (const p of s.partsDone) this.markPartDone(s.archiveId, p.index, p.treeHash);
    }
  }

  markPartDone(archiveId: number, partIndex: number, treeHashHex: string): void {
    this.check();
    if (!this.sql.get('SELECT 1 FROM upload_sessions WHERE archive_id = ?', [archiveId])) {
      throw new FreezerError('CatalogueNoUploadSession', `Archive ${archiveId} has no upload session to record part ${partIndex} in.`);
    }
    this.sql.run('INSERT OR REPLACE INTO upload_parts (archive_id, part_index, tree_hash) VALUES (?, ?, ?)', [archiveId, partIndex, treeHashHex]);
  }

  /** Records that CompleteMultipartUpload is about to be sent (kept from the first time on). */
  markCompleting(archiveId: number, when: string): void {
    this.check();
    if (!this.sql.get('SELECT 1 FROM upload_sessions WHERE archive_id = ?', [archiveId])) {
      throw new FreezerError('CatalogueNoUploadSession', `Archive ${archiveId} has no upload session to record its completion in.`);
    }
    this.sql.run('UPDATE upload_sessions SET completing = COALESCE(completing, ?) WHERE archive_id = ?', [when, archiveId]);
  }

  deleteUploadSession(archiveId: number): void {
    this.check();
    this.sql.run('DELETE FROM upload_parts WHERE archive_id = ?', [archiveId]);
    this.sql.run('DELETE FROM upload_sessions WHERE archive_id = ?', [archiveId]);
  }

  // ---- hash cache
  rememberHash(path: string, size: number, mtimeMs: number, sha256Hex: string): void {
    this.check();
    this.sql.run('INSERT OR REPLACE INTO hash_cache (path, size, mtime, sha256) VALUES (?, ?, ?, ?)', [path, size, Math.trunc(mtimeMs), hexToBlob(sha256Hex)]);
  }

  forgetHash(path: string): void {
    this.check();
    this.sql.run('DELETE FROM hash_cache WHERE path = ?', [path]);
  }

  // ---- internals
  private checkGlacierIdFree(glacierId: string | null | undefined, self: number | undefined): void {
    if (!glacierId) return;
    const other = this.findArchiveByGlacierId(glacierId);
    if (other && other.id !== self) {
      throw new FreezerError('CatalogueDuplicateArchive', `Glacier archive ${glacierId.slice(0, 16)}… is already catalogued as archive ${other.id} in vault ${other.vaultName}.`);
    }
  }

  private check(): void {
    if (!this.active) throw new FreezerError('CatalogueTxClosed', 'A catalogue change was attempted outside its write(): do every change inside the write callback.');
  }

  private ensureDir(segs: readonly string[]): number {
    const key = segs.join('\0');
    const known = this.dirIds.get(key);
    if (known !== undefined) return known;
    let id = ROOT_DIR_ID;
    for (let i = 0; i < segs.length; i++) {
      const prefix = segs.slice(0, i + 1).join('\0');
      const cached = this.dirIds.get(prefix);
      if (cached !== undefined) { id = cached; continue; }
      const found = this.sql.value('SELECT id FROM dirs WHERE parent_id = ? AND name = ?', [id, segs[i]]);
      id = found !== undefined ? num(found) : num(this.sql.value('INSERT INTO dirs (parent_id, name) VALUES (?, ?) RETURNING id', [id, segs[i]]));
      this.dirIds.set(prefix, id);
    }
    return id;
  }

  /** Adds per-folder deltas of distinct files to each folder and its ancestors; drops emptied folders. */
  private applyFolderCounts(delta: Map<number, number>): void {
    if (!delta.size) return;
    const total = new Map<number, number>();
    const parents = new Map<number, number>();
    for (const [dirId, d] of delta) {
      for (let id = dirId; id !== 0;) {
        total.set(id, (total.get(id) ?? 0) + d);
        let p = parents.get(id);
        if (p === undefined) {
          p = num(this.sql.value('SELECT parent_id FROM dirs WHERE id = ?', [id]));
          parents.set(id, p);
        }
        id = p;
      }
    }
    let emptied = false;
    for (const [id, d] of total) {
      if (!d) continue;
      this.sql.run('UPDATE dirs SET file_count = file_count + ? WHERE id = ?', [d, id]);
      if (d < 0) emptied = true;
    }
    if (emptied) {
      this.sql.run(`DELETE FROM dirs WHERE file_count <= 0 AND id <> ${ROOT_DIR_ID}`);
      this.dirIds.clear();
    }
  }
}
