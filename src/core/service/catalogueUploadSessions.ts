import type { UploadSession, UploadSessionStore } from '../glacier/uploadSession';
import type { Catalogue } from '../catalogue/catalogue';

/**
 * The Glacier uploader's session store kept in the catalogue (table upload_sessions), keyed by the
 * archive's catalogue id, so an upload interrupted by a crash or a kill resumes from any process
 * that opens the same catalogue. The description is the archive row's.
 */
export function catalogueUploadSessions(catalogue: Catalogue): UploadSessionStore {
  const id = (key: string) => Number(key);
  return {
    async get(key) {
      return catalogue.read((r) => {
        const s = r.getUploadSession(id(key));
        if (!s) return undefined;
        const a = r.getArchive(s.archiveId);
        const session: UploadSession = {
          key,
          vault: s.vaultName,
          uploadId: s.uploadId,
          partSize: s.partSize,
          totalSize: s.totalSize,
          description: a?.description ?? '',
          parts: Object.fromEntries(s.partsDone.map((p) => [p.index, p.treeHash])),
        };
        return session;
      });
    },
    async save(s) {
      await catalogue.write((tx) => tx.saveUploadSession({
        archiveId: id(s.key), vaultName: s.vault, uploadId: s.uploadId, partSize: s.partSize, totalSize: s.totalSize,
        partsDone: Object.entries(s.parts).map(([index, treeHash]) => ({ index: Number(index), treeHash })),
      }));
    },
    async partDone(key, partIndex, treeHashHex) {
      await catalogue.write((tx) => tx.markPartDone(id(key), partIndex, treeHashHex));
    },
    async delete(key) {
      await catalogue.write((tx) => tx.deleteUploadSession(id(key)));
    },
  };
}
