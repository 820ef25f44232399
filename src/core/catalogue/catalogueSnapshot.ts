import type { CatalogueReader } from './catalogueReader';
import type { CatalogueTx } from './catalogueTx';

/**
 * A store's part of the catalogue as one JSON document: every archive in it that the store holds,
 * with its members and frame index, and the facts of the keys they need (never key bytes). Uploaded
 * (compressed, encrypted) as a small archive after each freeze, so the catalogue can be rebuilt from
 * the store and the key export alone (docs/RECOVERY.md, "Rebuilding the catalogue").
 */
export interface CatalogueSnapshot {
  format: 'freezer-catalogue-snapshot';
  version: 1;
  /** The store's name (vault name, or s3://bucket/prefix). */
  store: string;
  created: string;
  archives: SnapshotArchive[];
  keys: { id: string; algorithm: string; fingerprint: string; label: string; created: string }[];
  /** Non-secret settings worth getting back: the default key. */
  settings: Record<string, string>;
}

export interface SnapshotArchive {
  /** The store's archive id (Glacier ArchiveId). */
  remoteId: string;
  description: string;
  created: string;
  uploaded: string | null;
  size: number;
  encryptedSize: number | null;
  treeHash: string | null;
  compression: string;
  format: string;
  keyId: string | null;
  frameIndex: unknown;
  /** [absolute path, size, sha256 hex, mtime ms | null, tar offset | null], in tar order. */
  members: [string, number, string, number | null, number | null][];
}

export const SNAPSHOT_SETTINGS = ['defaultKeyId'];

/** The snapshot of store `vaultId`: archives with a remote copy (not building, not deleted there). */
export function buildSnapshot(r: CatalogueReader, vaultId: number, store: string, created = new Date().toISOString()): CatalogueSnapshot {
  const archives = r.listArchives({ vaultId }).filter((a) => a.glacierId && !a.deletedRemote && !a.building && !a.uploading);
  const keyIds = new Set(archives.map((a) => a.keyId).filter((k): k is string => Boolean(k)));
  const settings: Record<string, string> = {};
  for (const s of SNAPSHOT_SETTINGS) {
    const v = r.getSetting(s);
    if (v) settings[s] = v;
  }
  if (settings.defaultKeyId) keyIds.add(settings.defaultKeyId);
  return {
    format: 'freezer-catalogue-snapshot', version: 1, store, created,
    archives: archives.map((a) => ({
      remoteId: a.glacierId as string, description: a.description, created: a.created, uploaded: a.uploaded, size: a.size,
      encryptedSize: a.encryptedSize, treeHash: a.treeHash, compression: a.compression, format: a.format, keyId: a.keyId,
      frameIndex: r.getFrameIndex(a.id) ?? null,
      members: r.archiveMembers(a.id).map((m) => [m.path, m.size, m.sha256, m.mtimeMs, m.tarOffset]),
    })),
    keys: r.listKeys().filter((k) => keyIds.has(k.id)),
    settings,
  };
}

export function parseSnapshot(text: string): CatalogueSnapshot {
  const o = JSON.parse(text) as CatalogueSnapshot;
  if (!o || o.format !== 'freezer-catalogue-snapshot' || o.version !== 1 || !Array.isArray(o.archives)) {
    throw new Error('not a Freezer catalogue snapshot (version 1)');
  }
  return o;
}

export interface SnapshotApplied {
  /** Archives of the store that got their files (and frame index) back. */
  archives: number;
  files: number;
  /** Archives of the snapshot the store no longer holds (deleted since): left out. */
  gone: number;
  /** Archives the store holds that the snapshot does not know (frozen after it). */
  newer: string[];
}

/**
 * Gives the store's archives, as an inventory recorded them (ids, sizes, no files), what the snapshot
 * knows: members, frame index, key, compression, dates. Archives that already list files are left as
 * they are, so applying twice changes nothing.
 */
export function applySnapshot(tx: CatalogueTx, vaultId: number, snap: CatalogueSnapshot): SnapshotApplied {
  const out: SnapshotApplied = { archives: 0, files: 0, gone: 0, newer: [] };
  for (const k of snap.keys ?? []) if (!tx.getKey(k.id)) tx.addKey(k);
  for (const [name, value] of Object.entries(snap.settings ?? {})) {
    if (SNAPSHOT_SETTINGS.includes(name) && !tx.getSetting(name)) tx.setSetting(name, value);
  }
  const known = new Set<string>();
  for (const s of snap.archives) {
    known.add(s.remoteId);
    const a = tx.findArchiveByGlacierId(s.remoteId);
    if (!a || a.vaultId !== vaultId || a.deletedRemote) {
      out.gone++;
      continue;
    }
    if (a.fileCount > 0) continue;
    tx.updateArchive(a.id, {
      description: s.description, created: s.created, uploaded: s.uploaded ?? a.uploaded, size: s.size,
      encryptedSize: s.encryptedSize ?? a.encryptedSize, treeHash: s.treeHash ?? a.treeHash, compression: s.compression,
      format: s.format, keyId: s.keyId && tx.getKey(s.keyId) ? s.keyId : a.keyId,
      ...(s.frameIndex ? { frameIndex: s.frameIndex } : {}),
    });
    out.files += tx.addMembers(a.id, s.members.map(([path, size, sha256, mtimeMs, tarOffset]) => ({ path, size, sha256, mtimeMs, tarOffset })));
    out.archives++;
  }
  for (const a of tx.listArchives({ vaultId })) {
    if (a.glacierId && !a.deletedRemote && !known.has(a.glacierId) && a.fileCount === 0) out.newer.push(a.glacierId);
  }
  return out;
}
