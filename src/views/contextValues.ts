import type { ArchiveInfo, ArchiveState, VaultInfo } from '../core/service/types';

/**
 * contextValue tags of tree items, matched by regexes in package.json `menus` (`viewItem =~ /…/`).
 * A value is a kind followed by `:tag`s, e.g. `archive:liquid:listable:restorable:disconnectable:removable`.
 * Change the tags and the menu regexes together.
 */
export const Kind = {
  Vault: 'vault',
  Archive: 'archive',
  Job: 'job',
  FrozenFolder: 'frozenFolder',
  FrozenFile: 'frozenFile',
  FileVersion: 'fileVersion',
  LoadMore: 'loadMore',
  Message: 'message',
} as const;

const ARCHIVE_TAGS: Record<ArchiveState, string[]> = {
  building: [],
  uploading: [],
  // listable: its files are catalogued, so "Show Archive Contents" has something to show.
  local: ['listable', 'restorable', 'removable'],
  liquid: ['listable', 'restorable', 'disconnectable', 'removable'],
  frozen: ['listable', 'retrievable', 'restorable', 'removable'],
  melting: ['listable', 'removable'],
  melted: ['listable', 'retrievable', 'restorable', 'removable'],
  invalid: ['listable', 'removable'],
};

export function archiveContext(a: Pick<ArchiveInfo, 'state' | 'activity'>): string {
  // An archive busy in this window (downloading, restoring) offers nothing that would race with it.
  const tags = a.activity ? [] : ARCHIVE_TAGS[a.state];
  return [Kind.Archive, a.state, ...tags].join(':');
}

export function vaultContext(v: Pick<VaultInfo, 'localArchiveCount' | 'remoteArchiveCount'>): string {
  const empty = v.localArchiveCount === 0 && !v.remoteArchiveCount;
  return empty ? `${Kind.Vault}:empty` : Kind.Vault;
}

export function versionContext(state: ArchiveState): string {
  return `${Kind.FileVersion}:${state}`;
}
