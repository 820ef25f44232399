import type { Catalogue } from './catalogue';

/**
 * A store's resumable upload state (upload ids, parts and segments done) kept in the catalogue's
 * `store_sessions` table, so a killed upload resumes in whichever process (extension, CLI, daemon)
 * opens the catalogue next. Each save is one catalogue write: durable when it resolves.
 */
export class CatalogueSessionStore {
  constructor(private readonly catalogue: Catalogue) {}

  get(key: string): Promise<unknown | undefined> {
    return this.catalogue.read((r) => r.getStoreSession(key));
  }

  save(key: string, state: unknown): Promise<void> {
    return this.catalogue.write((tx) => tx.saveStoreSession(key, state));
  }

  delete(key: string): Promise<void> {
    return this.catalogue.write((tx) => tx.deleteStoreSession(key));
  }
}
