import { DeleteArchiveCommand, GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { FreezerError } from '../errors';
import type { GlacierClients } from '../glacier/clients';
import { DEFAULT_THREADS } from '../glacier/config';
import { parseInventoryStream } from '../glacier/inventory';
import { downloadJobOutput } from '../glacier/jobOutputDownloader';
import { describeJob } from '../glacier/jobs';
import { uploadArchiveFile } from '../glacier/multipartUploader';
import { initiateArchiveRetrieval, initiateInventoryRetrieval, RETRIEVAL_TIERS, treeHashAlignedRange } from '../glacier/retrieval';
import type { UploadSession, UploadSessionStore } from '../glacier/uploadSession';
import { describeVault } from '../glacier/vaults';
import type { Logger } from '../log';
import type {
  ArchiveRef, ByteRange, ColdStore, DownloadedRange, DownloadOptions, PutArchiveRequest, RemoteArchive, RequestRestoreOptions,
  RestorePlan, StoredArchive, StoreTicket, StoreTraits, TicketStatus,
} from './coldStore';
import type { SessionStore } from './sessionStore';

export interface VaultStoreOptions {
  clients: GlacierClients;
  region: string;
  vault: string;
  /** Part size override (1 MiB × 2^n). */
  partSize?: number;
  concurrency?: number;
  logger?: Logger;
}

const TRAITS: StoreTraits = { kind: 'vault', partialRestore: 'ranged-job', inventory: 'job', manifests: false };
/** Glacier keeps a job's output this long after it completes. */
const JOB_OUTPUT_HOURS = 24;

/** A Glacier vault as a ColdStore: an adapter over src/core/glacier (which it does not change). */
export class VaultStore implements ColdStore {
  readonly traits = TRAITS;
  readonly location: string;

  constructor(private readonly o: VaultStoreOptions) {
    this.location = `glacier://${o.region}/${o.vault}`;
  }

  async check(): Promise<void> {
    await describeVault(this.o.clients, this.o.vault);
  }

  async putArchive(req: PutArchiveRequest): Promise<StoredArchive> {
    const out = await uploadArchiveFile({
      clients: this.o.clients, vault: this.o.vault, file: req.file, description: req.description,
      partSize: this.o.partSize, concurrency: this.o.concurrency ?? DEFAULT_THREADS,
      sessionStore: req.sessions ? glacierSessions(req.sessions) : undefined, sessionKey: req.sessionKey,
      signal: req.signal, logger: this.o.logger, onProgress: req.onProgress,
    });
    return {
      ref: { id: out.archiveId, size: out.size },
      checksum: { algorithm: 'sha256-tree', value: out.treeHash },
      partsSent: out.partsSent, partsTotal: out.partsTotal, resumed: out.resumed,
    };
  }

  async deleteArchive(ref: ArchiveRef, signal?: AbortSignal): Promise<void> {
    try {
      await this.o.clients.glacier.send(new DeleteArchiveCommand({ accountId: this.o.clients.accountId, vaultName: this.o.vault, archiveId: ref.id }), { abortSignal: signal });
    } catch (e) {
      if ((e as { name?: string }).name !== 'ResourceNotFoundException') throw e;
    }
  }

  async planRestore(ref: ArchiveRef, range?: ByteRange): Promise<RestorePlan> {
    const whole = { start: 0, end: ref.size - 1 };
    // Glacier checks a ranged job's bytes only for tree-hash-aligned ranges.
    const r = range ? treeHashAlignedRange(range.start, range.end, ref.size) : whole;
    const bytes = r.end - r.start + 1;
    return { ref, range: r, units: [{ id: `${r.start}-${r.end}`, bytes, readBytes: bytes }], bytesRestored: bytes, bytesToDownload: bytes, tiers: [...RETRIEVAL_TIERS] };
  }

  async requestRestore(plan: RestorePlan, opts: RequestRestoreOptions): Promise<StoreTicket> {
    const partial = plan.range.start !== 0 || plan.range.end !== plan.ref.size - 1;
    const job = await initiateArchiveRetrieval(this.o.clients, {
      vault: this.o.vault, archiveId: plan.ref.id, tier: opts.tier, snsTopic: opts.snsTopic, description: opts.description,
      ...(partial ? { range: plan.range, archiveSize: plan.ref.size } : {}),
    });
    const { tiers: _tiers, ...kept } = plan;
    return {
      kind: 'restore', id: job.jobId, store: this.location, tier: opts.tier, requested: new Date().toISOString(),
      plan: kept, requestedUnits: { [plan.units[0].id]: 'requested' },
    };
  }

  async requestInventory(opts: { snsTopic?: string } = {}): Promise<StoreTicket> {
    const job = await initiateInventoryRetrieval(this.o.clients, { vault: this.o.vault, snsTopic: opts.snsTopic });
    return { kind: 'inventory', id: job.jobId, store: this.location, requested: new Date().toISOString() };
  }

  async status(ticket: StoreTicket, signal?: AbortSignal): Promise<TicketStatus> {
    try {
      const j = await describeJob(this.o.clients, this.o.vault, ticket.id, signal);
      if (j.statusCode === 'Failed') return { state: 'failed', message: j.statusMessage };
      if (!j.completed) return { state: 'in-progress' };
      const done = Date.parse(j.completionDate ?? '') || Date.now();
      return { state: 'ready', expires: new Date(done + JOB_OUTPUT_HOURS * 3600_000).toISOString() };
    } catch (e) {
      if ((e as { name?: string }).name === 'ResourceNotFoundException') return { state: 'expired', message: 'Glacier no longer knows this job (its output expires 24 h after completion).' };
      throw e;
    }
  }

  async download(ticket: StoreTicket, dest: string, opts: DownloadOptions = {}): Promise<DownloadedRange> {
    const range = ticket.plan?.range;
    if (ticket.kind !== 'restore' || !range) throw new FreezerError('InvalidTicket', `Ticket ${ticket.id} is not a restore of this vault.`);
    const j = await describeJob(this.o.clients, this.o.vault, ticket.id, opts.signal);
    if (!j.completed || j.statusCode !== 'Succeeded') throw new FreezerError('RestoreNotReady', `Job ${ticket.id} is not complete yet (${j.statusCode}).`);
    if (!j.treeHash) throw new FreezerError('NoTreeHash', `Glacier gives no tree hash for job ${ticket.id}; its bytes cannot be verified. Retrieve the whole archive.`);
    const size = range.end - range.start + 1;
    await downloadJobOutput({
      clients: this.o.clients, vault: this.o.vault, jobId: ticket.id, size, expectedTreeHash: j.treeHash, dest,
      concurrency: this.o.concurrency, signal: opts.signal, onProgress: opts.onProgress, logger: this.o.logger,
    });
    return { path: dest, range, bytesDownloaded: size };
  }

  async *readInventory(ticket: StoreTicket, signal?: AbortSignal): AsyncIterable<RemoteArchive> {
    const out = await this.o.clients.glacier.send(new GetJobOutputCommand({ accountId: this.o.clients.accountId, vaultName: this.o.vault, jobId: ticket.id }), { abortSignal: signal });
    if (!out.body) throw new FreezerError('ShortRead', `Glacier returned no inventory for job ${ticket.id}.`);
    for await (const a of parseInventoryStream(out.body as AsyncIterable<Uint8Array>)) {
      yield { ref: { id: a.archiveId, size: a.size }, description: a.description, created: a.creationDate, checksum: a.treeHash };
    }
  }

  async readManifest(): Promise<undefined> {
    return undefined;
  }

  close(): void {
    // The clients are the caller's (shared with the rest of the vault layer).
  }
}

/**
 * The glacier uploader's session store over a generic one. The uploader re-checks every part with
 * ListParts on resume, so recorded parts are a hint only: their writes are coalesced (one in flight).
 */
export function glacierSessions(store: SessionStore): UploadSessionStore {
  const latest = new Map<string, UploadSession>();
  let writing: Promise<void> = Promise.resolve();
  let dirty = new Set<string>();
  const flush = () => {
    writing = writing.catch(() => undefined).then(async () => {
      const keys = [...dirty];
      dirty = new Set();
      for (const k of keys) {
        const s = latest.get(k);
        if (s) await store.save(k, s);
      }
    });
    return writing;
  };
  return {
    async get(key) {
      const s = (await store.get(key)) as UploadSession | undefined;
      if (!s || typeof s !== 'object' || typeof s.uploadId !== 'string' || typeof s.partSize !== 'number') return undefined;
      latest.set(key, { ...s, parts: { ...(s.parts ?? {}) } });
      return { ...s, parts: { ...(s.parts ?? {}) } };
    },
    async save(s) {
      latest.set(s.key, { ...s, parts: { ...s.parts } });
      await writing.catch(() => undefined);
      await store.save(s.key, s);
    },
    partDone(key, index, hash) {
      const s = latest.get(key);
      if (!s) return Promise.resolve();
      s.parts[index] = hash;
      dirty.add(key);
      return flush();
    },
    // Saved before CompleteMultipartUpload is sent (awaited): a lost answer is then settled, not redone.
    async completing(key, when) {
      const s = latest.get(key);
      if (!s) return;
      s.completing ??= when;
      dirty.add(key);
      await flush();
    },
    async delete(key) {
      latest.delete(key);
      dirty.delete(key);
      await writing.catch(() => undefined);
      await store.delete(key);
    },
  };
}
