// Keys and the two archive encryption formats (fzr1, legacy CBC); see docs/FORMAT.md.
export * from './keys';
export * from './fzr1';
export * from './legacyCbc';
