import type * as vscode from 'vscode';
import { registerCommand } from '../platform/commandRegistry';
import { acknowledgeCatalogue, showCatalogueNotice } from './acknowledgeCatalogue';
import { addBucket, createBucket } from './createBucket';
import { cleanUpCatalogue } from './cleanUpCatalogue';
import { createVault } from './createVault';
import type { CommandDeps, FreezerCommand } from './deps';
import { disconnectArchive } from './disconnectArchive';
import { freezeFolder } from './freezeFolder';
import { importLegacyDatabase } from './importLegacyDatabase';
import { loadMore } from './loadMore';
import { rebuildCatalogue } from './rebuildCatalogue';
import { refresh } from './refresh';
import { refreshJobs } from './refreshJobs';
import { removeArchive } from './removeArchive';
import { removeVault } from './removeVault';
import { requestInventory } from './requestInventory';
import { restoreArchive } from './restoreArchive';
import { restoreFile } from './restoreFile';
import { restoreFolder } from './restoreFolder';
import { retrieveArchive } from './retrieveArchive';
import { revealArchive } from './revealArchive';
import { showLog } from './showLog';
import { useAmazonS3 } from './useAmazonS3';
import { useLocalEndpoint } from './useLocalEndpoint';

/** Every command of this area (the dialogs register theirs in src/webviews). */
export const COMMANDS: readonly FreezerCommand[] = [
  createVault, createBucket, addBucket, removeVault, refresh, refreshJobs, loadMore, freezeFolder, retrieveArchive, removeArchive,
  disconnectArchive, requestInventory, restoreFile, restoreFolder, restoreArchive, revealArchive,
  importLegacyDatabase, useAmazonS3, useLocalEndpoint, showLog, acknowledgeCatalogue, showCatalogueNotice, rebuildCatalogue, cleanUpCatalogue,
];

/** Registers them through the one wrapper that logs and reports errors once. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  // Every command reminds of a recreated catalogue, except those that deal with it.
  const quiet = new Set([acknowledgeCatalogue.id, showCatalogueNotice.id, showLog.id]);
  return COMMANDS.map((c) => registerCommand(deps.log, c.id, (...args: unknown[]) => {
    if (!quiet.has(c.id)) deps.catalogueNotice.remind();
    return c.run(deps, ...args);
  }));
}
