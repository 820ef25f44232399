import { Catalogue, RECREATED_SETTING } from '../catalogue';
import { createClients } from '../glacier/clients';
import { describeConfig } from '../glacier/config';
import { cleanUpCatalogue } from './catalogueMaintenance';
import * as archives from './archiveOperations';
import { listArchiveMembers } from './archiveMembers';
import { rebuildStates, startCatalogueRebuild } from './catalogueRebuild';
import { freeze, recoverAbandoned, resumeUploads } from './freezeOperation';
import * as frozen from './frozenFiles';
import * as jobs from './jobOperations';
import * as keys from './keyOperations';
import { importLegacyDatabase } from './legacyImportOperation';
import { deleteIncompleteUploads, listIncompleteUploads } from './incompleteUploads';
import { restore, restoreFileVersion } from './restoreOperation';
import { effectiveFilters, scanSelection } from './selection';
import type { FreezerService, ServiceOptions } from './service';
import { ServiceContext } from './serviceContext';
import * as vaults from './vaultOperations';
import { addBucket } from './bucketOperations';
import { closeBucketStores } from './bucketStores';

/** Background work dispose() waits for; its failures are logged, not thrown. */
/** A restore whose objects were restored already (S3 answered 200) is complete at once: restore now. */
function applyIfRestored<R extends { status: string; job?: { id: string; status: string } }>(ctx: ServiceContext, r: R): R {
  if (r.status === 'retrieving' && r.job?.status === 'Succeeded') track(ctx, jobs.applyIfComplete(ctx, r.job.id));
  return r;
}

function track(ctx: ServiceContext, p: Promise<void>): void {
  const run = p.catch((e: unknown) => { if (!ctx.lifetime.signal.aborted) ctx.log.warn('%s', (e as Error)?.message ?? String(e)); });
  ctx.watchers.add(run);
  void run.finally(() => ctx.watchers.delete(run));
}

/**
 * The one implementation of `FreezerService`: opens the catalogue, creates the AWS clients and
 * composes the archive, catalogue and Glacier layers. Each front end (extension, CLI, daemon) makes
 * its own, with its key store and logger.
 */
export async function createFreezerService(opts: ServiceOptions): Promise<FreezerService> {
  const catalogue = await Catalogue.open(opts.databasePath, { logger: opts.log });
  const clients = createClients(opts.glacier);
  const ctx = new ServiceContext(opts, catalogue, clients);
  opts.log.info('Freezer service: catalogue %s, upload folder %s, %s', catalogue.file, opts.uploadFolder, describeConfig(opts.glacier));
  // Keys are found through the key store, not the catalogue: a recreated catalogue gets them back here.
  await keys.syncKeys(ctx).catch((e: unknown) => opts.log.warn('Could not compare the key store with the catalogue: %s', (e as Error)?.message ?? String(e)));
  let disposed = false;

  return {
    onDidChange: (listener) => ctx.onDidChange(listener),
    async dispose() {
      if (disposed) return;
      disposed = true;
      ctx.lifetime.abort();
      await jobs.stopWatching(ctx);
      // Requests in flight fail at once; long operations then stop as cancelled (uploads paused, their
      // session kept for resume) and must finish their catalogue writes before it closes.
      clients.destroy();
      closeBucketStores(ctx);
      await Promise.allSettled([...ctx.operations]);
      await catalogue.write(() => undefined).catch(() => undefined);
      catalogue.close();
    },

    listVaults: () => vaults.listVaults(ctx),
    createVault: (name) => vaults.createVault(ctx, name),
    removeVault: (name) => vaults.removeVault(ctx, name),
    listIncompleteUploads: (store, signal) => listIncompleteUploads(ctx, store, signal),
    deleteIncompleteUploads: (store, age, signal) => ctx.track(() => deleteIncompleteUploads(ctx, store, age, signal)),
    requestInventory: (vault) => vaults.requestInventory(ctx, vault),
    addBucket: (location, o) => addBucket(ctx, location, o),

    listArchives: (vault, page) => archives.listArchives(ctx, vault, page),
    getArchive: (id) => archives.getArchive(ctx, id),
    listArchiveMembers: (id, page) => listArchiveMembers(ctx, id, page),
    async scanSelection(sources, filters, signal) {
      return (await scanSelection(ctx.catalogue, ctx.log, sources, effectiveFilters(filters, opts.defaultFilters), signal)).entries;
    },
    freeze: (req) => ctx.track(() => freeze(ctx, req)),
    resumeUploads: (signal) => ctx.track(() => resumeUploads(ctx, signal)),
    recoverAbandoned: () => ctx.track(() => recoverAbandoned(ctx)),
    disconnectArchive: (id) => archives.disconnectArchive(ctx, id),
    removeArchive: (id) => archives.removeArchive(ctx, id),
    estimateRemoval: (id) => archives.estimateRemoval(ctx, id),
    estimateRetrieval: (id, opts) => archives.estimateRetrieval(ctx, id, opts),
    async retrieveArchive(id, tier, o) {
      const job = await archives.retrieveArchive(ctx, id, tier, o);
      // Completed before it was recorded (a short job delay): the notification found nothing to do.
      if (job.status === 'Succeeded') track(ctx, jobs.applyIfComplete(ctx, job.id));
      return job;
    },
    downloadArchive: (id, o) => ctx.track(() => archives.downloadArchive(ctx, id, o)),
    restore: (req) => ctx.track(async () => applyIfRestored(ctx, await restore(ctx, req))),

    listJobs: (vault) => jobs.listJobs(ctx, vault),
    refreshJobs: () => jobs.refreshJobs(ctx),
    watchJobs: (signal) => jobs.watchJobs(ctx, signal),

    listFrozen: (folder) => frozen.listFrozen(ctx, folder),
    listVersions: (p) => frozen.listVersions(ctx, p),
    searchFrozen: (text, limit) => frozen.searchFrozen(ctx, text, limit),
    recentFrozenRoots: (limit) => frozen.recentFrozenRoots(ctx, limit),
    restoreFileVersion: (v, to, o) => ctx.track(async () => applyIfRestored(ctx, await restoreFileVersion(ctx, v, to, o))),

    listKeys: () => keys.listKeys(ctx),
    createKey: (algorithm, label) => keys.createKey(ctx, algorithm, label),
    exportKey: (id, form) => keys.exportKey(ctx, id, form),
    importKey: (json, label) => keys.importKey(ctx, json, label),
    setDefaultKey: (id) => keys.setDefaultKey(ctx, id),

    catalogueNotice: () => catalogue.recreatedNotice(),
    async acknowledgeCatalogueNotice() {
      await catalogue.write((tx) => tx.deleteSetting(RECREATED_SETTING));
      ctx.emit('settings');
    },

    importLegacyDatabase: (file) => importLegacyDatabase(ctx, file),
    cleanUpCatalogue: () => cleanUpCatalogue(ctx),

    async rebuildCatalogue(o) {
      const states = await startCatalogueRebuild(ctx, o);
      // A recreated catalogue warns until it is rebuilt: the user has now started that.
      if (states.length && (await catalogue.recreatedNotice())) {
        await catalogue.write((tx) => tx.deleteSetting(RECREATED_SETTING));
        ctx.emit('settings');
      }
      return states;
    },
    catalogueRebuilds: () => rebuildStates(ctx),
  };
}
