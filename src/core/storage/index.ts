export * from './coldStore';
export * from './sessionStore';
export * from './notifications';
export { VaultStore, glacierSessions, type VaultStoreOptions } from './vaultStore';
