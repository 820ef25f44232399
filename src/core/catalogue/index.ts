/** The catalogue's public surface: import from 'core/catalogue'. */
export { Catalogue } from './catalogue';
export type { CatalogueOptions } from './catalogue';
export { CatalogueReader } from './catalogueReader';
export { CatalogueTx } from './catalogueTx';
export { archiveFacts, archiveState, JOB_OUTPUT_LIFETIME_MS } from './archiveState';
export type { ArchiveFacts, ArchiveState, RetrievalFact } from './archiveState';
export { joinCataloguePath, normalizeCataloguePath, splitCataloguePath } from './cataloguePath';
export { SCHEMA_VERSION } from './schema';
export { loadSqlJs, locateSqlWasm } from './sqlJs';
export * from './types';
export { importLegacyDatabase, LEGACY_SETTING_NAMES } from './legacyImport';
export type { LegacyAwsCredentials, LegacyImportProblem, LegacyImportResult } from './legacyImport';
export { importLegacyKeyExports } from './legacyKeyExports';
export type { KeyExportImport, KeyExportProblem } from './legacyKeyExports';
export { CatalogueSessionStore } from './storeSessions';
export { bucketStoreName } from './catalogueTx';
export type { RetrievalJobFacts } from './archiveState';
