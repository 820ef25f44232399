import type { Catalogue } from '../catalogue';
import { FreezerError } from '../errors';
import { UploadSession, UploadSessionStore } from './uploadSession';

/**
 * Upload sessions kept in the catalogue, keyed by the catalogue's archive id (as a string). Every
 * catalogue write saves the whole database, so parts acknowledged while a write is in flight are
 * recorded together in the next one: at most one write runs per store, however many parts finish.
 */
export class CatalogueUploadSessionStore implements UploadSessionStore {
  private pending: { id: number; index: number; hash: string }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly catalogue: Catalogue) {}

  async get(key: string): Promise<UploadSession | undefined> {
    const id = archiveId(key);
    await this.flushing;
    return this.catalogue.read((r) => {
      const s = r.getUploadSession(id);
      if (!s) return undefined;
      const parts: Record<number, string> = {};
      for (const p of s.partsDone) parts[p.index] = p.treeHash;
      return {
        key, vault: s.vaultName, uploadId: s.uploadId, partSize: s.partSize, totalSize: s.totalSize, description: r.getArchive(id)?.description ?? '', parts,
        ...(s.completing ? { completing: s.completing } : {}),
      };
    });
  }

  async save(s: UploadSession): Promise<void> {
    const id = archiveId(s.key);
    await this.flushing;
    await this.catalogue.write((tx) => tx.saveUploadSession({
      archiveId: id, vaultName: s.vault, uploadId: s.uploadId, partSize: s.partSize, totalSize: s.totalSize,
      partsDone: Object.entries(s.parts).map(([index, treeHash]) => ({ index: Number(index), treeHash })),
      completing: s.completing ?? null,
    }));
  }

  async completing(key: string, when: string): Promise<void> {
    const id = archiveId(key);
    await this.flush();
    await this.catalogue.write((tx) => tx.markCompleting(id, when));
  }

  /** Resolves once this part (with any others queued meanwhile) is saved. */
  partDone(key: string, partIndex: number, treeHashHex: string): Promise<void> {
    this.pending.push({ id: archiveId(key), index: partIndex, hash: treeHashHex });
    return this.flush();
  }

  async delete(key: string): Promise<void> {
    const id = archiveId(key);
    await this.flushing;
    await this.catalogue.write((tx) => tx.deleteUploadSession(id));
  }

  private flush(): Promise<void> {
    const run = (this.flushing ?? Promise.resolve()).catch(() => undefined).then(async () => {
      const batch = this.pending;
      this.pending = [];
      if (!batch.length) return;
      await this.catalogue.write((tx) => { for (const p of batch) tx.markPartDone(p.id, p.index, p.hash); });
    });
    this.flushing = run;
    void run.finally(() => { if (this.flushing === run) this.flushing = undefined; }).catch(() => undefined);
    return run;
  }
}

function archiveId(key: string): number {
  const id = Number(key);
  if (!Number.isSafeInteger(id) || id <= 0) throw new FreezerError('InvalidSessionKey', `Upload session key "${key}" is not a catalogue archive id.`);
  return id;
}
