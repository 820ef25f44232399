/** Records the catalogue stores and returns. Times are ISO-8601 UTC strings; sizes are bytes. */

export type StoreKind = 'vault' | 'bucket';

/** A store: a Glacier vault, or an S3 bucket with a key prefix (then `name` is s3://bucket/prefix). */
export interface VaultRecord {
  id: number;
  /** The vault's name, or the bucket store's location s3://bucket/prefix. */
  name: string;
  kind: StoreKind;
  /** Bucket stores: the bucket and the key prefix ('' or ending in '/'). */
  bucket: string | null;
  prefix: string;
  /** Bucket stores: the storage class new archives get unless the user picks another (remembered). */
  storageClass: string | null;
  /** AWS region ('' when unknown). A vault is identified by name + region. */
  region: string;
  arn: string | null;
  created: string | null;
  /** Size and archive count as last reported by Glacier. */
  sizeBytes: number | null;
  archiveCount: number | null;
  lastInventory: string | null;
  lastUpload: string | null;
}

export type VaultInput = Pick<VaultRecord, 'name'> & Partial<Omit<VaultRecord, 'id' | 'name'>>;
export type StoreRecord = VaultRecord;

/** A bucket store to record: its name is derived (s3://bucket/prefix). */
export interface BucketStoreInput {
  bucket: string;
  /** '' or segments ending in '/' (normalizePrefix). */
  prefix: string;
  region: string;
  storageClass?: string | null;
  created?: string | null;
}

export interface ArchiveRecord {
  /** Local id (stable, never reused by Glacier). */
  id: number;
  vaultId: number;
  vaultName: string;
  /** Glacier ArchiveId; null until the upload completes. */
  glacierId: string | null;
  /** Size of the local archive file (the payload before encryption). */
  size: number;
  /** Bytes uploaded to Glacier. */
  encryptedSize: number | null;
  /** Hex SHA-256 tree hash of the uploaded bytes. */
  treeHash: string | null;
  /** Glacier archive description (legacy form or Freezer's). */
  description: string;
  created: string;
  /** Glacier CreationDate. */
  uploaded: string | null;
  localPath: string | null;
  keyId: string | null;
  /** 'none' | 'gzip' | 'bzip2' | … as the pipeline names it. */
  compression: string;
  /** Archive byte format as the pipeline names it ('legacy' for the AWS Freezer layout). */
  format: string;
  building: boolean;
  uploading: boolean;
  /** Glacier no longer has it (deleted, or missing from an inventory). */
  deletedRemote: boolean;
  /** Time of the last inventory that listed this archive. */
  lastInventory: string | null;
  /** Number of member files. */
  fileCount: number;
  /** Bucket archives: the S3 storage class of the segments. */
  storageClass: string | null;
}

/** Fields of a new archive; `frameIndex` is any JSON value from the pipeline. */
export type ArchiveInput = Pick<ArchiveRecord, 'vaultId'> &
  Partial<Omit<ArchiveRecord, 'id' | 'vaultId' | 'vaultName' | 'fileCount'>> & { frameIndex?: unknown; segments?: unknown };

export type ArchivePatch = Partial<Omit<ArchiveInput, 'vaultId'>> & { vaultId?: number };

/** A file being recorded as member of an archive. */
export interface MemberInput {
  /** Original absolute path at archive time. Its base name is the file's name. */
  path: string;
  size: number;
  /** Hex SHA-256 of the content. */
  sha256: string;
  mtimeMs?: number | null;
  /** Offset of the member's tar header inside the (unencrypted, uncompressed) tar stream. */
  tarOffset?: number | null;
  /** The file changed while it was being frozen: the archive holds it as read, not a clean copy. */
  changed?: boolean;
}

export interface MemberRecord {
  archiveId: number;
  path: string;
  name: string;
  size: number;
  sha256: string;
  mtimeMs: number | null;
  tarOffset: number | null;
  /** Changed while it was being frozen (see MemberInput.changed). */
  changed: boolean;
}

/** A file identity: what "already frozen" compares. */
export interface FileIdentity {
  name: string;
  size: number;
  sha256: string;
}

export interface FolderEntry {
  name: string;
  path: string;
  /** Distinct file paths at or beneath this folder. */
  fileCount: number;
}

export interface FolderFile {
  name: string;
  path: string;
  /** How many archives hold a version of this path. */
  versions: number;
  /** The newest version's size, hash, archive and archive creation time. */
  size: number;
  sha256: string;
  archiveId: number;
  archived: string;
}

export interface FolderListing {
  path: string;
  folders: FolderEntry[];
  files: FolderFile[];
  /** True when `limit` cut the file list; continue with `after` = last file name. */
  more: boolean;
}

export interface FileVersion {
  path: string;
  archiveId: number;
  glacierId: string | null;
  vaultId: number;
  vaultName: string;
  archived: string;
  uploaded: string | null;
  deletedRemote: boolean;
  size: number;
  sha256: string;
  mtimeMs: number | null;
  tarOffset: number | null;
  /** Changed while it was being frozen: this version is not a clean copy. */
  changed: boolean;
}

export type JobAction = 'ArchiveRetrieval' | 'InventoryRetrieval' | (string & {});
export type JobStatus = 'InProgress' | 'Succeeded' | 'Failed' | (string & {});

export interface JobRecord {
  id: number;
  /** Glacier JobId. */
  jobId: string;
  vaultId: number;
  vaultName: string;
  /** Local archive id (null for inventory jobs or unknown archives). */
  archiveId: number | null;
  action: JobAction;
  tier: string | null;
  /** "start-end" inclusive byte range, or null for the whole archive. */
  byteRange: string | null;
  status: JobStatus;
  statusMessage: string | null;
  created: string;
  /** Glacier CompletionDate. */
  completed: string | null;
  /** When Freezer fetched and used the output. */
  executed: string | null;
  /** Where the output was (or will be) written. */
  outputPath: string | null;
  /** Where the files restored from this job go. */
  restoreTarget: string | null;
  snsTopic: string | null;
  description: string | null;
  /** Bucket restores: the store's ticket (plain JSON), what `status` and `download` take. */
  ticket: unknown;
  /** Bucket restores: when the restored copy expires (the archive is `melted` until then). */
  expires: string | null;
}

export type JobInput = Pick<JobRecord, 'jobId' | 'vaultId' | 'action'> & Partial<Omit<JobRecord, 'id' | 'jobId' | 'vaultId' | 'vaultName' | 'action'>>;
export type JobPatch = Partial<Omit<JobInput, 'jobId'>>;

export interface JobFilter {
  vaultId?: number;
  status?: JobStatus | JobStatus[];
  action?: JobAction;
  archiveId?: number;
}

/** An encryption key's public facts; the key bytes live in secure storage only. */
export interface KeyRecord {
  id: string;
  algorithm: string;
  fingerprint: string;
  label: string;
  created: string;
}

export type KeyInput = Pick<KeyRecord, 'id' | 'algorithm' | 'fingerprint'> & Partial<Pick<KeyRecord, 'label' | 'created'>>;

export interface UploadPart {
  index: number;
  /** Hex tree hash of the part. */
  treeHash: string;
}

/** A multipart upload in progress, kept so an interrupted upload resumes. */
export interface UploadSession {
  archiveId: number;
  vaultName: string;
  uploadId: string;
  partSize: number;
  totalSize: number;
  created: string;
  /** Sorted by index. */
  partsDone: UploadPart[];
  /** When CompleteMultipartUpload was first sent (ISO); null before. Glacier may hold the archive from then on. */
  completing: string | null;
}

export type UploadSessionInput = Omit<UploadSession, 'created' | 'partsDone' | 'completing'> & Partial<Pick<UploadSession, 'created' | 'partsDone' | 'completing'>>;

export interface HashCacheEntry {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface CatalogueStats {
  vaults: number;
  archives: number;
  files: number;
  members: number;
  jobs: number;
  keys: number;
  folders: number;
}
