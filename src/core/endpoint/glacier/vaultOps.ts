import { invalidParameter, missingParameter, notFound } from '../awsError';
import { removeBlob } from '../blobStore';
import { readSmallBody, sendEmpty, sendJson } from '../http';
import { arnOf, getVault, nowIso, type GlacierCall, type GlacierContext } from './context';
import type { VaultState } from './glacierStore';
import { NOTIFICATION_EVENTS, type NotificationEvent } from './model';
import { checkVaultName, page, parseLimit } from './validation';

function describe(ctx: GlacierContext, v: VaultState): Record<string, unknown> {
  let size = 0;
  for (const a of v.archives.values()) size += a.blob.size;
  return {
    VaultARN: arnOf(ctx, v.record.name),
    VaultName: v.record.name,
    CreationDate: v.record.creationDate,
    LastInventoryDate: v.record.lastInventoryDate,
    NumberOfArchives: v.archives.size,
    SizeInBytes: size,
  };
}

/** CreateVault is idempotent, as on AWS. */
export async function createVault(ctx: GlacierContext, call: GlacierCall, name: string): Promise<void> {
  checkVaultName(name);
  if (!ctx.store.vaults.has(name)) {
    const record = { name, creationDate: nowIso(), lastInventoryDate: null, notifications: null };
    await ctx.store.saveVault(record);
    ctx.store.vaults.set(name, { record, archives: new Map(), uploads: new Map(), jobs: new Map() });
  }
  sendEmpty(call.res, 201, { location: `/${call.account}/vaults/${name}` });
}

export function describeVault(ctx: GlacierContext, call: GlacierCall, name: string): void {
  sendJson(call.res, 200, describe(ctx, getVault(ctx, name)));
}

export function listVaults(ctx: GlacierContext, call: GlacierCall): void {
  const limit = parseLimit(call.query.get('limit'), 10, 10);
  const all = [...ctx.store.vaults.values()].sort((a, b) => (a.record.name < b.record.name ? -1 : a.record.name > b.record.name ? 1 : 0));
  const p = page(all, (v) => arnOf(ctx, v.record.name), call.query.get('marker'), limit);
  sendJson(call.res, 200, { VaultList: p.items.map((v) => describe(ctx, v)), Marker: p.marker });
}

/** Refuses a vault that still holds archives, like AWS. */
export async function deleteVault(ctx: GlacierContext, call: GlacierCall, name: string): Promise<void> {
  const v = getVault(ctx, name);
  if (v.archives.size > 0) throw invalidParameter(`Vault not empty or recently written to: ${arnOf(ctx, name)}`);
  ctx.jobs.cancelVault(name);
  ctx.store.vaults.delete(name);
  await ctx.store.removeVault(name);
  for (const u of v.uploads.values()) await removeBlob(ctx.storage.blobsRoot, u.uploadId);
  sendEmpty(call.res, 204);
}

export async function setVaultNotifications(ctx: GlacierContext, call: GlacierCall, name: string): Promise<void> {
  const v = getVault(ctx, name);
  const body = await readSmallBody(call.req);
  let cfg: { SNSTopic?: unknown; Events?: unknown };
  try {
    cfg = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw invalidParameter('The notification configuration is not valid JSON.');
  }
  if (typeof cfg.SNSTopic !== 'string' || !cfg.SNSTopic) throw missingParameter('SNSTopic is required in the vault notification configuration.');
  if (!Array.isArray(cfg.Events) || cfg.Events.length === 0) throw missingParameter('Events is required in the vault notification configuration.');
  for (const e of cfg.Events) {
    if (!NOTIFICATION_EVENTS.includes(e)) throw invalidParameter(`Invalid event "${String(e)}": use ${NOTIFICATION_EVENTS.join(' or ')}.`);
  }
  if (!ctx.topics.topicExists(cfg.SNSTopic)) throw invalidParameter(`SNS topic ${cfg.SNSTopic} does not exist.`);
  v.record.notifications = { SNSTopic: cfg.SNSTopic, Events: [...new Set(cfg.Events as NotificationEvent[])] };
  await ctx.store.saveVault(v.record);
  sendEmpty(call.res, 204);
}

export function getVaultNotifications(ctx: GlacierContext, call: GlacierCall, name: string): void {
  const v = getVault(ctx, name);
  if (!v.record.notifications) throw notFound(`No notification configuration is set for vault: ${arnOf(ctx, name)}`);
  sendJson(call.res, 200, v.record.notifications);
}

export async function deleteVaultNotifications(ctx: GlacierContext, call: GlacierCall, name: string): Promise<void> {
  const v = getVault(ctx, name);
  v.record.notifications = null;
  await ctx.store.saveVault(v.record);
  sendEmpty(call.res, 204);
}
