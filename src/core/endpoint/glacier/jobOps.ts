import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { MIB } from '../../hash/treeHash';
import { invalidParameter, missingParameter, notFound } from '../awsError';
import { rangeTreeHash, readRange } from '../blobStore';
import { randomId, readSmallBody, sendJson } from '../http';
import { TIERS, type RetrievalTier } from '../options';
import { getArchive } from './archiveOps';
import { arnOf, getVault, nowIso, type GlacierCall, type GlacierContext } from './context';
import { header } from './headers';
import type { JobDescription, JobRecord } from './model';
import { parseHttpRange, parseRetrievalByteRange } from './ranges';
import { checkDescription, page, parseLimit } from './validation';

interface JobParameters {
  Type?: unknown;
  ArchiveId?: unknown;
  Description?: unknown;
  SNSTopic?: unknown;
  RetrievalByteRange?: unknown;
  Tier?: unknown;
  Format?: unknown;
  InventoryRetrievalParameters?: { StartDate?: unknown; EndDate?: unknown; Limit?: unknown; Marker?: unknown };
}

const optString = (v: unknown, name: string): string | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidParameter(`${name} must be a string.`);
  return v;
};

export async function initiateJob(ctx: GlacierContext, call: GlacierCall, vault: string): Promise<void> {
  const v = getVault(ctx, vault);
  let p: JobParameters;
  try {
    p = JSON.parse((await readSmallBody(call.req)).toString('utf8') || '{}') as JobParameters;
  } catch {
    throw invalidParameter('The job parameters are not valid JSON.');
  }
  const type = optString(p.Type, 'Type');
  if (!type) throw missingParameter('Job parameter Type is required: archive-retrieval or inventory-retrieval.');
  const description = checkDescription(optString(p.Description, 'Description'), 'job description');
  const explicitTopic = optString(p.SNSTopic, 'SNSTopic');
  if (explicitTopic !== undefined && !ctx.topics.topicExists(explicitTopic)) throw invalidParameter(`SNS topic ${explicitTopic} does not exist.`);
  const tierIn = optString(p.Tier, 'Tier');
  if (tierIn !== undefined && !TIERS.includes(tierIn as RetrievalTier)) throw invalidParameter(`Invalid Tier "${tierIn}": use Expedited, Standard or Bulk.`);
  const tier = (tierIn ?? 'Standard') as RetrievalTier;
  const event = type === 'archive-retrieval' ? 'ArchiveRetrievalCompleted' : 'InventoryRetrievalCompleted';
  const vaultTopic = v.record.notifications?.Events.includes(event) ? v.record.notifications.SNSTopic : undefined;
  const notify = [...new Set([explicitTopic, vaultTopic].filter((t): t is string => !!t))];
  const jobId = randomId(69);
  const base: JobDescription = {
    JobId: jobId, JobDescription: description || null, Action: 'ArchiveRetrieval', ArchiveId: null,
    VaultARN: arnOf(ctx, vault), CreationDate: nowIso(), Completed: false, StatusCode: 'InProgress', StatusMessage: null,
    ArchiveSizeInBytes: null, InventorySizeInBytes: null, SNSTopic: notify[0] ?? null, CompletionDate: null,
    SHA256TreeHash: null, ArchiveSHA256TreeHash: null, RetrievalByteRange: null, Tier: null, InventoryRetrievalParameters: null,
  };
  let job: JobRecord;
  if (type === 'archive-retrieval') {
    const archiveId = optString(p.ArchiveId, 'ArchiveId');
    if (!archiveId) throw missingParameter('ArchiveId is required for an archive-retrieval job.');
    const a = getArchive(ctx, vault, archiveId);
    const spec = optString(p.RetrievalByteRange, 'RetrievalByteRange');
    const range = spec === undefined ? { start: 0, end: a.blob.size - 1 } : parseRetrievalByteRange(spec, a.blob.size);
    job = {
      vault, notify, blob: a.blob, rangeStart: range.start, rangeEnd: range.end, archiveDescription: a.description,
      completeAt: Date.now() + ctx.opts.jobDelays[tier],
      desc: {
        ...base, ArchiveId: archiveId, ArchiveSizeInBytes: a.blob.size, ArchiveSHA256TreeHash: a.treeHash,
        RetrievalByteRange: `${range.start}-${range.end}`, Tier: tier,
      },
    };
  } else if (type === 'inventory-retrieval') {
    const format = optString(p.Format, 'Format') ?? 'JSON';
    if (format !== 'JSON' && format !== 'CSV') throw invalidParameter(`Invalid Format "${format}": use JSON or CSV.`);
    const ip = p.InventoryRetrievalParameters ?? {};
    if (ip.Limit !== undefined || ip.Marker !== undefined) throw invalidParameter('Inventory Limit and Marker are not supported by the local endpoint; it returns the whole inventory.');
    const date = (x: unknown, name: string): string | null => {
      const s = optString(x, name);
      if (s === undefined) return null;
      if (Number.isNaN(Date.parse(s))) throw invalidParameter(`Invalid ${name} "${s}": expected an ISO 8601 date.`);
      return new Date(s).toISOString();
    };
    job = {
      vault, notify, completeAt: Date.now() + ctx.opts.jobDelays[tier],
      desc: {
        ...base, Action: 'InventoryRetrieval', Tier: null,
        InventoryRetrievalParameters: {
          Format: format, StartDate: date(ip.StartDate, 'StartDate'), EndDate: date(ip.EndDate, 'EndDate'), Limit: null, Marker: null,
        },
      },
    };
  } else {
    throw invalidParameter(`Invalid job type "${type}": use archive-retrieval or inventory-retrieval.`);
  }
  await ctx.store.saveJob(job);
  v.jobs.set(jobId, job);
  ctx.jobs.schedule(job);
  sendJson(call.res, 202, {}, { location: `/${call.account}/vaults/${vault}/jobs/${jobId}`, 'x-amz-job-id': jobId });
}

async function getJob(ctx: GlacierContext, vault: string, jobId: string): Promise<JobRecord> {
  const j = getVault(ctx, vault).jobs.get(jobId);
  if (!j) throw notFound(`The job ID was not found: ${jobId}`);
  await ctx.jobs.settle(j);
  return j;
}

export async function describeJob(ctx: GlacierContext, call: GlacierCall, vault: string, jobId: string): Promise<void> {
  sendJson(call.res, 200, (await getJob(ctx, vault, jobId)).desc);
}

export async function listJobs(ctx: GlacierContext, call: GlacierCall, vault: string): Promise<void> {
  const v = getVault(ctx, vault);
  const limit = parseLimit(call.query.get('limit'), 1000, 1000);
  const completed = call.query.get('completed');
  if (completed !== null && completed !== 'true' && completed !== 'false') throw invalidParameter(`Invalid completed "${completed}": use true or false.`);
  const status = call.query.get('statuscode');
  if (status !== null && !['InProgress', 'Succeeded', 'Failed'].includes(status)) {
    throw invalidParameter(`Invalid statuscode "${status}": use InProgress, Succeeded or Failed.`);
  }
  for (const j of v.jobs.values()) await ctx.jobs.settle(j);
  const all = [...v.jobs.values()]
    .filter((j) => completed === null || String(j.desc.Completed) === completed)
    .filter((j) => status === null || j.desc.StatusCode === status);
  const p = page(all, (j) => j.desc.JobId, call.query.get('marker'), limit);
  sendJson(call.res, 200, { JobList: p.items.map((j) => j.desc), Marker: p.marker });
}

/**
 * GetJobOutput, whole or with `Range` (206 + Content-Range). For an archive, the tree hash of the bytes
 * sent is returned when they start on a MiB boundary and end on one or at the end, as AWS does.
 */
export async function getJobOutput(ctx: GlacierContext, call: GlacierCall, vault: string, jobId: string): Promise<void> {
  const j = await getJob(ctx, vault, jobId);
  const d = j.desc;
  if (!d.Completed) throw invalidParameter(`The job is not currently available for download: ${jobId}`);
  if (d.StatusCode !== 'Succeeded') throw invalidParameter(`The job failed and has no output: ${jobId} (${d.StatusMessage ?? ''})`);
  const rangeHeader = header(call.req, 'range');
  const headers: Record<string, string> = { 'accept-ranges': 'bytes', 'x-amzn-requestid': randomId(16) };
  if (d.Action === 'InventoryRetrieval') {
    const file = ctx.storage.output(jobId);
    const size = (await fsp.stat(file)).size;
    const r = rangeHeader ? parseHttpRange(rangeHeader, size) : { start: 0, end: size - 1 };
    headers['content-type'] = d.InventoryRetrievalParameters?.Format === 'CSV' ? 'text/csv' : 'application/json';
    headers['content-length'] = String(r.end - r.start + 1);
    if (rangeHeader) headers['content-range'] = `bytes ${r.start}-${r.end}/${size}`;
    call.res.writeHead(rangeHeader ? 206 : 200, headers);
    await pipeline(fs.createReadStream(file, { start: r.start, end: r.end }), call.res);
    return;
  }
  const blob = j.blob!;
  const base = j.rangeStart ?? 0;
  const size = (j.rangeEnd ?? blob.size - 1) - base + 1;
  const r = rangeHeader ? parseHttpRange(rangeHeader, size) : { start: 0, end: size - 1 };
  const absStart = base + r.start;
  const absEnd = base + r.end;
  if (absStart % MIB === 0 && ((absEnd + 1) % MIB === 0 || absEnd === blob.size - 1)) {
    headers['x-amz-sha256-tree-hash'] = await rangeTreeHash(ctx.storage.blobsRoot, blob, absStart, absEnd);
  }
  headers['content-type'] = 'application/octet-stream';
  headers['content-length'] = String(r.end - r.start + 1);
  if (j.archiveDescription) headers['x-amz-archive-description'] = j.archiveDescription;
  if (rangeHeader) headers['content-range'] = `bytes ${r.start}-${r.end}/${size}`;
  const body = readRange(ctx.storage.blobsRoot, blob, absStart, absEnd);
  await fsp.access(ctx.storage.blobDir(blob.blobId)).catch(() => {
    throw notFound(`The archive retrieved by job ${jobId} no longer exists.`);
  });
  call.res.writeHead(rangeHeader ? 206 : 200, headers);
  await pipeline(body, call.res);
}
