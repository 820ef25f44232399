import type { RetrievalTier } from '../options';
import type { BlobRef } from './objectBlob';

/** The S3 side's records, one JSON file each (see s3Store.ts). Times are epoch milliseconds. */

export const STORAGE_CLASSES = [
  'STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** Classes whose objects must be restored before they can be read or copied. */
export const ARCHIVE_CLASSES: readonly StorageClass[] = ['GLACIER', 'DEEP_ARCHIVE'];

export const CHECKSUM_ALGORITHMS = ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];
export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface ObjectChecksum {
  algorithm: ChecksumAlgorithm;
  type: ChecksumType;
  /** Base64 as S3 sends it; a composite value ends in `-<parts>`. */
  value: string;
}

export interface RestoreState {
  tier: RetrievalTier;
  days: number;
  requestedAt: number;
  /** When the restore finishes (ongoing until then). */
  completeAt: number;
  ongoing: boolean;
  /** When the restored copy goes away (set once it is restored). */
  expiresAt?: number;
}

/** Content headers S3 keeps with an object and returns on GET/HEAD. */
export const STORED_HEADERS = ['content-type', 'content-encoding', 'content-disposition', 'content-language', 'cache-control', 'expires'] as const;

export interface ObjectRecord {
  bucket: string;
  key: string;
  size: number;
  /** Quoted, as in the ETag header. */
  etag: string;
  lastModified: number;
  storageClass: StorageClass;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksum: ObjectChecksum;
  /** Number of parts for a multipart object. */
  partsCount?: number;
  blob: BlobRef;
  restore?: RestoreState;
}

export interface PartRecord {
  size: number;
  /** Hex MD5 (the part's ETag without quotes). */
  md5: string;
  lastModified: number;
  /** Base64 checksum of the upload's algorithm. */
  checksum?: string;
  /** CRC64NVME of the part (decimal), to build the default full-object checksum. */
  crc64: string;
}

export interface UploadRecord {
  bucket: string;
  key: string;
  uploadId: string;
  initiated: number;
  storageClass: StorageClass;
  headers: Record<string, string>;
  metadata: Record<string, string>;
  checksumAlgorithm?: ChecksumAlgorithm;
  checksumType?: ChecksumType;
  parts: Record<string, PartRecord>;
}

export interface NotificationTarget {
  id: string;
  kind: 'Queue' | 'Topic';
  arn: string;
  events: string[];
  prefix?: string;
  suffix?: string;
}

export interface BucketRecord {
  name: string;
  creationDate: number;
  region: string;
  notifications: NotificationTarget[];
}
