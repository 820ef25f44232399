import type { FrameIndex } from '../archive/frameIndex';
import type { KeySource } from '../archive/keyLookup';
import type { KeyMaterial } from '../crypto/keys';
import type { ByteRange, RetrievalTier } from '../glacier/retrieval';
import type { ArchiveStorageClass } from '../s3/storageClass';
import type { SessionStore } from './sessionStore';

/**
 * One storage interface for every place Freezer freezes into: a Glacier vault and an S3 bucket (with
 * an optional key prefix) are both *stores*. The service, views, CLI and daemon talk to a `ColdStore`
 * and branch on `traits` only where the user must see the difference (tiers, ranged jobs vs segment
 * objects, costs). Every implementation passes the contract suite in test/unit/storage/.
 *
 * Shapes returned here are plain JSON (no class instances) so the catalogue can keep them as they are.
 */
export type StoreKind = 'vault' | 'bucket';
export type Tier = RetrievalTier;
export type { ByteRange };

/** S3 storage classes an archive's data can live in (a vault has no classes: `undefined`). */
export type { ArchiveStorageClass };

/** What differs between kinds of store, for the few places that must show it. */
export interface StoreTraits {
  kind: StoreKind;
  /** How part of an archive comes back: a vault job for a byte range, or whole segment objects. */
  partialRestore: 'ranged-job' | 'segments';
  /** A vault's inventory is a job taking hours; a bucket is listed at once. */
  inventory: 'job' | 'listing';
  /** True when each archive has a manifest (members, frame index) readable without a restore. */
  manifests: boolean;
}

/**
 * One segment object of an archive in a bucket: archive bytes [offset, offset + size). Its last
 * `overlap` bytes are also the first bytes of the next segment (the encryption chunk a cut falls in),
 * so every frame lies whole in one segment.
 */
export interface SegmentLayout {
  key: string;
  offset: number;
  size: number;
  overlap: number;
  /** SHA-256 (hex) of the segment's bytes. */
  sha256: string;
  /** Bytes per part (the last part may be shorter); `partSha256[i]` is part i's SHA-256 (base64), as S3 verified it. */
  partSize: number;
  partSha256: string[];
  /** SHA-256 (base64) of each `blockSize` block of the segment (the last may be shorter): what a ranged GET is checked against. */
  blockSize?: number;
  blockSha256?: string[];
}

/** Where an archive's bytes are, as the store needs it to restore, read or delete it. */
export interface ArchiveRef {
  /** Vault: the Glacier archive id. Bucket: Freezer's archive id (the key component under the prefix). */
  id: string;
  /** Bytes of the archive (exactly the local archive file that was uploaded). */
  size: number;
  storageClass?: ArchiveStorageClass;
  /** Bucket only: the segment objects; read from the bucket (listing + manifest) when absent. */
  segments?: SegmentLayout[];
}

/** What the catalogue knows of a member, written into a bucket archive's manifest. */
export interface ManifestMember {
  path: string;
  size: number;
  sha256: string;
  mtimeMs: number;
  tarOffset: number;
}

/** The manifest of a bucket archive: enough to browse it and rebuild the catalogue with no restore. */
export interface ArchiveManifest {
  format: 'freezer-s3-manifest';
  version: 1;
  archiveId: string;
  /** The Glacier-style description (`freezer/1;name=…`, docs/FORMAT.md §7). */
  description: string;
  created: string;
  storageClass: ArchiveStorageClass;
  archive: { size: number; sha256: string };
  segments: SegmentLayout[];
  frameIndex?: FrameIndex;
  members: ManifestMember[];
}

export interface PutProgress {
  bytesDone: number;
  totalBytes: number;
  partsDone: number;
  partsTotal: number;
}

export interface PutArchiveRequest {
  /** The local archive file; its bytes are exactly what is stored. */
  file: string;
  /** The archive's description (docs/FORMAT.md §7); a vault stores it as the archive description. */
  description: string;
  /** Key of this upload in `sessions` (the catalogue's archive id). A later call with it resumes. */
  sessionKey: string;
  /** Where the upload's state is kept so a killed upload resumes; without it, a crash restarts. */
  sessions?: SessionStore;
  /** Bucket only (default DEEP_ARCHIVE). */
  storageClass?: ArchiveStorageClass;
  /** Bucket only: written into the manifest. */
  frameIndex?: FrameIndex;
  members?: ManifestMember[];
  /** Bucket only: the archive's fzr1 key; the manifest is encrypted with it (required for encrypted archives). */
  key?: KeyMaterial;
  signal?: AbortSignal;
  onProgress?: (p: PutProgress) => void;
}

export interface StoredArchive {
  ref: ArchiveRef;
  /** Vault: the SHA-256 tree hash; bucket: the whole archive's SHA-256 (hex). Both checked against the store. */
  checksum: { algorithm: 'sha256-tree' | 'sha256'; value: string };
  /** Parts sent by this call; a resume sends only the missing ones. */
  partsSent: number;
  partsTotal: number;
  resumed: boolean;
}

/** What restoring (part of) an archive takes, before anything is requested: the planner prices it. */
export interface RestorePlan {
  ref: ArchiveRef;
  /** The archive bytes that will be readable afterwards (inclusive), widened as the store needs. */
  range: ByteRange;
  /** Vault: one ranged job. Bucket: one unit per segment object holding part of the range. */
  units: RestoreUnit[];
  /** Bytes the store restores (vault: the job's range; bucket: whole segments) — what retrieval bills. */
  bytesRestored: number;
  /** Bytes downloaded afterwards (bucket: part-aligned ranges of the restored segments). */
  bytesToDownload: number;
  /** Tiers the archive's class allows (Expedited never for DEEP_ARCHIVE); empty when it is readable at once. */
  tiers: Tier[];
}

export interface RestoreUnit {
  /** Vault: "start-end" of the job. Bucket: the segment's key. */
  id: string;
  /** Bytes the store restores for this unit (a bucket: the whole segment object). */
  bytes: number;
  /** Bytes then downloaded from it. */
  readBytes: number;
  /** Bucket: the object's class (what the planner prices). */
  storageClass?: ArchiveStorageClass;
}

/** A restore or inventory request as the catalogue keeps it (JSON). */
export interface StoreTicket {
  kind: 'restore' | 'inventory';
  /** Vault: the Glacier job id. Bucket: a restore id chosen by Freezer (`s3-restore-…`) or `s3-listing-…`. */
  id: string;
  store: string;
  tier?: Tier;
  days?: number;
  requested: string;
  /** Restores: the plan as requested (units, range). */
  plan?: Omit<RestorePlan, 'tiers'>;
  /** Per unit, what the store said when it was requested. */
  requestedUnits?: Record<string, 'requested' | 'in-progress' | 'restored' | 'readable'>;
  /** Recorded before the units were all requested (see RequestRestoreOptions.onTicket). */
  requesting?: boolean;
}

export type TicketState = 'in-progress' | 'ready' | 'failed' | 'expired';

export interface TicketStatus {
  state: TicketState;
  /** Earliest expiry of a restored copy (bucket), or when the job output goes away (vault, 24 h). */
  expires?: string;
  message?: string;
  units?: Record<string, { state: TicketState; expires?: string }>;
}

export interface RequestRestoreOptions {
  tier: Tier;
  /** Bucket: days the restored copy stays (default 7). */
  days?: number;
  /**
   * Bucket: called with the ticket (`requesting`) before the first unit is requested, so the caller
   * records it first: an object's completion event can arrive before the last unit is requested.
   */
  onTicket?: (ticket: StoreTicket) => Promise<void>;
  /** Vault: the SNS topic notified when the job completes. */
  snsTopic?: string;
  description?: string;
  signal?: AbortSignal;
}

export interface DownloadOptions {
  signal?: AbortSignal;
  onProgress?: (p: { bytesDone: number; totalBytes: number }) => void;
}

/** A verified local copy of archive bytes [range.start, range.end] (byte 0 of `path` is range.start). */
export interface DownloadedRange {
  path: string;
  range: ByteRange;
  bytesDownloaded: number;
}

/** An archive the store holds, as a listing or inventory sees it. */
export interface RemoteArchive {
  ref: ArchiveRef;
  description: string;
  created?: string;
  /** Vault: tree hash (hex) from the inventory. Bucket: whole-archive SHA-256 (hex) from the manifest's metadata. */
  checksum?: string;
}

export interface ColdStore {
  readonly traits: StoreTraits;
  /** Stable, human-readable location: `glacier://<region>/<vault>` or `s3://<bucket>/<prefix>`. */
  readonly location: string;
  /** Throws a clear FreezerError when the store is missing, refused (403) or misnamed. */
  check(signal?: AbortSignal): Promise<void>;
  /** Uploads a local archive file (multipart, parallel, resumable through `sessions`); never two copies. */
  putArchive(req: PutArchiveRequest): Promise<StoredArchive>;
  /** Removes an archive (a bucket: its segments, then its manifest). Missing is not an error. */
  deleteArchive(ref: ArchiveRef, signal?: AbortSignal): Promise<void>;
  /** What restoring the whole archive, or the part holding `range`, takes. May read the bucket's layout. */
  planRestore(ref: ArchiveRef, range?: ByteRange, signal?: AbortSignal): Promise<RestorePlan>;
  /** Requests the plan's units; answers the ticket to keep. Bucket: 503 on Expedited → FreezerError 'ExpeditedUnavailable'. */
  requestRestore(plan: RestorePlan, opts: RequestRestoreOptions): Promise<StoreTicket>;
  /** Starts (vault) or performs (bucket) an inventory. */
  requestInventory(opts?: { snsTopic?: string; signal?: AbortSignal }): Promise<StoreTicket>;
  /** Where a restore or inventory stands: asks the store (DescribeJob; HEAD / ListObjectsV2 RestoreStatus). */
  status(ticket: StoreTicket, signal?: AbortSignal): Promise<TicketStatus>;
  /** Downloads a ready restore's bytes into `dest`, each byte verified; only verified bytes reach `dest`. */
  download(ticket: StoreTicket, dest: string, opts?: DownloadOptions): Promise<DownloadedRange>;
  /** The archives of a ready inventory (a bucket: the manifests under the prefix, paged). */
  readInventory(ticket: StoreTicket, signal?: AbortSignal): AsyncIterable<RemoteArchive>;
  /** Bucket: the archive's manifest (decrypted and authenticated with `keys`). Vault: undefined. */
  readManifest(ref: ArchiveRef, keys?: KeySource, signal?: AbortSignal): Promise<ArchiveManifest | undefined>;
  /** Closes sockets. */
  close(): void;
}
