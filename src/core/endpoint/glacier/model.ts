import type { BlobLayout } from '../blobStore';
import type { RetrievalTier } from '../options';

export const NOTIFICATION_EVENTS = ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export interface VaultNotificationConfig {
  SNSTopic: string;
  Events: NotificationEvent[];
}

export interface VaultRecord {
  name: string;
  creationDate: string;
  lastInventoryDate: string | null;
  notifications: VaultNotificationConfig | null;
}

export interface ArchiveRecord {
  vault: string;
  archiveId: string;
  description: string;
  creationDate: string;
  treeHash: string;
  blob: BlobLayout;
}

export interface UploadRecord {
  vault: string;
  uploadId: string;
  description: string;
  creationDate: string;
  partSize: number;
  /** Received parts by index (part i covers bytes [i × partSize, ...)). */
  parts: Record<string, { size: number; treeHash: string }>;
}

/** The job description exactly as DescribeJob, ListJobs and the SNS notification show it. */
export interface JobDescription {
  JobId: string;
  JobDescription: string | null;
  Action: 'ArchiveRetrieval' | 'InventoryRetrieval';
  ArchiveId: string | null;
  VaultARN: string;
  CreationDate: string;
  Completed: boolean;
  StatusCode: 'InProgress' | 'Succeeded' | 'Failed';
  StatusMessage: string | null;
  ArchiveSizeInBytes: number | null;
  InventorySizeInBytes: number | null;
  SNSTopic: string | null;
  CompletionDate: string | null;
  SHA256TreeHash: string | null;
  ArchiveSHA256TreeHash: string | null;
  RetrievalByteRange: string | null;
  Tier: RetrievalTier | null;
  InventoryRetrievalParameters: {
    Format: 'JSON' | 'CSV';
    StartDate: string | null;
    EndDate: string | null;
    Limit: string | null;
    Marker: string | null;
  } | null;
}

export interface JobRecord {
  vault: string;
  desc: JobDescription;
  /** Epoch ms at which the job completes. */
  completeAt: number;
  /** Topics to notify on completion (the job's own and the vault's, without duplicates). */
  notify: string[];
  /** Archive retrieval: the archive's bytes and the retrieved range. */
  blob?: BlobLayout;
  rangeStart?: number;
  rangeEnd?: number;
  archiveDescription?: string;
}

export const vaultArn = (region: string, account: string, vault: string): string => `arn:aws:glacier:${region}:${account}:vaults/${vault}`;
