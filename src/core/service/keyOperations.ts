import { exportKeyJson, exportLegacyKeyJson, generateKey, importKeyJson, keyFingerprint, type KeyAlgorithm, type KeyMaterial } from '../crypto/keys';
import { FreezerError } from '../errors';
import { DEFAULT_KEY_SETTING, type ServiceContext } from './serviceContext';
import type { KeyInfo } from './types';
import { toKeyInfo } from './viewModels';

/**
 * Brings the catalogue and the key store into agreement. The store is the truth for which keys exist:
 * a recreated catalogue gets back a row for every key held and the default key; a catalogued key whose
 * bytes the store holds but does not index yet (stores older than their index) is indexed.
 */
export async function syncKeys(ctx: ServiceContext): Promise<void> {
  const [held, storeDefault, records, catDefault] = await Promise.all([
    ctx.keyStore.list(), ctx.keyStore.getDefault(), ctx.catalogue.listKeys(), ctx.catalogue.getSetting(DEFAULT_KEY_SETTING),
  ]);
  const heldIds = new Set(held);
  for (const r of records) {
    if (heldIds.has(r.id)) continue;
    const km = await ctx.keyStore.get(r.id).catch(() => undefined);
    if (km) {
      await ctx.keyStore.put(km);
      heldIds.add(r.id);
    }
  }
  const known = new Set(records.map((r) => r.id));
  const missing: KeyMaterial[] = [];
  for (const id of heldIds) {
    if (known.has(id)) continue;
    const km = await ctx.keyStore.get(id).catch(() => undefined);
    if (km) missing.push(km);
  }
  const restoreDefault = !catDefault && storeDefault && heldIds.has(storeDefault) ? storeDefault : undefined;
  if (missing.length || restoreDefault) {
    await ctx.catalogue.write((tx) => {
      for (const key of missing) {
        if (!tx.getKey(key.id)) tx.addKey({ id: key.id, algorithm: key.algorithm, fingerprint: keyFingerprint(key), label: key.label ?? '', created: key.createdAt });
      }
      if (restoreDefault && !tx.getSetting(DEFAULT_KEY_SETTING)) tx.setSetting(DEFAULT_KEY_SETTING, restoreDefault);
    });
    if (missing.length) ctx.log.info('%d key(s) of the key store were missing from the catalogue; added', missing.length);
    if (restoreDefault) ctx.log.info('Default key %s taken from the key store (the catalogue had none)', restoreDefault);
    ctx.emit('keys');
  }
  if (catDefault && !storeDefault && heldIds.has(catDefault)) await ctx.keyStore.setDefault(catDefault);
}

/** The default key id: the catalogue's setting, else the one the key store remembers. */
export async function defaultKeyId(ctx: ServiceContext): Promise<string | undefined> {
  return (await ctx.catalogue.getSetting(DEFAULT_KEY_SETTING)) ?? (await ctx.keyStore.getDefault());
}

/** Keys held (facts from the catalogue, which is first brought up to date with the key store). */
export async function listKeys(ctx: ServiceContext): Promise<KeyInfo[]> {
  await syncKeys(ctx);
  const [records, def] = await Promise.all([ctx.catalogue.listKeys(), ctx.catalogue.getSetting(DEFAULT_KEY_SETTING)]);
  const out: KeyInfo[] = [];
  for (const k of records) {
    const km = await ctx.keyStore.get(k.id).catch(() => undefined);
    out.push(toKeyInfo(k, { isDefault: k.id === def, legacy: km?.legacyId !== undefined || k.algorithm !== 'AES-256' }));
  }
  return out;
}

export async function createKey(ctx: ServiceContext, algorithm: KeyAlgorithm, label?: string): Promise<KeyInfo> {
  const key = generateKey(algorithm, label);
  const info = await register(ctx, key, label);
  // Encryption on by default: the first key made for new archives becomes their default key.
  if (algorithm === 'AES-256' && !(await ctx.catalogue.getSetting(DEFAULT_KEY_SETTING)) && (await ctx.catalogue.listKeys()).length === 1) {
    await setDefaultKey(ctx, key.id);
    ctx.log.info('Key %s is the first key: new archives are encrypted with it', key.id);
    return { ...info, isDefault: true };
  }
  return info;
}

export async function importKey(ctx: ServiceContext, json: string, label?: string): Promise<KeyInfo & { alreadyHeld: boolean }> {
  const key = importKeyJson(json);
  const alreadyHeld = (await ctx.keyStore.get(key.id).catch(() => undefined)) !== undefined;
  return { ...(await register(ctx, key, label ?? key.label)), alreadyHeld };
}

/** Key material to the key store first (a catalogue row without its key would be useless), then the facts. */
export async function register(ctx: ServiceContext, key: KeyMaterial, label?: string): Promise<KeyInfo> {
  await ctx.keyStore.put(key);
  const rec = await ctx.catalogue.write((tx) => {
    const known = tx.getKey(key.id);
    if (known) {
      if (label && label !== known.label) tx.setKeyLabel(key.id, label);
      return tx.getKey(key.id)!;
    }
    return tx.addKey({ id: key.id, algorithm: key.algorithm, fingerprint: keyFingerprint(key), label: label ?? '', created: key.createdAt });
  });
  ctx.emit('keys');
  ctx.log.info('Key %s (%s) is in the key store', key.id, key.algorithm);
  const def = await ctx.catalogue.getSetting(DEFAULT_KEY_SETTING);
  return toKeyInfo(rec, { isDefault: def === key.id, legacy: key.legacyId !== undefined || key.algorithm !== 'AES-256' });
}

/** The key's export (it contains the key bytes: hand it only to where the user asked). */
export async function exportKey(ctx: ServiceContext, id: string, form: 'freezer' | 'legacy' = 'freezer'): Promise<string> {
  const key = await ctx.keyStore.get(id);
  if (!key) throw new FreezerError('KeyNotFound', `Key ${id} is not in this machine's key store.`);
  return form === 'legacy' ? exportLegacyKeyJson(key) : exportKeyJson(key);
}

export async function setDefaultKey(ctx: ServiceContext, id: string | null): Promise<void> {
  if (id !== null) {
    const key = await ctx.keyStore.get(id);
    if (!key) throw new FreezerError('KeyNotFound', `Key ${id} is not in this machine's key store; import it first.`);
    if (!(await ctx.catalogue.getKey(id))) await register(ctx, key);
  }
  await ctx.catalogue.write((tx) => (id === null ? tx.deleteSetting(DEFAULT_KEY_SETTING) : tx.setSetting(DEFAULT_KEY_SETTING, id)));
  // Kept beside the keys too, so a recreated catalogue still encrypts with it.
  await ctx.keyStore.setDefault(id);
  ctx.emit('keys', 'settings');
}
