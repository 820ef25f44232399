import type { ArchiveRecord } from '../catalogue';
import { FreezerError } from '../errors';
import { describeJob } from '../glacier/jobs';
import { errText } from '../glacier/multipartUploader';
import { handleJobUpdate } from './jobOperations';
import { INVENTORY_LAG_MS } from '../glacier/inventoryMerge';
import type { ServiceContext } from './serviceContext';
import type { ArchiveInfo } from './types';
import { requestInventory } from './vaultOperations';

/** An inventory that did not list the archive yet is asked for again after this long. */
const INVENTORY_RETRY_MS = 6 * 3600 * 1000;

/**
 * Settles an upload whose CompleteMultipartUpload answer was lost and whose upload Glacier no longer
 * knows: the archive most likely exists, but only an inventory can name it (by the token in its
 * description). Nothing is uploaded again. An inventory requested after the completion is reused, or
 * one is requested; if it is already complete (the local endpoint, a late resume) it is merged now,
 * which adopts the archive. Otherwise the user is told the archive waits for that inventory.
 */
export async function settleUnconfirmedUpload(ctx: ServiceContext, a: ArchiveRecord, cause: FreezerError): Promise<ArchiveInfo | 'lost'> {
  const session = await ctx.catalogue.getUploadSession(a.id);
  const since = Date.parse(session?.completing ?? a.created);
  const vault = await ctx.vaultRecord(a.vaultName);
  const inventories = (await ctx.catalogue.listJobs({ vaultId: vault.id }))
    .filter((j) => j.action === 'InventoryRetrieval' && j.status !== 'Failed' && Date.parse(j.created) >= since);
  // An inventory taken a day after the completion that does not list the token: Glacier never made the archive.
  if (inventories.some((j) => j.executed && Date.parse(j.created) >= since + INVENTORY_LAG_MS)) {
    ctx.log.warn('Archive %d: an inventory a day after its completion does not list it, so Glacier never created it; uploading it again', a.id);
    await ctx.catalogue.write((tx) => tx.deleteUploadSession(a.id));
    return 'lost';
  }
  const waiting = inventories.find((j) => !j.executed);
  const recent = inventories.some((j) => Date.now() - Date.parse(j.created) < INVENTORY_RETRY_MS);
  const jobId = waiting?.jobId ?? (recent ? undefined : (await requestInventory(ctx, a.vaultName)).id);
  if (!jobId) {
    throw new FreezerError('UploadAwaitingInventory',
      `${cause.message} An inventory of vault ${a.vaultName} taken since does not list archive ${a.id} yet (Glacier lists new archives ` +
      'up to a day late); Freezer asks for another one later. Nothing is uploaded twice.', { cause });
  }
  try {
    await handleJobUpdate(ctx, await describeJob(ctx.clients, a.vaultName, jobId, ctx.lifetime.signal), 'DescribeJob', ctx.lifetime.signal);
  } catch (e) {
    ctx.log.warn('Checking inventory job %s of vault %s failed: %s', jobId, a.vaultName, errText(e));
  }
  const now = await ctx.catalogue.getArchive(a.id);
  if (now?.glacierId && !now.uploading) {
    ctx.log.info('Archive %d: the inventory found it at Glacier by its token (%s); nothing was uploaded twice', a.id, now.glacierId);
    return ctx.archiveInfo(now);
  }
  throw new FreezerError('UploadAwaitingInventory',
    `${cause.message} Archive ${a.id} waits for inventory job ${jobId} of vault ${a.vaultName} (Glacier takes hours; it may list a new ` +
    'archive only about a day later). When that inventory is in (the extension, `freezer daemon` or `freezer jobs --refresh`), ' +
    'the archive is marked uploaded; if Glacier does not have it, its upload starts again then.', { cause });
}
