import fs from 'node:fs/promises';
import { inspect } from 'node:util';
import type { Database, SqlValue } from 'sql.js';
import { parseDescription, type ArchiveDescription } from '../archive/description';
import type { KeyMaterial } from '../crypto/keys';
import { blockSize, makeKeyMaterial, parseKeyAlgorithm } from '../crypto/keys';
import { FreezerError } from '../errors';
import type { Catalogue } from './catalogue';
import type { CatalogueTx } from './catalogueTx';
import { legacyTime } from './legacyTime';
import { loadSqlJs } from './sqlJs';
import type { MemberInput } from './types';

/** Setting names the import writes (non-secret values of the old `settings` table). */
export const LEGACY_SETTING_NAMES: Readonly<Record<string, string>> = {
  accountid: 'aws.accountId',
  awsregion: 'aws.region',
  snstopic: 'aws.snsTopic',
  sqsqueue: 'aws.sqsQueue',
  uploadfolder: 'uploadFolder',
  encryptionkey: 'defaultKeyId',
};

export interface LegacyImportProblem {
  /** Old table and row id (or setting name). */
  table: string;
  row: string;
  reason: string;
  /** "table row: reason", for lists shown to the user. */
  message: string;
}

/** The old AWS keys found in the database; the secret is hidden from JSON and inspect output. */
export interface LegacyAwsCredentials {
  accessKeyId?: string;
  readonly secretAccessKey: string;
}

export interface LegacyImportResult {
  counts: {
    vaults: number; archives: number; files: number; members: number; jobs: number; keys: number;
    exclusionPaths: number; manualExclusions: number; hashes: number; settings: number;
    /** Rows already in the catalogue (an earlier import), left as they were. */
    skippedExisting: number;
  };
  /** Every key with its bytes: store them in secure storage (the catalogue holds only their facts) and tell the user. */
  keys: KeyMaterial[];
  /** The old tool's AWS secret key, if it kept one: offer to store it securely, it is not copied anywhere. */
  legacySecretKeyFound: boolean;
  awsCredentials?: LegacyAwsCredentials;
  /** Rows not imported, or imported with a change, and why. */
  problems: LegacyImportProblem[];
}

type LegacyRow = Record<string, SqlValue>;
const HEX64 = /^[0-9a-fA-F]{64}$/;

/**
 * Imports an AWS Freezer `freezer.db` (file path or bytes; never modified) into the catalogue in one
 * write: vaults, archives with their legacy descriptions and keys, files, memberships, jobs, exclusion
 * paths, non-secret settings and the SHA-256 cache. Importing the same database again adds nothing.
 */
export async function importLegacyDatabase(catalogue: Catalogue, source: string | Uint8Array, opts: { wasmPath?: string } = {}): Promise<LegacyImportResult> {
  const SQL = await loadSqlJs(opts.wasmPath);
  let bytes: Uint8Array;
  try {
    bytes = typeof source === 'string' ? await fs.readFile(source) : source;
  } catch (e) {
    throw new FreezerError('LegacyImportFailed', `Cannot read the AWS Freezer database ${String(source)}: ${(e as Error).message}`, { cause: e });
  }
  let db: Database;
  let tables: Set<string>;
  try {
    db = new SQL.Database(bytes);
    tables = new Set((db.exec("SELECT name FROM sqlite_schema WHERE type = 'table'")[0]?.values ?? []).map((r) => String(r[0])));
  } catch (e) {
    throw new FreezerError('LegacyImportFailed', `${typeof source === 'string' ? source : 'The file'} is not a readable SQLite database (${(e as Error).message}).`, { cause: e });
  }
  try {
    if (!tables.has('vault') || !tables.has('archive')) {
      throw new FreezerError('LegacyImportFailed', 'This is not an AWS Freezer database: it has no vault and archive tables.');
    }
    const read = (t: string): LegacyRow[] => {
      if (!tables.has(t)) return [];
      const out: LegacyRow[] = [];
      const s = db.prepare(`SELECT * FROM "${t}"`);
      try {
        while (s.step()) out.push(s.getAsObject());
      } finally {
        s.free();
      }
      return out;
    };
    const data = {
      vault: read('vault'), archive: read('archive'), file: read('file'), archive_file: read('archive_file'),
      job: read('job'), settings: read('settings'), key: read('key'),
    };
    return await catalogue.write((tx) => new LegacyImporter(tx).run(data));
  } finally {
    db.close();
  }
}

class LegacyImporter {
  private readonly result: LegacyImportResult = {
    counts: { vaults: 0, archives: 0, files: 0, members: 0, jobs: 0, keys: 0, exclusionPaths: 0, manualExclusions: 0, hashes: 0, settings: 0, skippedExisting: 0 },
    keys: [], legacySecretKeyFound: false, problems: [],
  };
  private readonly vaults = new Map<number, number>(); // old id → catalogue id
  private readonly keyIds = new Map<number, KeyMaterial>(); // old id → key
  private readonly archives = new Map<number, number>(); // old id → catalogue id (new ones only)
  private readonly knownArchives = new Set<number>(); // old ids already catalogued
  private region = '';

  constructor(private readonly tx: CatalogueTx) {}

  run(d: Record<'vault' | 'archive' | 'file' | 'archive_file' | 'job' | 'settings' | 'key', LegacyRow[]>): LegacyImportResult {
    this.region = String(d.settings.find((s) => s.name === 'awsregion')?.value ?? '');
    this.importKeys(d.key);
    this.importVaults(d.vault);
    this.importArchives(d.archive);
    this.importFiles(d.file, d.archive_file);
    this.importJobs(d.job);
    this.importSettings(d.settings);
    return this.result;
  }

  private problem(table: string, row: SqlValue | undefined, reason: string): void {
    const r = String(row ?? '?');
    this.result.problems.push({ table, row: r, reason, message: `${table} ${r}: ${reason}` });
  }

  private importKeys(rows: LegacyRow[]): void {
    const byBytes = new Map<string, KeyMaterial>();
    for (const r of rows) {
      let km: KeyMaterial;
      try {
        const algorithm = parseKeyAlgorithm(String(r.algorithm ?? ''), Number(r.keysize));
        if (r.blocksize !== null && r.blocksize !== undefined && Number(r.blocksize) !== blockSize(algorithm)) {
          throw new FreezerError('InvalidKey', `block size ${String(r.blocksize)} does not match ${algorithm}`);
        }
        const hex = String(r.keystring ?? '');
        if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new FreezerError('InvalidKey', 'the key string is not hex');
        km = makeKeyMaterial({ algorithm, key: Buffer.from(hex, 'hex'), legacyId: Number(r.id), label: `AWS Freezer key ${String(r.id)}` });
      } catch (e) {
        this.problem('key', r.id, `not imported: ${FreezerError.is(e) ? e.message : 'unreadable'}`); // never quote the key
        continue;
      }
      const same = byBytes.get(`${km.algorithm}|${km.id}`);
      if (same) {
        this.keyIds.set(Number(r.id), same); // the old tool could hold a key twice
        continue;
      }
      byBytes.set(`${km.algorithm}|${km.id}`, km);
      this.keyIds.set(Number(r.id), km);
      const existing = this.tx.getKey(km.id);
      if (existing && existing.algorithm !== km.algorithm) {
        this.problem('key', r.id, `not imported: its bytes are those of catalogued key ${km.id} (${existing.algorithm}) but it is ${km.algorithm}`);
        this.keyIds.delete(Number(r.id));
        continue;
      }
      if (!existing) {
        this.tx.addKey({ id: km.id, algorithm: km.algorithm, fingerprint: km.id, label: km.label });
        this.result.counts.keys++;
      }
      this.result.keys.push(km);
    }
  }

  private importVaults(rows: LegacyRow[]): void {
    for (const r of rows) {
      const name = String(r.name ?? '').trim();
      if (!name) {
        this.problem('vault', r.id, 'not imported: no name');
        continue;
      }
      const arn = r.arn ? String(r.arn) : null;
      const region = /^arn:aws[\w-]*:glacier:([^:]+):/.exec(arn ?? '')?.[1] ?? this.region;
      const existed = this.tx.findVault(name, region);
      const v = this.tx.upsertVault({
        name, region, arn,
        created: legacyTime(r.created) ?? null,
        sizeBytes: r.size === null || r.size === undefined || r.size === '' ? null : Number(r.size),
        archiveCount: r.objects === null || r.objects === undefined || r.objects === '' ? null : Number(r.objects),
        lastInventory: legacyTime(r.lastinventory) ?? null,
        lastUpload: legacyTime(r.lastupload) ?? null,
      });
      this.vaults.set(Number(r.id), v.id);
      if (existed) this.result.counts.skippedExisting++;
      else this.result.counts.vaults++;
    }
  }

  private importArchives(rows: LegacyRow[]): void {
    const seenGlacier = new Set<string>();
    // Archives never uploaded have no Glacier id: an earlier import is recognised by vault, file and time.
    const localOnly = new Set(this.tx.listArchives().filter((a) => !a.glacierId).map((a) => `${a.vaultId}|${a.localPath}|${a.created}`));
    for (const r of rows) {
      const vaultId = this.vaults.get(Number(r.vault_id));
      if (vaultId === undefined) {
        this.problem('archive', r.id, `not imported: its vault ${String(r.vault_id)} is not in the vault table`);
        continue;
      }
      const glacierId = r.name ? String(r.name) : null;
      if (glacierId && seenGlacier.has(glacierId)) {
        this.problem('archive', r.id, 'not imported: same Glacier archive id as an earlier row');
        continue;
      }
      if (glacierId) seenGlacier.add(glacierId);
      const localPath = r.local_file ? String(r.local_file) : null;
      const created = legacyTime(r.created);
      const existing = glacierId ? this.tx.findArchiveByGlacierId(glacierId) : localOnly.has(`${vaultId}|${localPath}|${created}`);
      if (existing) {
        this.knownArchives.add(Number(r.id));
        this.result.counts.skippedExisting++;
        continue;
      }
      const description = String(r.description ?? '');
      let parsed: ArchiveDescription | undefined;
      try {
        parsed = parseDescription(description || (localPath ?? '').split(/[\\/]/).pop() || '');
      } catch (e) {
        this.problem('archive', r.id, `description "${description.slice(0, 80)}" not understood (${(e as Error).message}); imported without its cipher`);
      }
      const oldKey = r.key_id === null || r.key_id === undefined || r.key_id === '' ? -1 : Number(r.key_id);
      let key: KeyMaterial | undefined;
      if (oldKey !== -1) {
        key = this.keyIds.get(oldKey);
        if (!key) this.problem('archive', r.id, `its key ${oldKey} is not in the key table: import that key's export to read this archive`);
        else if (parsed?.algorithm && parsed.algorithm !== key.algorithm) {
          this.problem('archive', r.id, `its description says ${parsed.algorithm} but key ${oldKey} is ${key.algorithm}; the key table was trusted`);
        }
      } else if (parsed?.encryption === 'legacy-cbc') {
        this.problem('archive', r.id, `its description says ${String(parsed.algorithm)} encryption but no key is recorded: find the key (match on ${String(parsed.algorithm)})`);
      }
      const encrypted = oldKey !== -1 || parsed?.encryption === 'legacy-cbc';
      const lastUpload = String(r.lastupload ?? '');
      if (!created) this.problem('archive', r.id, `creation time "${String(r.created ?? '')}" unreadable; set to the import time`);
      const a = this.tx.addArchive({
        vaultId, glacierId, localPath, description,
        size: Number(r.size ?? 0) || 0,
        ...(created ? { created } : {}),
        uploaded: lastUpload === 'missing' ? null : legacyTime(lastUpload) ?? null,
        deletedRemote: lastUpload === 'missing',
        keyId: key?.id ?? null,
        compression: parsed?.compression ?? 'none',
        format: encrypted ? 'legacy-cbc' : 'none',
      });
      this.archives.set(Number(r.id), a.id);
      this.result.counts.archives++;
    }
  }

  private importFiles(files: LegacyRow[], links: LegacyRow[]): void {
    const byFile = new Map<number, LegacyRow[]>();
    for (const l of links) {
      const list = byFile.get(Number(l.file_id)) ?? [];
      list.push(l);
      byFile.set(Number(l.file_id), list);
    }
    const filesBefore = this.tx.stats().files;
    const members = new Map<number, MemberInput[]>();
    const fileIds = new Set<number>();
    for (const f of files) {
      const id = Number(f.id);
      fileIds.add(id);
      const name = String(f.name ?? '');
      const sha = String(f.sha256 ?? '');
      const size = Number(f.size);
      const filePath = f.path ? String(f.path) : '';
      if (!name || !HEX64.test(sha) || !Number.isSafeInteger(size) || size < 0) {
        const why = !name ? 'no name' : !HEX64.test(sha) ? 'its SHA-256 is not 64 hex digits' : 'its size is not a whole number';
        this.problem('file', id, `not imported (nor its ${byFile.get(id)?.length ?? 0} archive memberships): ${why}`);
        continue;
      }
      const mtime = legacyTime(f.date);
      const mtimeMs = mtime ? Date.parse(mtime) : null;
      if (filePath && mtimeMs !== null) {
        this.tx.rememberHash(absolute(filePath), size, mtimeMs, sha);
        this.result.counts.hashes++;
      }
      if (Number(f.is_excluded ?? 0) === 1 && filePath && this.tx.addManualExclusion(absolute(filePath))) {
        this.result.counts.manualExclusions++;
      }
      const linked = new Set<number>();
      for (const l of byFile.get(id) ?? []) {
        linked.add(Number(l.archive_id));
        this.addMember(members, 'archive_file', `${String(l.archive_id)}/${id}`, Number(l.archive_id), l.path ? String(l.path) : filePath, { size, sha256: sha, mtimeMs });
      }
      // in_archives repeats archive_file; a listed archive without its row is restored from it.
      for (const part of String(f.in_archives ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const archiveId = Number(part);
        if (linked.has(archiveId)) continue;
        if (!Number.isInteger(archiveId)) {
          this.problem('file', id, `in_archives has "${part}", not an archive id`);
          continue;
        }
        if (!this.archives.has(archiveId) && !this.knownArchives.has(archiveId)) continue; // reported with the archive
        this.problem('file', id, `in_archives lists archive ${archiveId} but archive_file has no row; added with the file's current path`);
        linked.add(archiveId);
        this.addMember(members, 'file', id, archiveId, filePath, { size, sha256: sha, mtimeMs });
      }
    }
    for (const l of links) {
      if (!fileIds.has(Number(l.file_id))) this.problem('archive_file', `${String(l.archive_id)}/${String(l.file_id)}`, `not imported: file ${String(l.file_id)} is not in the file table`);
    }
    for (const [archiveId, list] of members) this.result.counts.members += this.tx.addMembers(archiveId, list);
    this.result.counts.files = this.tx.stats().files - filesBefore;
  }

  private addMember(into: Map<number, MemberInput[]>, table: string, row: SqlValue, oldArchive: number, path: string, f: Omit<MemberInput, 'path'>): void {
    if (this.knownArchives.has(oldArchive)) return; // imported before
    const archiveId = this.archives.get(oldArchive);
    if (archiveId === undefined) {
      this.problem(table, row, `membership not imported: archive ${oldArchive} was not imported`);
      return;
    }
    if (!path) {
      this.problem(table, row, 'membership not imported: no path');
      return;
    }
    const list = into.get(archiveId) ?? [];
    list.push({ ...f, path: absolute(path) });
    into.set(archiveId, list);
  }

  private importJobs(rows: LegacyRow[]): void {
    for (const r of rows) {
      const jobId = String(r.jobid ?? '').trim();
      if (!jobId) {
        this.problem('job', r.id, 'not imported: no Glacier job id');
        continue;
      }
      const action = String(r.action ?? '');
      if (action !== 'ArchiveRetrieval' && action !== 'InventoryRetrieval') {
        this.problem('job', r.id, `not imported: unknown action "${action.slice(0, 40)}"`);
        continue;
      }
      let vaultId = this.vaults.get(Number(r.vault_id));
      if (vaultId === undefined && r.vault_arn) vaultId = this.tx.listVaults().find((v) => v.arn === String(r.vault_arn))?.id;
      if (vaultId === undefined) {
        this.problem('job', r.id, `not imported: its vault ${String(r.vault_id)} is unknown`);
        continue;
      }
      if (this.tx.getJob(jobId)) {
        this.result.counts.skippedExisting++;
        continue;
      }
      let archiveId: number | null = null;
      if (action === 'ArchiveRetrieval') {
        archiveId = r.archiveid ? this.tx.findArchiveByGlacierId(String(r.archiveid))?.id ?? null : null;
        if (archiveId === null) this.problem('job', r.id, 'imported without its archive: the Glacier archive id is not in the catalogue');
      }
      const completed = String(r.completed ?? '') === '1';
      const statusCode = String(r.status_code ?? '');
      const status = ['InProgress', 'Succeeded', 'Failed'].includes(statusCode) ? statusCode : completed ? 'Succeeded' : 'InProgress';
      const created = legacyTime(r.creation_date);
      this.tx.upsertJob({
        jobId, vaultId, archiveId, action, status,
        statusMessage: r.status_message ? String(r.status_message) : null,
        ...(created ? { created } : {}),
        completed: legacyTime(r.completion_date) ?? null,
        executed: legacyTime(r.executed) ?? null,
        byteRange: r.range ? String(r.range) : null,
        snsTopic: r.snstopic ? String(r.snstopic) : null,
        description: r.description ? String(r.description) : null,
      });
      this.result.counts.jobs++;
    }
  }

  private importSettings(rows: LegacyRow[]): void {
    let accessKeyId: string | undefined;
    let secret: string | undefined;
    for (const r of rows) {
      const name = String(r.name ?? '');
      const value = r.value === null || r.value === undefined ? '' : String(r.value);
      if (name === 'secretkey') { if (value) secret = value; continue; }
      if (name === 'accesskey') { if (value) accessKeyId = value; continue; }
      if (name === 'exclude_paths') { this.importExclusions(value); continue; }
      const target = LEGACY_SETTING_NAMES[name];
      if (!target) {
        this.problem('settings', name || r.id, 'unknown setting, not imported');
        continue;
      }
      if (name === 'encryptionkey') {
        const old = Number(value);
        if (!value || old === -1) continue;
        const key = this.keyIds.get(old);
        if (!key) this.problem('settings', name, `default key ${value} is not in the key table; no default key set`);
        else this.setting(target, key.id);
        continue;
      }
      if (value) this.setting(target, value);
    }
    if (secret) {
      this.result.legacySecretKeyFound = true;
      this.result.awsCredentials = hiddenSecret(accessKeyId, secret);
    }
  }

  private setting(name: string, value: string): void {
    if (this.tx.getSetting(name) === undefined) {
      this.tx.setSetting(name, value);
      this.result.counts.settings++;
    }
  }

  private importExclusions(json: string): void {
    if (!json.trim()) return;
    let list: unknown;
    try {
      list = JSON.parse(json);
    } catch {
      this.problem('settings', 'exclude_paths', 'not a JSON array; no exclusion paths imported');
      return;
    }
    if (!Array.isArray(list)) {
      this.problem('settings', 'exclude_paths', 'not a JSON array; no exclusion paths imported');
      return;
    }
    for (const p of list) {
      try {
        if (typeof p !== 'string') throw new Error('not a string');
        if (this.tx.addExclusionPath(p)) this.result.counts.exclusionPaths++;
      } catch (e) {
        this.problem('settings', 'exclude_paths', `entry ${JSON.stringify(p).slice(0, 60)} not imported: ${(e as Error).message}`);
      }
    }
  }
}

/** The old tool stored member paths without the leading '/'. */
function absolute(p: string): string {
  return /^([A-Za-z]:[\\/]|[\\/])/.test(p) ? p : `/${p}`;
}

function hiddenSecret(accessKeyId: string | undefined, secret: string): LegacyAwsCredentials {
  const o = { ...(accessKeyId ? { accessKeyId } : {}) } as LegacyAwsCredentials;
  const shown = () => ({ ...o, secretAccessKey: '[redacted]' });
  Object.defineProperties(o, {
    secretAccessKey: { value: secret, enumerable: false },
    toJSON: { value: shown, enumerable: false },
    [inspect.custom]: { value: () => `LegacyAwsCredentials ${inspect(shown())}`, enumerable: false },
  });
  return o;
}
