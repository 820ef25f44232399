import { readSmallBody } from '../http';
import { TIERS, type RetrievalTier } from '../options';
import { getBucket, getObject, type S3Call, type S3Context } from './context';
import { ARCHIVE_CLASSES } from './model';
import { expiryFrom } from './restoreRunner';
import { sendNoBody } from './respond';
import { invalidArgument, malformedXml, s3Error } from './s3Error';
import { child, parseXml, textOf } from './xml';

const SPEED: Record<RetrievalTier, number> = { Expedited: 0, Standard: 1, Bulk: 2 };

/**
 * RestoreObject: 202 for a new restore (or a faster tier for a running one), 200 when already restored
 * (the copy's life is extended), 409 RestoreAlreadyInProgress, 503 GlacierExpeditedRetrievalNotAvailable
 * when Expedited capacity is switched off. DEEP_ARCHIVE has no Expedited tier.
 */
export async function restoreObject(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const o = getObject(ctx, b, call.key);
  const body = (await readSmallBody(call.req, 64 * 1024)).toString('utf8').trim();
  const root = parseXml(body || '<RestoreRequest/>');
  if (root.name !== 'RestoreRequest') throw malformedXml();
  if (textOf(root, 'Type') === 'SELECT' || child(root, 'SelectParameters')) throw s3Error(501, 'NotImplemented', 'Select restores are not supported by the local endpoint.');
  await ctx.restores.settle(o);
  if (!ARCHIVE_CLASSES.includes(o.storageClass)) {
    throw s3Error(403, 'InvalidObjectState', "Restore is not allowed for the object's current storage class", { StorageClass: o.storageClass });
  }
  const daysText = textOf(root, 'Days');
  if (daysText === undefined) throw malformedXml();
  if (!/^\d+$/.test(daysText) || Number(daysText) < 1) throw invalidArgument('Days must be a positive integer.', 'Days', daysText);
  const days = Number(daysText);
  const tierText = textOf(child(root, 'GlacierJobParameters'), 'Tier') ?? textOf(root, 'Tier') ?? 'Standard';
  if (!TIERS.includes(tierText as RetrievalTier)) throw malformedXml();
  const tier = tierText as RetrievalTier;
  if (tier === 'Expedited' && o.storageClass === 'DEEP_ARCHIVE') {
    throw invalidArgument('Expedited retrieval is not supported for objects in the DEEP_ARCHIVE storage class: use Standard or Bulk.', 'Tier', tier);
  }
  if (tier === 'Expedited' && !ctx.controls.expeditedAvailable) {
    throw s3Error(503, 'GlacierExpeditedRetrievalNotAvailable', 'Glacier expedited retrievals are currently not available, please try again later');
  }
  const now = Date.now();
  const r = o.restore;
  if (r && !r.ongoing) {
    o.restore = { ...r, days, expiresAt: expiryFrom(now, days, ctx.opts.restoreDayMs) };
    await ctx.store.saveObject(o);
    ctx.restores.schedule(o);
    sendNoBody(call.res, 200);
    return;
  }
  if (r?.ongoing) {
    if (SPEED[tier] >= SPEED[r.tier]) throw s3Error(409, 'RestoreAlreadyInProgress', 'Object restore is already in progress');
    o.restore = { ...r, tier, days, completeAt: Math.min(r.completeAt, now + ctx.opts.jobDelays[tier]) };
    await ctx.store.saveObject(o);
    ctx.restores.schedule(o);
    sendNoBody(call.res, 202);
    return;
  }
  o.restore = { tier, days, requestedAt: now, completeAt: now + ctx.opts.jobDelays[tier], ongoing: true };
  await ctx.store.saveObject(o);
  await ctx.events.emit(b, 'ObjectRestore:Post', o);
  ctx.restores.schedule(o);
  sendNoBody(call.res, 202);
}
