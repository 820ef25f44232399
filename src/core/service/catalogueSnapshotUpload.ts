import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { formatDescription } from '../archive/description';
import { buildSnapshot, parseSnapshot, type CatalogueSnapshot } from '../catalogue/catalogueSnapshot';
import { createFzr1DecryptStream, createFzr1EncryptStream } from '../crypto/fzr1';
import type { KeyMaterial } from '../crypto/keys';
import { FreezerError } from '../errors';
import { errText, uploadArchiveFile } from '../glacier/multipartUploader';
import { deleteRemoteArchive } from './vaultOperations';
import { DEFAULT_KEY_SETTING, type ServiceContext } from './serviceContext';

/** Marks a catalogue snapshot among a vault's archives (docs/FORMAT.md §7): never listed as an archive. */
export const SNAPSHOT_KIND_FIELD = 'kind=catalogue';
export const SNAPSHOT_NAME = 'freezer-catalogue';
/** Snapshots kept per vault: the newest and the one before (should the newest be unreadable). */
export const SNAPSHOTS_KEPT = 2;

export const isSnapshotDescription = (d: string): boolean => d.startsWith('freezer/1;') && d.split(';').includes(SNAPSHOT_KIND_FIELD);

/** Catalogue setting listing a vault's snapshots at the store (JSON `SnapshotRef[]`, oldest first). */
export const snapshotsSetting = (vault: string): string => `catalogueSnapshots:${vault}`;

export interface SnapshotRef {
  /** Glacier archive id. */
  id: string;
  created: string;
  size: number;
}

export async function knownSnapshots(ctx: ServiceContext, vault: string): Promise<SnapshotRef[]> {
  const raw = await ctx.catalogue.getSetting(snapshotsSetting(vault));
  try {
    return raw ? (JSON.parse(raw) as SnapshotRef[]) : [];
  } catch {
    return [];
  }
}

/**
 * The key a vault's snapshot is encrypted with: the key of the archive just frozen, else the default
 * key, else the newest key of the vault's archives. None only when nothing in the vault is encrypted.
 * Only AES-256 keys (fzr1); a vault of legacy-cipher archives only gets no snapshot.
 */
async function snapshotKey(ctx: ServiceContext, vaultId: number, preferred: string | null): Promise<{ key?: KeyMaterial; skip?: string }> {
  const archives = (await ctx.catalogue.listArchives({ vaultId })).filter((a) => a.glacierId);
  const candidates = [preferred, await ctx.catalogue.getSetting(DEFAULT_KEY_SETTING), ...archives.map((a) => a.keyId).reverse()];
  for (const id of candidates) {
    if (!id) continue;
    const key = await ctx.keyStore.get(id);
    if (key?.algorithm === 'AES-256') return { key };
  }
  if (archives.some((a) => a.keyId || (a.format && a.format !== 'none'))) return { skip: 'no AES-256 key of its archives is in the key store' };
  return {};
}

/**
 * Uploads the vault's catalogue snapshot (gzip, fzr1 with the vault's key) as a small archive and
 * deletes snapshots older than the last SNAPSHOTS_KEPT. Best effort: a failure is logged and the next
 * freeze tries again (the rebuild then reads fewer files from the older snapshot).
 */
export async function uploadCatalogueSnapshot(ctx: ServiceContext, vaultName: string, preferredKey: string | null): Promise<SnapshotRef | undefined> {
  const vault = await ctx.catalogue.findVault(vaultName, ctx.region);
  if (!vault || vault.kind !== 'vault') return undefined; // buckets keep a manifest per archive instead
  const { key, skip } = await snapshotKey(ctx, vault.id, preferredKey);
  if (skip) {
    ctx.log.warn('No catalogue snapshot uploaded to vault %s: %s', vaultName, skip);
    return undefined;
  }
  const created = new Date().toISOString();
  const snap = await ctx.catalogue.read((r) => buildSnapshot(r, vault.id, vaultName, created));
  const description = `${formatDescription({ name: SNAPSHOT_NAME, compression: 'gzip', encryption: key ? 'fzr1' : 'none', ...(key ? { algorithm: key.algorithm, keyId: key.id } : {}), created })};${SNAPSHOT_KIND_FIELD}`;
  await fsp.mkdir(ctx.opts.uploadFolder, { recursive: true });
  const file = path.join(ctx.opts.uploadFolder, `.catalogue-snapshot-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeSnapshotFile(snap, file, key);
    const up = await uploadArchiveFile({ clients: ctx.clients, vault: vaultName, file, description, concurrency: ctx.opts.glacier.threads, logger: ctx.log });
    const ref: SnapshotRef = { id: up.archiveId, created, size: up.size };
    const all = [...(await knownSnapshots(ctx, vaultName)).filter((s) => s.id !== ref.id), ref];
    const old = all.slice(0, Math.max(0, all.length - SNAPSHOTS_KEPT));
    await ctx.catalogue.write((tx) => tx.setSetting(snapshotsSetting(vaultName), JSON.stringify(all.slice(-SNAPSHOTS_KEPT))));
    for (const s of old) {
      await deleteRemoteArchive(ctx, vaultName, s.id).catch((e: unknown) => ctx.log.warn('Could not delete the old catalogue snapshot %s of vault %s: %s', s.id, vaultName, errText(e)));
    }
    ctx.log.info('Catalogue snapshot of vault %s uploaded (%d archives, %d bytes, %s)', vaultName, snap.archives.length, up.size, key ? `encrypted with key ${key.id}` : 'not encrypted: no archive of the vault is');
    return ref;
  } finally {
    await fsp.rm(file, { force: true });
  }
}

async function writeSnapshotFile(snap: CatalogueSnapshot, file: string, key: KeyMaterial | undefined): Promise<void> {
  const body = Readable.from([Buffer.from(JSON.stringify(snap))]);
  const out = fs.createWriteStream(file, { mode: 0o600 });
  if (key) await pipeline(body, createGzip(), createFzr1EncryptStream(key), out);
  else await pipeline(body, createGzip(), out);
}

/** Reads a downloaded snapshot archive: authenticated and decrypted with the key store's key. */
export async function readSnapshotFile(ctx: ServiceContext, file: string): Promise<CatalogueSnapshot> {
  const head = Buffer.alloc(4);
  const fh = await fsp.open(file, 'r');
  try {
    await fh.read(head, 0, 4, 0);
  } finally {
    await fh.close();
  }
  const chunks: Buffer[] = [];
  const collect = async function* (src: AsyncIterable<Buffer>) { for await (const c of src) chunks.push(c); yield* []; };
  const encrypted = head.toString('latin1') === 'FZR1';
  const decrypt = createFzr1DecryptStream(async (fp) => {
    const key = await ctx.keyStore.get(fp);
    if (!key) throw new FreezerError('KeyNotFound', `The catalogue snapshot is encrypted with key ${fp}, which is not in the key store. Import its key export (freezer keys import FILE, or Settings → Keys → Import), then rebuild again.`);
    return key;
  });
  if (encrypted) await pipeline(fs.createReadStream(file), decrypt, createGunzip(), collect);
  else await pipeline(fs.createReadStream(file), createGunzip(), collect);
  try {
    return parseSnapshot(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new FreezerError('Corrupt', `The catalogue snapshot could not be read: ${(e as Error).message}.`);
  }
}
