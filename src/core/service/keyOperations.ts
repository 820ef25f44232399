import { exportKeyJson, exportLegacyKeyJson, generateKey, importKeyJson, keyFingerprint, type KeyAlgorithm, type KeyMaterial } from '../crypto/keys';
import { FreezerError } from '../errors';
import { DEFAULT_KEY_SETTING, type ServiceContext } from './serviceContext';
import type { KeyInfo } from './types';
import { toKeyInfo } from './viewModels';

/** Keys the catalogue knows (facts only); the bytes stay in the key store. */
export async function listKeys(ctx: ServiceContext): Promise<KeyInfo[]> {
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

export async function importKey(ctx: ServiceContext, json: string, label?: string): Promise<KeyInfo> {
  const key = importKeyJson(json);
  return register(ctx, key, label ?? key.label);
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
  ctx.emit('keys', 'settings');
}
