import { parseDescription } from '../archive/description';
import type { KeySource } from '../archive/keyLookup';
import type { VaultRecord } from '../catalogue';
import type { ArchiveManifest, ColdStore } from '../storage';
import type { ServiceContext } from './serviceContext';

export interface ManifestRebuildResult {
  archives: number;
  files: number;
  /** Archives whose manifest could not be read (damaged, or a key not in the key store): listed without files. */
  unreadable: { id: string; reason: string }[];
}

/**
 * The catalogue of a store whose archives each carry a manifest readable at once (an S3 bucket: in
 * STANDARD storage, docs/S3.md): one listing, one GET per manifest, no restore. Archives the catalogue
 * already lists with their files are left alone, so running it twice changes nothing.
 */
export async function rebuildFromManifests(ctx: Pick<ServiceContext, 'catalogue' | 'emit'>, record: VaultRecord, store: ColdStore, keys: KeySource, signal?: AbortSignal): Promise<ManifestRebuildResult> {
  const out: ManifestRebuildResult = { archives: 0, files: 0, unreadable: [] };
  const ticket = await store.requestInventory({ signal });
  for await (const remote of store.readInventory(ticket, signal)) {
    const known = await ctx.catalogue.findArchiveByGlacierId(remote.ref.id);
    if (known && known.fileCount > 0) continue;
    let manifest: ArchiveManifest | undefined;
    try {
      manifest = await store.readManifest(remote.ref, keys, signal);
    } catch (e) {
      out.unreadable.push({ id: remote.ref.id, reason: (e as Error).message });
    }
    const d = (() => { try { return parseDescription(manifest?.description ?? remote.description); } catch { return undefined; } })();
    const fields = {
      glacierId: remote.ref.id, description: manifest?.description ?? remote.description, created: manifest?.created ?? remote.created ?? new Date().toISOString(),
      uploaded: manifest?.created ?? remote.created ?? null, size: manifest?.frameIndex?.payloadSize ?? remote.ref.size, encryptedSize: manifest?.archive.size ?? remote.ref.size,
      compression: d?.compression ?? 'none', format: d && d.encryption !== 'none' ? d.encryption : '', keyId: d?.keyId ?? null,
      storageClass: manifest?.storageClass ?? remote.ref.storageClass ?? null,
      ...(manifest?.frameIndex ? { frameIndex: manifest.frameIndex } : {}), ...(manifest ? { segments: manifest.segments } : {}),
    };
    const files = await ctx.catalogue.write((tx) => {
      if (fields.keyId && !tx.getKey(fields.keyId)) fields.keyId = null;
      const a = known ? tx.updateArchive(known.id, fields) : tx.addArchive({ vaultId: record.id, ...fields, lastInventory: new Date().toISOString() });
      return manifest ? tx.addMembers(a.id, manifest.members) : 0;
    });
    if (manifest) {
      out.archives++;
      out.files += files;
    }
  }
  ctx.emit('archives', 'files');
  return out;
}
