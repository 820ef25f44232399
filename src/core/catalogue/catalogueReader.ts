import { joinCataloguePath, splitCataloguePath } from './cataloguePath';
import type { Row, SqlConnection } from './sqlConnection';
import { blobToHex, bool, num, numOrNull, str, strOrNull } from './sqlConnection';
import type {
  ArchiveRecord, CatalogueStats, FileIdentity, FileVersion, FolderListing, HashCacheEntry, JobFilter, JobRecord,
  KeyRecord, MemberRecord, UploadSession, VaultRecord,
} from './types';

export const ROOT_DIR_ID = 1;
const HEX64 = /^[0-9a-fA-F]{64}$/;

const VAULT_COLS = `v.id, v.name, v.region, v.arn, v.created, v.size_bytes, v.archive_count, v.last_inventory, v.last_upload,
  v.kind, v.bucket, v.prefix, v.storage_class`;
const ARCHIVE_COLS = `a.id, a.vault_id, v.name, a.glacier_id, a.size, a.encrypted_size, a.tree_hash, a.description, a.created,
  a.uploaded, a.local_path, a.key_id, a.compression, a.format, a.building, a.uploading, a.deleted_remote, a.last_inventory,
  a.member_count, a.storage_class`;
const JOB_COLS = `j.id, j.glacier_job_id, j.vault_id, v.name, j.archive_id, j.action, j.tier, j.byte_range, j.status,
  j.status_message, j.created, j.completed, j.executed, j.output_path, j.restore_target, j.sns_topic, j.description,
  j.ticket, j.expires`;

const toVault = (r: Row): VaultRecord => ({
  id: num(r[0]), name: str(r[1]), region: str(r[2]), arn: strOrNull(r[3]), created: strOrNull(r[4]),
  sizeBytes: numOrNull(r[5]), archiveCount: numOrNull(r[6]), lastInventory: strOrNull(r[7]), lastUpload: strOrNull(r[8]),
  kind: str(r[9]) === 'bucket' ? 'bucket' : 'vault', bucket: strOrNull(r[10]), prefix: str(r[11]), storageClass: strOrNull(r[12]),
});
const toArchive = (r: Row): ArchiveRecord => ({
  id: num(r[0]), vaultId: num(r[1]), vaultName: str(r[2]), glacierId: strOrNull(r[3]), size: num(r[4]),
  encryptedSize: numOrNull(r[5]), treeHash: strOrNull(r[6]), description: str(r[7]), created: str(r[8]),
  uploaded: strOrNull(r[9]), localPath: strOrNull(r[10]), keyId: strOrNull(r[11]), compression: str(r[12]),
  format: str(r[13]), building: bool(r[14]), uploading: bool(r[15]), deletedRemote: bool(r[16]),
  lastInventory: strOrNull(r[17]), fileCount: num(r[18]), storageClass: strOrNull(r[19]),
});
const toJob = (r: Row): JobRecord => ({
  id: num(r[0]), jobId: str(r[1]), vaultId: num(r[2]), vaultName: str(r[3]), archiveId: numOrNull(r[4]),
  action: str(r[5]), tier: strOrNull(r[6]), byteRange: strOrNull(r[7]), status: str(r[8]), statusMessage: strOrNull(r[9]),
  created: str(r[10]), completed: strOrNull(r[11]), executed: strOrNull(r[12]), outputPath: strOrNull(r[13]),
  restoreTarget: strOrNull(r[14]), snsTopic: strOrNull(r[15]), description: strOrNull(r[16]),
  ticket: r[17] === null || r[17] === undefined ? null : JSON.parse(String(r[17])), expires: strOrNull(r[18]),
});
const toKey = (r: Row): KeyRecord => ({ id: str(r[0]), algorithm: str(r[1]), fingerprint: str(r[2]), label: str(r[3]), created: str(r[4]) });

/**
 * Positions 0..n-1 ordered by the first 28 bits of each hex hash: a native numeric sort of
 * (prefix × 2^24 + position), several times faster than comparing strings.
 */
function sortByHashPrefix(hashes: readonly string[]): number[] {
  const keys = new Float64Array(hashes.length);
  for (let k = 0; k < hashes.length; k++) keys[k] = parseInt(hashes[k].slice(0, 7), 16) * 0x1000000 + k;
  keys.sort();
  return Array.from(keys, (v) => v % 0x1000000);
}

/**
 * Every query of the catalogue, synchronous on the in-memory database. Obtain one through
 * `Catalogue.read()` / `Catalogue.write()` (which reload a file changed by another process first).
 */
export class CatalogueReader {
  constructor(protected readonly sql: SqlConnection) {}

  // ---- vaults
  listVaults(): VaultRecord[] {
    return this.sql.all(`SELECT ${VAULT_COLS} FROM vaults v ORDER BY v.name, v.region`).map(toVault);
  }

  getVault(id: number): VaultRecord | undefined {
    const r = this.sql.get(`SELECT ${VAULT_COLS} FROM vaults v WHERE v.id = ?`, [id]);
    return r && toVault(r);
  }

  findVault(name: string, region = ''): VaultRecord | undefined {
    const r = this.sql.get(`SELECT ${VAULT_COLS} FROM vaults v WHERE v.name = ? AND v.region = ?`, [name, region]);
    return r && toVault(r);
  }

  /** The bucket store of s3://bucket/prefix, if catalogued. */
  findBucketStore(bucket: string, prefix: string): VaultRecord | undefined {
    const r = this.sql.get(`SELECT ${VAULT_COLS} FROM vaults v WHERE v.kind = 'bucket' AND v.bucket = ? AND v.prefix = ?`, [bucket, prefix]);
    return r && toVault(r);
  }

  /** A store's resumable state (upload ids, finished segments), as the store saved it. */
  getStoreSession(key: string): unknown {
    const v = this.sql.value('SELECT state FROM store_sessions WHERE key = ?', [key]);
    return v === null || v === undefined ? undefined : JSON.parse(String(v));
  }

  listStoreSessionKeys(): string[] {
    return this.sql.all('SELECT key FROM store_sessions ORDER BY key').map((r) => str(r[0]));
  }

  // ---- archives
  getArchive(id: number): ArchiveRecord | undefined {
    const r = this.sql.get(`SELECT ${ARCHIVE_COLS} FROM archives a JOIN vaults v ON v.id = a.vault_id WHERE a.id = ?`, [id]);
    return r && toArchive(r);
  }

  findArchiveByGlacierId(glacierId: string): ArchiveRecord | undefined {
    const r = this.sql.get(`SELECT ${ARCHIVE_COLS} FROM archives a JOIN vaults v ON v.id = a.vault_id WHERE a.glacier_id = ?`, [glacierId]);
    return r && toArchive(r);
  }

  /** Archives (of one vault, or all), newest first, each with its file count. */
  listArchives(filter: { vaultId?: number } = {}): ArchiveRecord[] {
    const where = filter.vaultId === undefined ? '' : 'WHERE a.vault_id = ?';
    const params = filter.vaultId === undefined ? [] : [filter.vaultId];
    return this.sql.all(`SELECT ${ARCHIVE_COLS} FROM archives a JOIN vaults v ON v.id = a.vault_id ${where} ORDER BY a.created DESC, a.id DESC`, params).map(toArchive);
  }

  /** The pipeline's frame index of an archive (parsed JSON), or undefined. */
  getFrameIndex(archiveId: number): unknown {
    const v = this.sql.value('SELECT frame_index FROM archives WHERE id = ?', [archiveId]);
    return v === null || v === undefined ? undefined : JSON.parse(String(v));
  }

  /** A bucket archive's segment objects (parsed JSON, as the store gave them), or undefined. */
  getSegments(archiveId: number): unknown {
    const v = this.sql.value('SELECT segments FROM archives WHERE id = ?', [archiveId]);
    return v === null || v === undefined ? undefined : JSON.parse(String(v));
  }

  /** Members of an archive in tar order (by offset, then path). */
  archiveMembers(archiveId: number, page: { limit?: number; offset?: number } = {}): MemberRecord[] {
    const rows = this.sql.all(
      `SELECT m.dir_id, m.name, f.size, f.sha256, f.mtime, m.tar_offset, m.changed FROM members m JOIN files f ON f.id = m.file_id
       WHERE m.archive_id = ? ORDER BY m.tar_offset, m.id LIMIT ? OFFSET ?`,
      [archiveId, page.limit ?? -1, page.offset ?? 0],
    );
    const dirs = new Map<number, string[]>();
    return rows.map((r) => ({
      archiveId, path: joinCataloguePath([...this.dirSegments(num(r[0]), dirs), str(r[1])]), name: str(r[1]),
      size: num(r[2]), sha256: blobToHex(r[3]), mtimeMs: numOrNull(r[4]), tarOffset: numOrNull(r[5]), changed: bool(r[6]),
    }));
  }

  // ---- the frozen-file hierarchy
  /**
   * One level of the hierarchy of frozen files by original path: its sub-folders (with the number
   * of distinct files beneath) and its files (newest version first-class, with a version count).
   * Page through big folders with `limit` and `after` (the last file name of the previous page).
   */
  listFolder(path: string, page: { limit?: number; after?: string } = {}): FolderListing {
    const segs = splitCataloguePath(path);
    const base = joinCataloguePath(segs);
    const dirId = this.dirIdOf(segs);
    if (dirId === undefined) return { path: base, folders: [], files: [], more: false };
    const child = (name: string) => joinCataloguePath([...segs, name]);
    const folders = this.sql.all('SELECT name, file_count FROM dirs WHERE parent_id = ? ORDER BY name', [dirId])
      .map((r) => ({ name: str(r[0]), path: child(str(r[0])), fileCount: num(r[1]) }));
    const limit = page.limit ?? -1;
    // A bare column next to max() takes its values from the row holding the max (SQLite rule). A version
    // is a file (name, size, SHA-256): identical copies in several archives count once.
    const rows = this.sql.all(
      `SELECT m.name, count(DISTINCT m.file_id), max(a.created || printf('%020d', a.id)), f.size, f.sha256, a.id, a.created
       FROM members m JOIN archives a ON a.id = m.archive_id JOIN files f ON f.id = m.file_id
       WHERE m.dir_id = ? AND m.name > ? GROUP BY m.name ORDER BY m.name LIMIT ?`,
      [dirId, page.after ?? '', limit < 0 ? -1 : limit + 1],
    );
    const more = limit >= 0 && rows.length > limit;
    const files = (more ? rows.slice(0, limit) : rows).map((r) => ({
      name: str(r[0]), path: child(str(r[0])), versions: num(r[1]), size: num(r[3]), sha256: blobToHex(r[4]),
      archiveId: num(r[5]), archived: str(r[6]),
    }));
    return { path: base, folders, files, more };
  }

  /** Every version of one path: which archive (and vault) holds it, when, its size and hash. Newest first. */
  versionsOf(path: string): FileVersion[] {
    const segs = splitCataloguePath(path);
    const name = segs.pop();
    const dirId = name === undefined ? undefined : this.dirIdOf(segs);
    if (dirId === undefined) return [];
    const full = joinCataloguePath([...segs, name as string]);
    return this.sql.all(
      `SELECT a.id, a.glacier_id, a.vault_id, v.name, a.created, a.uploaded, a.deleted_remote, f.size, f.sha256, f.mtime, m.tar_offset, m.changed
       FROM members m JOIN files f ON f.id = m.file_id JOIN archives a ON a.id = m.archive_id JOIN vaults v ON v.id = a.vault_id
       WHERE m.dir_id = ? AND m.name = ? ORDER BY a.created DESC, a.id DESC`,
      [dirId, name as string],
    ).map((r) => ({
      path: full, archiveId: num(r[0]), glacierId: strOrNull(r[1]), vaultId: num(r[2]), vaultName: str(r[3]),
      archived: str(r[4]), uploaded: strOrNull(r[5]), deletedRemote: bool(r[6]), size: num(r[7]), sha256: blobToHex(r[8]),
      mtimeMs: numOrNull(r[9]), tarOffset: numOrNull(r[10]), changed: bool(r[11]),
    }));
  }

  /**
   * Frozen file paths holding every word of `words` (case-insensitive; the last word in the file
   * name), most recently frozen first, at most `limit`. The name match narrows in SQL; the other
   * words are checked on the full path among a bounded set of candidates.
   */
  searchPaths(words: readonly string[], limit: number): Array<{ path: string; versions: number; archived: string }> {
    const w = words.map((x) => x.toLowerCase()).filter(Boolean);
    if (!w.length) return [];
    const like = `%${w[w.length - 1].replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const rows = this.sql.all(
      `SELECT m.dir_id, m.name, count(DISTINCT m.file_id), max(a.created) AS last FROM members m JOIN archives a ON a.id = m.archive_id
       WHERE m.name LIKE ? ESCAPE '\\' GROUP BY m.dir_id, m.name ORDER BY last DESC, m.name LIMIT ?`,
      [like, Math.max(limit * 20, 200)],
    );
    const dirs = new Map<number, string[]>();
    const out: Array<{ path: string; versions: number; archived: string }> = [];
    for (const r of rows) {
      const full = joinCataloguePath([...this.dirSegments(num(r[0]), dirs), str(r[1])]);
      const lower = full.toLowerCase();
      if (!w.every((x) => lower.includes(x))) continue;
      out.push({ path: full, versions: num(r[2]), archived: str(r[3]) });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The folders the newest archives were frozen from (the common folder of each one's members),
   * newest first, without repeats. Members are in tar order, which is sorted by path, so the first
   * and the last member share the folder all share.
   */
  recentRoots(limit: number): Array<{ path: string; archived: string; fileCount: number }> {
    const archives = this.sql.all('SELECT id, created FROM archives ORDER BY created DESC, id DESC LIMIT ?', [limit * 4]);
    const dirs = new Map<number, string[]>();
    const out: Array<{ path: string; archived: string; fileCount: number }> = [];
    for (const a of archives) {
      const ends = ['ASC', 'DESC'].map((o) => this.sql.get(`SELECT dir_id FROM members WHERE archive_id = ? ORDER BY tar_offset ${o}, id ${o} LIMIT 1`, [a[0]]));
      if (!ends[0] || !ends[1]) continue;
      const [x, y] = ends.map((e) => this.dirSegments(num(e![0]), dirs));
      let n = 0;
      while (n < x.length && n < y.length && x[n] === y[n]) n++;
      if (!n) continue;
      const root = joinCataloguePath(x.slice(0, n));
      const id = this.dirIdOf(x.slice(0, n));
      const fileCount = id === undefined ? 0 : num(this.sql.value('SELECT file_count FROM dirs WHERE id = ?', [id]) ?? 0);
      if (!out.some((o) => o.path === root)) out.push({ path: root, archived: str(a[1]), fileCount });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * For each (name, size, SHA-256), whether that content under that name is already frozen: a member
   * of an archive uploaded to Glacier and not deleted there. With `includePending`, archives still
   * building, uploading or only local count too. One query for the whole selection.
   */
  alreadyFrozen(items: readonly FileIdentity[], opts: { includePending?: boolean } = {}): boolean[] {
    const out = new Array<boolean>(items.length).fill(false);
    // Look the hashes up in index order (sorted) so each index page is read once; hand them over as
    // one blob (JSON parsing in SQLite costs more than the lookups). Size and name are compared here.
    const order = items.map((_, i) => i).filter((i) => HEX64.test(items[i].sha256));
    if (!order.length) return out;
    const byHash = sortByHashPrefix(order.map((i) => items[i].sha256));
    const blob = Buffer.allocUnsafe(byHash.length * 32);
    byHash.forEach((k, pos) => blob.write(items[order[k]].sha256, pos * 32, 32, 'hex'));
    const archiveOk = opts.includePending ? '1' : 'a.glacier_id IS NOT NULL AND a.deleted_remote = 0';
    const rows = this.sql.all(
      `WITH RECURSIVE q(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM q WHERE i + 1 < ?2)
       SELECT q.i, f.size, f.name FROM q JOIN files f ON f.sha256 = substr(?1, q.i * 32 + 1, 32)
       WHERE EXISTS (SELECT 1 FROM members m JOIN archives a ON a.id = m.archive_id WHERE m.file_id = f.id AND ${archiveOk})`,
      [blob, byHash.length],
    );
    for (const [q, size, name] of rows) {
      const i = order[byHash[num(q)]];
      if (items[i].size === num(size) && items[i].name === str(name)) out[i] = true;
    }
    return out;
  }

  // ---- jobs
  getJob(jobId: string): JobRecord | undefined {
    const r = this.sql.get(`SELECT ${JOB_COLS} FROM jobs j JOIN vaults v ON v.id = j.vault_id WHERE j.glacier_job_id = ?`, [jobId]);
    return r && toJob(r);
  }

  /** Jobs matching every given criterion, newest first. */
  listJobs(filter: JobFilter = {}): JobRecord[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.vaultId !== undefined) { where.push('j.vault_id = ?'); params.push(filter.vaultId); }
    if (filter.archiveId !== undefined) { where.push('j.archive_id = ?'); params.push(filter.archiveId); }
    if (filter.action !== undefined) { where.push('j.action = ?'); params.push(filter.action); }
    if (filter.status !== undefined) {
      const s = Array.isArray(filter.status) ? filter.status : [filter.status];
      where.push(`j.status IN (${s.map(() => '?').join(',')})`);
      params.push(...s);
    }
    return this.sql.all(
      `SELECT ${JOB_COLS} FROM jobs j JOIN vaults v ON v.id = j.vault_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY j.created DESC, j.id DESC`, params,
    ).map(toJob);
  }

  /**
   * The newest retrieval job of the whole archive ("latest wins" for its state). Jobs for part of it
   * (one file's byte range) leave the archive's state alone.
   */
  latestRetrievalJob(archiveId: number): JobRecord | undefined {
    const r = this.sql.get(
      `SELECT ${JOB_COLS} FROM jobs j JOIN vaults v ON v.id = j.vault_id JOIN archives a ON a.id = j.archive_id
       WHERE j.archive_id = ? AND j.action = 'ArchiveRetrieval'
         AND (j.byte_range IS NULL OR j.byte_range = '0-' || (COALESCE(a.encrypted_size, a.size) - 1))
       ORDER BY j.created DESC, j.id DESC LIMIT 1`, [archiveId],
    );
    return r && toJob(r);
  }

  // ---- keys, settings, exclusions
  listKeys(): KeyRecord[] {
    return this.sql.all('SELECT id, algorithm, fingerprint, label, created FROM keys ORDER BY created, id').map(toKey);
  }

  getKey(id: string): KeyRecord | undefined {
    const r = this.sql.get('SELECT id, algorithm, fingerprint, label, created FROM keys WHERE id = ?', [id]);
    return r && toKey(r);
  }

  findKeyByFingerprint(fingerprint: string): KeyRecord | undefined {
    const r = this.sql.get('SELECT id, algorithm, fingerprint, label, created FROM keys WHERE fingerprint = ?', [fingerprint]);
    return r && toKey(r);
  }

  getSetting(name: string): string | undefined {
    const v = this.sql.value('SELECT value FROM settings WHERE name = ?', [name]);
    return v === undefined || v === null ? undefined : String(v);
  }

  listSettings(): Record<string, string> {
    return Object.fromEntries(this.sql.all('SELECT name, value FROM settings ORDER BY name').map((r) => [str(r[0]), str(r[1])]));
  }

  /** Regular expressions of paths never to freeze. */
  listExclusionPaths(): string[] {
    return this.sql.all('SELECT pattern FROM exclusion_paths ORDER BY created, pattern').map((r) => str(r[0]));
  }

  /** Paths the user excluded one by one. */
  listManualExclusions(): string[] {
    return this.sql.all('SELECT path FROM manual_exclusions ORDER BY path').map((r) => str(r[0]));
  }

  // ---- uploads and the hash cache
  getUploadSession(archiveId: number): UploadSession | undefined {
    const r = this.sql.get('SELECT archive_id, vault_name, upload_id, part_size, total_size, created, completing FROM upload_sessions WHERE archive_id = ?', [archiveId]);
    if (!r) return undefined;
    const partsDone = this.sql.all('SELECT part_index, tree_hash FROM upload_parts WHERE archive_id = ? ORDER BY part_index', [archiveId])
      .map((p) => ({ index: num(p[0]), treeHash: str(p[1]) }));
    return {
      archiveId: num(r[0]), vaultName: str(r[1]), uploadId: str(r[2]), partSize: num(r[3]), totalSize: num(r[4]), created: str(r[5]), partsDone,
      completing: r[6] === null || r[6] === undefined ? null : str(r[6]),
    };
  }

  listUploadSessions(): UploadSession[] {
    return this.sql.all('SELECT archive_id FROM upload_sessions ORDER BY archive_id')
      .map((r) => this.getUploadSession(num(r[0])) as UploadSession);
  }

  /** The remembered SHA-256 of a file, if its path, size and mtime are unchanged. */
  cachedHash(path: string, size: number, mtimeMs: number): string | undefined {
    const v = this.sql.value('SELECT sha256 FROM hash_cache WHERE path = ? AND size = ? AND mtime = ?', [path, size, Math.trunc(mtimeMs)]);
    return v === undefined || v === null ? undefined : blobToHex(v);
  }

  /** `cachedHash` for many files at once (undefined where unknown or changed). */
  cachedHashes(entries: readonly HashCacheEntry[]): (string | undefined)[] {
    const out = new Array<string | undefined>(entries.length).fill(undefined);
    if (!entries.length) return out;
    const json = JSON.stringify(entries.map((e) => [e.path, e.size, Math.trunc(e.mtimeMs)]));
    const rows = this.sql.all(
      `SELECT j.key, h.sha256 FROM json_each(?) j JOIN hash_cache h ON h.path = j.value ->> 0
       WHERE h.size = j.value ->> 1 AND h.mtime = j.value ->> 2`, [json],
    );
    for (const r of rows) out[num(r[0])] = blobToHex(r[1]);
    return out;
  }

  stats(): CatalogueStats {
    const count = (t: string) => num(this.sql.value(`SELECT count(*) FROM ${t}`));
    return {
      vaults: count('vaults'), archives: count('archives'), files: count('files'), members: count('members'),
      jobs: count('jobs'), keys: count('keys'), folders: count('dirs') - 1,
    };
  }

  // ---- folder tree helpers
  protected dirIdOf(segs: readonly string[]): number | undefined {
    let id = ROOT_DIR_ID;
    for (const s of segs) {
      const v = this.sql.value('SELECT id FROM dirs WHERE parent_id = ? AND name = ?', [id, s]);
      if (v === undefined) return undefined;
      id = num(v);
    }
    return id;
  }

  protected dirSegments(dirId: number, memo: Map<number, string[]>): string[] {
    if (dirId === ROOT_DIR_ID) return [];
    const known = memo.get(dirId);
    if (known) return known;
    const r = this.sql.get('SELECT parent_id, name FROM dirs WHERE id = ?', [dirId]);
    const segs = r ? [...this.dirSegments(num(r[0]), memo), str(r[1])] : [];
    memo.set(dirId, segs);
    return segs;
  }
}

