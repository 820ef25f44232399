import { DescribeJobCommand, GlacierJobDescription, ListJobsCommand } from '@aws-sdk/client-glacier';
import { GlacierClients } from './clients';

export type JobAction = 'ArchiveRetrieval' | 'InventoryRetrieval' | 'Select';

/** A Glacier job as the rest of Freezer sees it (from DescribeJob, ListJobs or a notification). */
export interface JobInfo {
  jobId: string;
  action: JobAction | string;
  vaultArn: string;
  archiveId?: string;
  completed: boolean;
  statusCode: 'InProgress' | 'Succeeded' | 'Failed' | string;
  statusMessage?: string;
  creationDate?: string;
  completionDate?: string;
  archiveSizeInBytes?: number;
  inventorySizeInBytes?: number;
  /** Tree hash of the whole archive. */
  archiveTreeHash?: string;
  /** Tree hash of the job output (the retrieved range); absent for inventories. */
  treeHash?: string;
  retrievalByteRange?: string;
  tier?: string;
  snsTopic?: string;
  description?: string;
}

/** Maps the shape DescribeJob and notifications share (PascalCase fields). */
export function toJobInfo(d: GlacierJobDescription | Record<string, unknown>): JobInfo {
  const j = d as Record<string, unknown>;
  const str = (k: string) => (typeof j[k] === 'string' ? (j[k] as string) : undefined);
  const num = (k: string) => (typeof j[k] === 'number' ? (j[k] as number) : undefined);
  return {
    jobId: str('JobId') ?? '',
    action: str('Action') ?? '',
    vaultArn: str('VaultARN') ?? '',
    archiveId: str('ArchiveId'),
    completed: j.Completed === true,
    statusCode: str('StatusCode') ?? 'InProgress',
    statusMessage: str('StatusMessage'),
    creationDate: str('CreationDate'),
    completionDate: str('CompletionDate'),
    archiveSizeInBytes: num('ArchiveSizeInBytes'),
    inventorySizeInBytes: num('InventorySizeInBytes'),
    archiveTreeHash: str('ArchiveSHA256TreeHash'),
    treeHash: str('SHA256TreeHash'),
    retrievalByteRange: str('RetrievalByteRange'),
    tier: str('Tier'),
    snsTopic: str('SNSTopic'),
    description: str('JobDescription'),
  };
}

export async function describeJob(clients: GlacierClients, vault: string, jobId: string, signal?: AbortSignal): Promise<JobInfo> {
  const out = await clients.glacier.send(new DescribeJobCommand({ accountId: clients.accountId, vaultName: vault, jobId }), { abortSignal: signal });
  return toJobInfo(out);
}

export async function listJobs(clients: GlacierClients, vault: string, opts: { completed?: boolean; signal?: AbortSignal } = {}): Promise<JobInfo[]> {
  const jobs: JobInfo[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.glacier.send(new ListJobsCommand({
      accountId: clients.accountId, vaultName: vault, marker, completed: opts.completed === undefined ? undefined : String(opts.completed),
    }), { abortSignal: opts.signal });
    jobs.push(...(page.JobList ?? []).map(toJobInfo));
    marker = page.Marker ?? undefined;
  } while (marker);
  return jobs;
}

/** The byte range a job's output covers within the archive, parsed from "start-end". */
export function jobOutputSize(job: JobInfo): number | undefined {
  if (job.action === 'InventoryRetrieval') return job.inventorySizeInBytes;
  const m = /^(\d+)-(\d+)$/.exec(job.retrievalByteRange ?? '');
  if (m) return Number(m[2]) - Number(m[1]) + 1;
  return job.archiveSizeInBytes;
}
