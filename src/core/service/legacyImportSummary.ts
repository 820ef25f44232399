import type { LegacyImportCounts } from './legacyImportOperation';

const count = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** One sentence telling the user what an import of an AWS Freezer database brought in. */
export function legacyImportSummary(r: Pick<LegacyImportCounts, 'vaults' | 'vaultsMerged' | 'archives' | 'files' | 'keys'>): string {
  if (!r.vaults && !r.vaultsMerged && !r.archives && !r.files && !r.keys) {
    return 'Nothing new to import: everything in this database is already in Freezer.';
  }
  const what = `${count(r.archives, 'archive')}, ${count(r.files, 'file')} and ${count(r.keys, 'key')}`;
  const into = r.vaults && r.vaultsMerged ? ` into ${count(r.vaults + r.vaultsMerged, 'vault')} (${r.vaults} new, ${r.vaultsMerged} existing)`
    : r.vaults ? ` into ${count(r.vaults, 'new vault')}`
    : r.vaultsMerged ? ` into ${count(r.vaultsMerged, 'existing vault')}`
    : '';
  return `Imported ${what}${into}.`;
}
