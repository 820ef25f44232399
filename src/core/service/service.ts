/**
 * What the front ends ask of the core. One implementation (`freezerService.ts`) runs the catalogue,
 * pipeline and Glacier layers; the extension and the CLI each construct it with their own key store,
 * logger and configuration.
 */
import type { IncompleteUpload } from './incompleteUploads';
import type { RecreatedNotice } from '../catalogue';
import type { GlacierConfig } from '../glacier/config';
import type { S3Config } from '../s3/clients';
import type { KeyMaterial, KeyAlgorithm } from '../crypto/keys';
import type { Logger } from '../log';
import type { CleanUpResult } from './catalogueMaintenance';
import type { CatalogueRebuild } from './catalogueRebuild';
import type { LegacyImportCounts } from './legacyImportOperation';
import type {
  ArchiveInfo, ArchiveMember, ChangeKind, FileVersion, FreezeRequest, FrozenEntry, JobInfo, KeyInfo, RestoreRequest,
  RemovalEstimate, RestoreResult, RetrievalEstimate, SelectionEntry, SelectionFilters, StorageClass, Tier, VaultInfo,
} from './types';

/** Where key material lives: VS Code SecretStorage in the extension, a private key file for the CLI. */
export interface KeyStore {
  get(id: string): Promise<KeyMaterial | undefined>;
  put(key: KeyMaterial): Promise<void>;
  delete(id: string): Promise<void>;
  /** Ids of every key held: found without the catalogue, so a lost or recreated catalogue loses no key. */
  list(): Promise<string[]>;
  /** The default key as remembered beside the keys (the catalogue's setting may be lost with it). */
  getDefault(): Promise<string | undefined>;
  setDefault(id: string | null): Promise<void>;
}

export interface ServiceOptions {
  glacier: GlacierConfig;
  /** Catalogue file (freezer.db). */
  databasePath: string;
  /** Where local archive files are built and downloaded. */
  uploadFolder: string;
  keyStore: KeyStore;
  log: Logger;
  /** Backup-filter patterns and exclusion paths used when a request gives none. */
  defaultFilters?: SelectionFilters;
  /**
   * Download every completed archive retrieval to the upload folder as soon as it is seen (the
   * daemon). Off: completed retrievals make archives `melted` and wait for `downloadArchive`.
   * Retrievals started with a restore target are always downloaded and restored.
   */
  autoDownload?: boolean;
  /** Days an S3 restore keeps its restored copy (1–30; default DEFAULT_RESTORE_DAYS, 3). */
  restoreDays?: number;
  /** DescribeJob polling interval of `watchJobs` when no queue is configured (default 15 min). */
  jobPollIntervalMs?: number;
  /** S3 settings for bucket stores; default: the Glacier settings' region, endpoint and credentials. */
  s3?: S3Config;
  /** Largest segment object of new bucket archives (default 256 MiB). */
  segmentSize?: number;
}

export interface FreezerService {
  /** Subscribe to changes (views refresh on these). Returns an unsubscribe function. */
  onDidChange(listener: (kind: ChangeKind) => void): () => void;
  dispose(): Promise<void>;

  // Vaults
  listVaults(): Promise<VaultInfo[]>;
  createVault(name: string): Promise<VaultInfo>;
  removeVault(name: string): Promise<void>;
  /** A bucket store's uploads that never finished (segments without a manifest): billed, in no listing. */
  listIncompleteUploads(store: string, signal?: AbortSignal): Promise<IncompleteUpload[]>;
  /** Deletes those older than `olderThanMs` that no catalogued upload can resume; answers them. */
  deleteIncompleteUploads(store: string, olderThanMs: number, signal?: AbortSignal): Promise<IncompleteUpload[]>;
  requestInventory(vault: string): Promise<JobInfo>;
  /**
   * Adds an S3 bucket (s3://bucket/prefix, or just the bucket name) as a store, creating the bucket
   * with `create`. Name rules are checked first; a bucket of another account is a clear error.
   */
  addBucket(location: string, opts?: { create?: boolean; storageClass?: StorageClass }): Promise<VaultInfo>;

  // Archives
  listArchives(vault: string, page?: { offset: number; limit: number }): Promise<{ items: ArchiveInfo[]; total: number }>;
  getArchive(id: number): Promise<ArchiveInfo | undefined>;
  /** Files an archive holds, in tar order; `total` is the whole count. Unknown archive: ArchiveNotFound. */
  listArchiveMembers(id: number, page?: { offset: number; limit: number }): Promise<{ items: ArchiveMember[]; total: number }>;
  scanSelection(sources: string[], filters?: SelectionFilters, signal?: AbortSignal): Promise<SelectionEntry[]>;
  freeze(req: FreezeRequest): Promise<ArchiveInfo>;
  /** Resumes uploads a previous run left unfinished (crash, kill, lost network). */
  resumeUploads(signal?: AbortSignal): Promise<ArchiveInfo[]>;
  /**
   * Removes archives a process that is gone (killed, crashed) was packing, with their partial files,
   * and lists uploads left unfinished; front ends call it at start and say what it found.
   */
  recoverAbandoned(): Promise<{ removed: ArchiveInfo[]; interrupted: ArchiveInfo[] }>;
  disconnectArchive(id: number): Promise<ArchiveInfo>;
  removeArchive(id: number): Promise<void>;
  /** Bucket archives: the early-deletion charge of removing it now (undefined for vault archives). */
  estimateRemoval(id: number): Promise<RemovalEstimate | undefined>;
  /** With `member`: what restoring that one file retrieves (only its byte range when that is worth it). */
  estimateRetrieval(id: number, opts?: { member?: string }): Promise<RetrievalEstimate>;
  retrieveArchive(id: number, tier: Tier, opts?: { restoreTo?: string; members?: string[] }): Promise<JobInfo>;
  /** Downloads a completed retrieval into the upload folder (verified), making the archive `liquid`. */
  downloadArchive(id: number, opts?: { signal?: AbortSignal; onProgress?: FreezeRequest['onProgress'] }): Promise<ArchiveInfo>;
  restore(req: RestoreRequest): Promise<RestoreResult>;

  // Jobs
  listJobs(vault?: string): Promise<JobInfo[]>;
  /** Asks AWS about pending jobs (DescribeJob) and handles those that completed. */
  refreshJobs(): Promise<JobInfo[]>;
  /** Listens to the SQS queue (or polls when none) until the signal aborts. */
  watchJobs(signal: AbortSignal): Promise<void>;

  // Frozen files
  listFrozen(folder: string): Promise<FrozenEntry[]>;
  listVersions(path: string): Promise<FileVersion[]>;
  /** Frozen files whose path holds every word of `text`, newest first, at most `limit`. */
  searchFrozen(text: string, limit: number): Promise<FrozenEntry[]>;
  /** The folders the newest archives were frozen from, newest first. */
  recentFrozenRoots(limit: number): Promise<FrozenEntry[]>;
  restoreFileVersion(v: FileVersion, to: string, opts?: Omit<RestoreRequest, 'archiveId' | 'to' | 'members'>): Promise<RestoreResult>;

  // Keys
  listKeys(): Promise<KeyInfo[]>;
  createKey(algorithm: KeyAlgorithm, label?: string): Promise<KeyInfo>;
  exportKey(id: string, form?: 'freezer' | 'legacy'): Promise<string>;
  /** `alreadyHeld`: the key store had this key's bytes before (a catalogue row alone does not count). */
  importKey(json: string, label?: string): Promise<KeyInfo & { alreadyHeld: boolean }>;
  setDefaultKey(id: string | null): Promise<void>;

  // Migration
  importLegacyDatabase(file: string): Promise<LegacyImportCounts>;

  // Catalogue health
  /** Set while the catalogue is a new one that replaced a damaged file, until rebuilt or acknowledged. */
  catalogueNotice(): Promise<RecreatedNotice | undefined>;
  /** The user has seen that the catalogue was recreated (or rebuilt it): stop saying so. */
  acknowledgeCatalogueNotice(): Promise<void>;

  // Maintenance
  /** Drops the file lists of archives gone from Glacier and disk, then files in no archive; says what went. */
  cleanUpCatalogue(): Promise<CleanUpResult>;

  // Recovery
  /**
   * Rebuilds the catalogue of `stores` (default: every vault AWS lists) from the store alone: an
   * inventory, then one retrieval of the newest catalogue snapshot. Returns at once with each rebuild's
   * state; the jobs complete later (watchJobs / refreshJobs / the daemon apply them).
   */
  rebuildCatalogue(opts?: { stores?: string[]; tier?: Tier; restart?: boolean }): Promise<CatalogueRebuild[]>;
  /** Where each rebuild stands (what it waits for, or what it brought back). */
  catalogueRebuilds(): Promise<CatalogueRebuild[]>;
}
