import type { Storage } from '../storage';
import { vaultFileName } from '../storage';
import type { ArchiveRecord, JobRecord, UploadRecord, VaultRecord } from './model';

export interface VaultState {
  record: VaultRecord;
  archives: Map<string, ArchiveRecord>;
  uploads: Map<string, UploadRecord>;
  jobs: Map<string, JobRecord>;
}

/**
 * Glacier's state: held in memory for fast listing, written through to one JSON file per vault,
 * archive, upload and job so it survives restarts.
 */
export class GlacierStore {
  readonly vaults = new Map<string, VaultState>();

  constructor(private readonly storage: Storage) {}

  async load(): Promise<void> {
    const s = this.storage;
    for (const record of await s.readAll<VaultRecord>(s.meta('vaults'))) {
      const v: VaultState = { record, archives: new Map(), uploads: new Map(), jobs: new Map() };
      const f = vaultFileName(record.name);
      for (const a of await s.readAll<ArchiveRecord>(s.meta('archives', f))) v.archives.set(a.archiveId, a);
      for (const u of await s.readAll<UploadRecord>(s.meta('uploads', f))) v.uploads.set(u.uploadId, u);
      const jobs = await s.readAll<JobRecord>(s.meta('jobs', f));
      jobs.sort((a, b) => a.desc.CreationDate.localeCompare(b.desc.CreationDate));
      for (const j of jobs) v.jobs.set(j.desc.JobId, j);
      this.vaults.set(record.name, v);
    }
  }

  saveVault(v: VaultRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('vaults', `${vaultFileName(v.name)}.json`), v);
  }

  async removeVault(name: string): Promise<void> {
    const s = this.storage;
    const f = vaultFileName(name);
    await s.remove(s.meta('vaults', `${f}.json`));
    for (const kind of ['archives', 'uploads', 'jobs']) await s.remove(s.meta(kind, f));
  }

  saveArchive(a: ArchiveRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('archives', vaultFileName(a.vault), `${a.archiveId}.json`), a);
  }

  removeArchive(a: ArchiveRecord): Promise<void> {
    return this.storage.remove(this.storage.meta('archives', vaultFileName(a.vault), `${a.archiveId}.json`));
  }

  saveUpload(u: UploadRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('uploads', vaultFileName(u.vault), `${u.uploadId}.json`), u);
  }

  removeUpload(u: UploadRecord): Promise<void> {
    return this.storage.remove(this.storage.meta('uploads', vaultFileName(u.vault), `${u.uploadId}.json`));
  }

  saveJob(j: JobRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('jobs', vaultFileName(j.vault), `${j.desc.JobId}.json`), j);
  }
}
