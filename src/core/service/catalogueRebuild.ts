import fs from 'node:fs/promises';
import path from 'node:path';
import { applySnapshot } from '../catalogue/catalogueSnapshot';
import type { JobRecord, VaultRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { downloadJobOutput } from '../glacier/jobOutputDownloader';
import { describeJob } from '../glacier/jobs';
import { initiateArchiveRetrieval, initiateInventoryRetrieval } from '../glacier/retrieval';
import { knownSnapshots, readSnapshotFile, type SnapshotRef } from './catalogueSnapshotUpload';
import type { ServiceContext } from './serviceContext';
import type { Tier } from './types';
import { bucketStore } from './bucketStores';
import { rebuildFromManifests } from './manifestRebuild';
import { keyLookup } from './restoreOperation';
import { listVaults } from './vaultOperations';

/**
 * Rebuilding the catalogue from the store and the key export alone (docs/RECOVERY.md). The state of
 * each store's rebuild is kept in the catalogue (setting `catalogueRebuild:<store>`), and the jobs it
 * waits on are ordinary catalogue jobs, so it goes on across restarts, in the daemon as in VS Code.
 */
export type RebuildPhase = 'inventory' | 'snapshot' | 'done' | 'failed';

export interface CatalogueRebuild {
  store: string;
  kind: 'vault' | 'bucket';
  phase: RebuildPhase;
  tier: Tier;
  started: string;
  updated: string;
  /** Jobs (retrievals, inventories) the rebuild started so far. */
  jobs: string[];
  /** The job it waits on now. */
  waitingOn?: string;
  snapshot?: SnapshotRef;
  result?: { archives: number; files: number; newer: number; gone: number; snapshotCreated?: string };
  /** One honest sentence: what it waits for, or what it did. */
  message: string;
}

/** How a kind of store gives its catalogue back. A bucket's source reads each archive's manifest (no restore). */
export interface RebuildSource {
  start(ctx: ServiceContext, store: VaultRecord, tier: Tier): Promise<CatalogueRebuild>;
  /** The store's archive list (a vault inventory) was merged; `snapshots` are the catalogue snapshots it listed. */
  afterInventory(ctx: ServiceContext, state: CatalogueRebuild, snapshots: SnapshotRef[]): Promise<CatalogueRebuild>;
  /** A retrieval the rebuild started has completed. */
  afterRetrieval(ctx: ServiceContext, state: CatalogueRebuild, job: JobRecord, signal: AbortSignal): Promise<CatalogueRebuild>;
}

const SETTING = 'catalogueRebuild:';
/** Marks the retrieval job of a catalogue snapshot (jobs.description). */
export const SNAPSHOT_JOB = 'freezer-catalogue-snapshot';

export const isRebuildJob = (j: Pick<JobRecord, 'action' | 'description'>): boolean => j.action === 'ArchiveRetrieval' && j.description === SNAPSHOT_JOB;

async function save(ctx: ServiceContext, s: CatalogueRebuild): Promise<CatalogueRebuild> {
  const next = { ...s, updated: new Date().toISOString() };
  await ctx.catalogue.write((tx) => tx.setSetting(SETTING + s.store, JSON.stringify(next)));
  ctx.emit('vaults', 'jobs');
  ctx.log.info('Catalogue rebuild of %s: %s', s.store, s.message);
  return next;
}

export async function rebuildStates(ctx: ServiceContext): Promise<CatalogueRebuild[]> {
  const all = await ctx.catalogue.listSettings();
  const out: CatalogueRebuild[] = [];
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith(SETTING)) continue;
    try {
      out.push(JSON.parse(v) as CatalogueRebuild);
    } catch {
      // a damaged entry is simply not shown; starting again replaces it
    }
  }
  return out.sort((a, b) => a.store.localeCompare(b.store));
}

async function stateOf(ctx: ServiceContext, store: string): Promise<CatalogueRebuild | undefined> {
  const raw = await ctx.catalogue.getSetting(SETTING + store);
  return raw ? (JSON.parse(raw) as CatalogueRebuild) : undefined;
}

const vaultSource: RebuildSource = {
  async start(ctx, vault, tier) {
    const snsTopic = ctx.opts.glacier.snsTopicArn;
    const job = await initiateInventoryRetrieval(ctx.clients, { vault: vault.name, snsTopic, description: 'Freezer catalogue rebuild: inventory' });
    await ctx.catalogue.write((tx) => tx.upsertJob({ jobId: job.jobId, vaultId: vault.id, action: 'InventoryRetrieval', status: 'InProgress', snsTopic: snsTopic ?? null }));
    const now = new Date().toISOString();
    return {
      store: vault.name, kind: 'vault', phase: 'inventory', tier, started: now, updated: now, jobs: [job.jobId], waitingOn: job.jobId,
      message: `waiting for the inventory of vault ${vault.name} (job ${job.jobId.slice(0, 12)}…; Glacier takes about 4 hours)`,
    };
  },

  async afterInventory(ctx, state, snapshots) {
    const newest = [...snapshots].sort((a, b) => a.created.localeCompare(b.created)).pop();
    if (!newest) {
      return { ...state, phase: 'done', waitingOn: undefined, result: { archives: 0, files: 0, newer: 0, gone: 0 },
        message: `the inventory lists no catalogue snapshot in vault ${state.store}: its archives are listed, without their files` };
    }
    const vault = await ctx.catalogue.findVault(state.store, ctx.region);
    if (!vault) throw new FreezerError('VaultNotFound', `Vault ${state.store} is no longer in the catalogue.`);
    const snsTopic = ctx.opts.glacier.snsTopicArn;
    const job = await initiateArchiveRetrieval(ctx.clients, { vault: state.store, archiveId: newest.id, tier: state.tier, snsTopic, description: 'Freezer catalogue snapshot' });
    await ctx.catalogue.write((tx) => tx.upsertJob({
      jobId: job.jobId, vaultId: vault.id, archiveId: null, action: 'ArchiveRetrieval', tier: state.tier,
      ...(tx.getJob(job.jobId) ? {} : { status: 'InProgress' }), snsTopic: snsTopic ?? null, description: SNAPSHOT_JOB,
    }));
    return { ...state, phase: 'snapshot', snapshot: newest, jobs: [...state.jobs, job.jobId], waitingOn: job.jobId,
      message: `waiting for the ${state.tier} retrieval of the catalogue snapshot of ${newest.created} (job ${job.jobId.slice(0, 12)}…, ${newest.size} bytes)` };
  },

  async afterRetrieval(ctx, state, job, signal) {
    const vault = await ctx.catalogue.getVault(job.vaultId);
    if (!vault) throw new FreezerError('VaultNotFound', `Vault ${job.vaultName} is no longer in the catalogue.`);
    const d = await describeJob(ctx.clients, vault.name, job.jobId, signal);
    const size = d.archiveSizeInBytes ?? state.snapshot?.size;
    if (!d.treeHash || size === undefined) throw new FreezerError('NoTreeHash', `Glacier gives no size or tree hash for job ${job.jobId}; the snapshot cannot be verified.`);
    await fs.mkdir(ctx.opts.uploadFolder, { recursive: true });
    const dest = path.join(ctx.opts.uploadFolder, `.catalogue-snapshot-${job.jobId.slice(0, 16)}`);
    try {
      await downloadJobOutput({ clients: ctx.clients, vault: vault.name, jobId: job.jobId, size, expectedTreeHash: d.treeHash, dest, signal, logger: ctx.log });
      const snap = await readSnapshotFile(ctx, dest);
      const r = await ctx.catalogue.write((tx) => {
        const applied = applySnapshot(tx, vault.id, snap);
        tx.updateJob(job.jobId, { executed: new Date().toISOString() });
        return applied;
      });
      ctx.emit('archives', 'files', 'keys');
      const newer = r.newer.length ? `; ${r.newer.length} archive(s) frozen after the snapshot are listed without their files` : '';
      return { ...state, phase: 'done', waitingOn: undefined,
        result: { archives: r.archives, files: r.files, newer: r.newer.length, gone: r.gone, snapshotCreated: snap.created },
        message: `done: ${r.archives} archive(s) and ${r.files} file version(s) back from the snapshot of ${snap.created}${newer}` };
    } finally {
      await fs.rm(dest, { force: true });
    }
  },
};

/** A bucket: each archive's manifest (STANDARD storage) gives its files back with one GET, so the rebuild is done at once. */
const bucketSource: RebuildSource = {
  async start(ctx, bucket, tier) {
    const r = await rebuildFromManifests(ctx, bucket, bucketStore(ctx, bucket), keyLookup(ctx), ctx.lifetime.signal);
    const now = new Date().toISOString();
    const unreadable = r.unreadable.length
      ? `; ${r.unreadable.length} archive(s) listed without their files (manifest unreadable: ${r.unreadable[0].reason})`
      : '';
    return {
      store: bucket.name, kind: 'bucket', phase: 'done', tier, started: now, updated: now, jobs: [],
      result: { archives: r.archives, files: r.files, newer: 0, gone: 0 },
      message: `done: ${r.archives} archive(s) and ${r.files} file version(s) back from their manifests, no restore needed${unreadable}`,
    };
  },
  afterInventory: async (_ctx, state) => state, // a bucket's rebuild waits on nothing
  afterRetrieval: async (_ctx, state) => state,
};

const SOURCES: Record<'vault' | 'bucket', RebuildSource> = { vault: vaultSource, bucket: bucketSource };
const sourceOf = (kind: 'vault' | 'bucket'): RebuildSource => SOURCES[kind];

/**
 * Starts rebuilding the catalogue of `stores` (default: every vault of the region, as AWS lists them).
 * A rebuild already under way is left to go on (its state is returned) unless `restart`.
 */
export async function startCatalogueRebuild(ctx: ServiceContext, opts: { stores?: string[]; tier?: Tier; restart?: boolean } = {}): Promise<CatalogueRebuild[]> {
  const tier = opts.tier ?? 'Standard';
  const names = opts.stores?.length ? opts.stores : (await listVaults(ctx)).map((v) => v.name);
  const out: CatalogueRebuild[] = [];
  for (const name of names) {
    const current = await stateOf(ctx, name);
    if (current && !opts.restart && (current.phase === 'inventory' || current.phase === 'snapshot')) {
      out.push(current);
      continue;
    }
    const vault = await ctx.vaultRecord(name);
    out.push(await save(ctx, await sourceOf(vault.kind).start(ctx, vault, tier)));
  }
  return out;
}

/** Called once an inventory of `store` was merged, with the catalogue snapshots it listed. */
export async function rebuildAfterInventory(ctx: ServiceContext, store: string, jobId: string, snapshots: SnapshotRef[]): Promise<void> {
  const s = await stateOf(ctx, store);
  if (!s || s.phase !== 'inventory' || s.waitingOn !== jobId) return;
  try {
    await save(ctx, await sourceOf(s.kind).afterInventory(ctx, s, snapshots.length ? snapshots : await knownSnapshots(ctx, store)));
  } catch (e) {
    // The inventory itself was merged; only the rebuild's next step failed: say so, and how to go on.
    await save(ctx, { ...s, phase: 'failed', waitingOn: undefined, message: `failed after the inventory (${(e as Error).message}); start the rebuild again` });
  }
}

/** Applies a completed retrieval the rebuild started (see isRebuildJob). Transient errors are thrown (the job comes again). */
export async function applyRebuildJob(ctx: ServiceContext, job: JobRecord, signal: AbortSignal): Promise<void> {
  const vault = await ctx.catalogue.getVault(job.vaultId);
  const s = vault ? await stateOf(ctx, vault.name) : undefined;
  if (!s || s.waitingOn !== job.jobId) {
    await ctx.catalogue.write((tx) => tx.updateJob(job.jobId, { executed: new Date().toISOString(), statusMessage: 'No catalogue rebuild waits on it.' }));
    return;
  }
  await save(ctx, await sourceOf(s.kind).afterRetrieval(ctx, s, job, signal));
}

/** Records a rebuild that cannot go on (the job's output could not be applied). */
export async function failRebuild(ctx: ServiceContext, job: JobRecord, message: string): Promise<void> {
  const vault = await ctx.catalogue.getVault(job.vaultId);
  const s = vault ? await stateOf(ctx, vault.name) : undefined;
  if (s && s.waitingOn === job.jobId) await save(ctx, { ...s, phase: 'failed', waitingOn: undefined, message: `failed: ${message}` });
}
