/**
 * The contract between Freezer's front ends (the VS Code views, commands and panels; the CLI) and the
 * core. Front ends see these view models only, never catalogue rows or SDK shapes, so the storage and
 * the AWS calls can change without touching the UI.
 */
import type { OnExisting } from '../archive/placeFile';
import type { Compression } from '../archive/description';
import type { KeyAlgorithm } from '../crypto/keys';

export type ArchiveState = 'building' | 'uploading' | 'local' | 'liquid' | 'frozen' | 'melting' | 'melted' | 'invalid';
export type Tier = 'Expedited' | 'Standard' | 'Bulk';

export type StorageClass = 'DEEP_ARCHIVE' | 'GLACIER' | 'GLACIER_IR';

/** A store: a Glacier vault, or an S3 bucket with an optional key prefix (`name` s3://bucket/prefix). */
export interface VaultInfo {
  /** The vault's name, or the bucket store's s3://bucket/prefix. */
  name: string;
  /** Absent on vaults (the kind of every store before buckets). */
  kind?: 'vault' | 'bucket';
  bucket?: string;
  prefix?: string;
  /** Bucket stores: the class new archives get unless the user picks another (the last one picked). */
  storageClass?: StorageClass;
  arn?: string;
  region: string;
  createdAt?: string;
  /** From AWS (last DescribeVault / ListVaults); AWS updates these about once a day. */
  sizeBytes?: number;
  remoteArchiveCount?: number;
  /** Archives the catalogue knows in this vault. */
  localArchiveCount: number;
  lastInventory?: string;
}

export interface ArchiveInfo {
  /** Catalogue id: stable from `building` on, before Glacier has given an archive id. */
  id: number;
  vault: string;
  glacierId?: string;
  name: string;
  description: string;
  /** Size of the stored (compressed, encrypted) archive in bytes. */
  size: number;
  fileCount: number;
  createdAt: string;
  state: ArchiveState;
  localFile?: string;
  compression: Compression;
  encryption: { format: 'fzr1' | 'legacy-cbc'; keyId?: string } | null;
  /** Bucket archives: the segments' S3 storage class. */
  storageClass?: StorageClass;
  /** Bucket archives that are `melted`: when the restored copy expires. */
  restoredUntil?: string;
  /** Set while building/uploading/downloading in this process. */
  activity?: ActivityProgress;
  /** After a freeze: files (absolute paths) that changed while they were read, stored as read, not clean. */
  changedFiles?: string[];
}

export type ActivityPhase = 'scanning' | 'hashing' | 'packing' | 'uploading' | 'downloading' | 'restoring';

/** Progress of a long operation: "file N of M", bytes, throughput and an ETA. */
export interface ActivityProgress {
  phase: ActivityPhase;
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  currentFile?: string;
  bytesPerSecond?: number;
  etaSeconds?: number;
  /** Fraction [0, 1] of the whole operation across its phases (see phasePlan.ts): what bars show. */
  overall?: number;
}

export interface JobInfo {
  /** Glacier job id. */
  id: string;
  vault: string;
  action: 'ArchiveRetrieval' | 'InventoryRetrieval';
  archiveId?: number;
  archiveName?: string;
  tier?: Tier;
  byteRange?: string;
  status: 'InProgress' | 'Succeeded' | 'Failed';
  statusMessage?: string;
  createdAt: string;
  completedAt?: string;
  /** When Freezer downloaded or applied the output (or gave up on it: see `notApplied`). */
  executedAt?: string;
  /** Why the completed job's output could not be applied (its restore did not happen): never "done". */
  notApplied?: string;
  sizeBytes?: number;
  restoreTarget?: string;
  /** Why Freezer started this job by itself (an automatic inventory). */
  note?: string;
}

/** One level of the frozen-file hierarchy, by original path. */
export type FrozenEntry =
  | { kind: 'folder'; path: string; name: string; fileCount: number }
  | { kind: 'file'; path: string; name: string; versionCount: number };

export interface FileVersion {
  /** Original path of the file (as frozen). */
  path: string;
  name: string;
  size: number;
  sha256: string;
  mtimeMs?: number;
  archiveId: number;
  archiveName: string;
  vault: string;
  frozenAt: string;
  /** Path of the member inside the archive's tar. */
  memberPath: string;
  archiveState: ArchiveState;
  /** Archives holding this very file (same name, size and SHA-256); this entry is the cheapest to restore from. */
  copies?: number;
  /** Names of the other archives holding it. */
  alsoIn?: string[];
  /** The file changed while it was being frozen: this version holds it as read, not a clean copy. */
  changedDuringFreeze?: true;
}

export type SelectionReason = 'backup' | 'exclusionPath' | 'alreadyFrozen' | 'manual' | 'regex';

/** A file the archive builder lists: selected or not, and why. */
export interface SelectionEntry {
  path: string;
  memberPath: string;
  size: number;
  mtimeMs: number;
  sha256?: string;
  selected: boolean;
  reasons: SelectionReason[];
  /** For already-frozen files: where the last archive holding it had it. */
  frozenAs?: { archiveName: string; path: string };
}

export interface SelectionFilters {
  backupPatterns?: readonly string[];
  exclusionPaths?: readonly string[];
  filterAlreadyFrozen?: boolean;
  filterBackup?: boolean;
  filterExclusionPaths?: boolean;
  filterManual?: boolean;
}

export interface FreezeRequest {
  vault: string;
  /** Files and folders (folders recursive), or an exact list of files from the archive builder. */
  sources: string[];
  /** When given, only these absolute file paths are packed (the builder's selection). */
  selectedFiles?: string[];
  name?: string;
  description?: string;
  compression?: Compression;
  /** Bucket stores: the storage class (default: the store's last one, else DEEP_ARCHIVE); remembered per store. */
  storageClass?: StorageClass;
  /** Key id to encrypt with; null for no encryption; undefined for the default key. */
  keyId?: string | null;
  filters?: SelectionFilters;
  /**
   * Files the user unselected by hand in the archive builder: remembered in the catalogue as manual
   * exclusions, so later scans leave them out (reason `manual`) until the filter is turned off.
   */
  manualExclusions?: string[];
  signal?: AbortSignal;
  onProgress?: (p: ActivityProgress) => void;
}

/** A file an archive holds, by original path (what the read-only archive builder lists). */
export interface ArchiveMember {
  path: string;
  size: number;
  sha256: string;
  mtimeMs?: number;
}

export interface RetrievalEstimate {
  archiveId: number;
  /** Bytes the retrieval fetches. */
  sizeBytes: number;
  /** Set when only part of the archive is fetched (one file's byte range): the whole archive's size. */
  archiveBytes?: number;
  pricesAsOf: string;
  region: string;
  tiers: { tier: Tier; costUsd: number; typicalHours: string }[];
  /** Bucket archives: the restore planner's view (objects, bytes restored and downloaded, per-tier costs). */
  plan?: {
    /** Segment objects restored, and how many the archive has. */
    objects: number;
    archiveObjects: number;
    restoreBytes: number;
    downloadBytes: number;
    days: number;
    storageClass: StorageClass;
    /** True when some price is not known exactly (region not in the table, unverified figure). */
    approximate: boolean;
    /** Tiers the class does not offer, with why (Expedited for DEEP_ARCHIVE). */
    unavailable: { tier: Tier; reason: string }[];
    /** The plan in words, as shown before anything is requested. */
    lines: string[];
  };
}

/** What removing an archive now costs on top: the rest of its class's minimum storage duration. */
export interface RemovalEstimate {
  archiveId: number;
  earlyDeletionUsd: number;
  /** When removing costs nothing extra. */
  freeFrom?: string;
  text: string;
}

export interface RestoreRequest {
  archiveId: number;
  to: string;
  /** Member paths; all when omitted. */
  members?: string[];
  /** Same as `onExisting: 'replace'`. */
  overwrite?: boolean;
  /**
   * Existing files that differ from the archive's: fail (default, TargetExists), replace, keep both,
   * skip, or ask (the extension's prompt). Files with the same SHA-256 are always left as they are. A
   * restore that waits for a retrieval keeps a fixed policy for when it completes (asking becomes fail).
   */
  onExisting?: OnExisting;
  /** Tier of the retrieval started when the archive is not local (default Standard). */
  tier?: Tier;
  signal?: AbortSignal;
  onProgress?: (p: ActivityProgress) => void;
}

export interface RestoreResult {
  /** 'restored' when the files are on disk; 'retrieving' when a retrieval job had to be started first. */
  status: 'restored' | 'retrieving';
  /** Files written (restored, replaced, or kept beside an existing one). */
  files: string[];
  /** Existing files left as they were: the same content (unchanged) or by the user's choice (skipped). */
  unchanged?: number;
  skipped?: number;
  job?: JobInfo;
}

export interface KeyInfo {
  id: string;
  algorithm: KeyAlgorithm;
  fingerprint: string;
  label: string;
  createdAt: string;
  isDefault: boolean;
  legacy: boolean;
}

export type ChangeKind = 'vaults' | 'archives' | 'jobs' | 'files' | 'keys' | 'settings';
