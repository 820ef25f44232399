import path from 'node:path';
import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import { changedFilesWarning } from '../core/service/changedFilesWarning';
import type { ArchiveInfo, StorageClass } from '../core/service/types';
import { keyForNewArchive } from '../platform/encryptionChoice';
import { pickStorageClass } from './createBucket';
import { runWithProgress } from '../platform/progress';
import { readSettings } from '../platform/settings';
import type { FreezerCommand } from './deps';
import { resolveVault } from './pickers';

export interface FreezeOptions {
  vault?: string;
  name?: string;
  description?: string;
  /** Key id; null: no encryption; undefined: the default key. */
  keyId?: string | null;
  /** Bucket stores: the storage class (asked, with the store's last one first, when not given). */
  storageClass?: StorageClass;
}

/** The Explorer passes the clicked item and the whole selection; the palette passes nothing. */
async function sourcesOf(clicked: unknown, selection: unknown): Promise<string[]> {
  const uris = Array.isArray(selection) && selection.length ? selection : clicked instanceof vscode.Uri ? [clicked] : [];
  const files = uris.filter((u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file').map((u) => u.fsPath);
  if (files.length) return files;
  if (uris.length) throw new FreezerError('NotLocal', 'Freezer can only freeze files on this machine\'s disk.');
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, canSelectMany: true, title: 'Freeze', openLabel: 'Freeze' });
  if (!picked?.length) throw new CancellationError();
  return picked.map((u) => u.fsPath);
}

/**
 * Packs folders and files into a new archive and uploads it. The archive shows in the Vaults view at
 * once (building, then uploading); a cancellable notification shows file N of M, bytes, speed and ETA.
 */
export const freezeFolder: FreezerCommand = {
  id: 'freezer.freezeFolder',
  async run(deps, clicked?: unknown, selection?: unknown, opts: FreezeOptions = {}): Promise<ArchiveInfo> {
    const sources = await sourcesOf(clicked, selection);
    const vault = await resolveVault(deps, opts.vault, 'Freeze into which store?');
    const storageClass = vault.kind === 'bucket' ? opts.storageClass ?? await pickStorageClass(vault.storageClass, `Freeze into ${vault.name}`) : undefined;
    const svc = await deps.host.ready();
    const settings = readSettings();
    const label = sources.length === 1 ? path.basename(sources[0]) : `${path.basename(sources[0])} and ${sources.length - 1} more`;
    // Show the vault expanded so the new archive is visible while it builds.
    const vaultNode = (await deps.vaults.vaultNodes()).find((n) => 'vault' in n && n.vault.name === vault.name);
    if (vaultNode && deps.vaultsView.visible) void Promise.resolve(deps.vaultsView.reveal(vaultNode, { expand: true })).catch(() => undefined);
    // A key (or null) given by a script is its choice; otherwise the default key, asking when there is none.
    // The default key is the catalogue's (as for the builder and the CLI), never a copy in VS Code settings.
    const keyId = opts.keyId !== undefined ? opts.keyId : await keyForNewArchive(svc, deps.log, undefined);
    const archive = await runWithProgress(deps.transfers, `Freezing ${label} into ${vault.name}`, ({ signal, onProgress }) => svc.freeze({
      vault: vault.name,
      sources,
      name: opts.name,
      description: opts.description,
      compression: settings.defaultCompression,
      ...(storageClass ? { storageClass } : {}),
      keyId,
      signal,
      onProgress,
    }));
    deps.log.info(`Froze ${label} into archive ${archive.id} (${archive.name}) of ${vault.name}: ${archive.state}`);
    deps.vaults.markArchivesStale();
    const torn = changedFilesWarning(archive);
    if (torn) void vscode.window.showWarningMessage(`Froze ${label} into "${archive.name}" (${archive.encryption ? 'encrypted' : 'not encrypted'}) in ${vault.name}, but ${torn}`);
    else void vscode.window.showInformationMessage(`Froze ${label} into "${archive.name}" (${archive.fileCount} file${archive.fileCount === 1 ? '' : 's'}, ${archive.encryption ? 'encrypted' : 'not encrypted'}) in ${vault.name}.`);
    return archive;
  },
};
