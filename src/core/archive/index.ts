// Public surface of the archive pipeline (freeze, thaw, formats); see docs/FORMAT.md.
export * from './walk';
export * from './filters';
export * from './hashFile';
export * from './description';
export * from './compression';
export * from './frameIndex';
export * from './progress';
export * from './keyLookup';
export * from './safeExtract';
export * from './freeze';
export * from './thaw';
export * from './rangeRestore';
