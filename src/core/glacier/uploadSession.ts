import { JsonFileSessionStore } from '../storage/sessionStore';

/** What is needed to resume a multipart upload after a crash: kept before the first part is sent. */
export interface UploadSession {
  /** Caller's key, e.g. the catalogue's archive id. */
  key: string;
  vault: string;
  uploadId: string;
  partSize: number;
  totalSize: number;
  description: string;
  /** Part index → tree hash (hex) of the parts AWS acknowledged. */
  parts: Record<number, string>;
  /**
   * When CompleteMultipartUpload was first sent (ISO). From then on Glacier may hold the archive
   * although no answer said so: the upload is settled (ListParts, inventory), never sent again.
   */
  completing?: string;
}

/** Where upload sessions live: the catalogue in the product, a JSON file for the CLI and tests. */
export interface UploadSessionStore {
  get(key: string): Promise<UploadSession | undefined>;
  save(s: UploadSession): Promise<void>;
  partDone(key: string, partIndex: number, treeHashHex: string): Promise<void>;
  /** Records, before CompleteMultipartUpload is sent, that it is about to be (the first time is kept). */
  completing(key: string, when: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Upload sessions in one JSON file, rewritten atomically (see JsonFileSessionStore). */
export class JsonFileUploadSessionStore implements UploadSessionStore {
  private readonly store: JsonFileSessionStore;

  constructor(readonly file: string) {
    this.store = new JsonFileSessionStore(file);
  }

  get(key: string): Promise<UploadSession | undefined> {
    return this.store.get(key) as Promise<UploadSession | undefined>;
  }

  save(s: UploadSession): Promise<void> {
    return this.store.save(s.key, s);
  }

  partDone(key: string, partIndex: number, treeHashHex: string): Promise<void> {
    return this.store.modify<UploadSession>(key, (s) => { s.parts[partIndex] = treeHashHex; });
  }

  completing(key: string, when: string): Promise<void> {
    return this.store.modify<UploadSession>(key, (s) => { s.completing ??= when; });
  }

  delete(key: string): Promise<void> {
    return this.store.delete(key);
  }
}
