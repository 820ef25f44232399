import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import type { FreezerService } from '../core/service/service';
import { writePrivateFile } from './privateFile';
import { readSettings, updateSetting } from './settings';

export const CREATE_KEY = 'Create Key Now';
export const UNENCRYPTED_ONCE = 'Freeze Unencrypted This Time';
export const UNENCRYPTED_ALWAYS = 'Always Freeze Unencrypted';

/**
 * The key a new archive is encrypted with. When it would go out unencrypted only because Freezer
 * has no key yet, asks first (create a key now / unencrypted this time / always), unless the user
 * chose "always" before. `requested`: a key id, null (no encryption), undefined (the default key).
 */
export async function keyForNewArchive(svc: FreezerService, log: vscode.LogOutputChannel, requested: string | null | undefined): Promise<string | null | undefined> {
  if (typeof requested === 'string') return requested;
  const keys = await svc.listKeys();
  if (requested === undefined && keys.some((k) => k.isDefault)) return undefined;
  // An explicit "no encryption" while keys exist is the user's own choice.
  if (requested === null && keys.length) return null;
  if (readSettings().allowUnencrypted) return requested;
  const pick = await vscode.window.showWarningMessage(
    keys.length ? 'No default encryption key: this archive would not be encrypted.' : 'Freezer has no encryption key yet: this archive would not be encrypted.',
    { modal: true, detail: 'Anyone who can read the vault could read its files. A new key becomes the default for new archives; keep an export of it somewhere safe.' },
    CREATE_KEY, UNENCRYPTED_ONCE, UNENCRYPTED_ALWAYS,
  );
  if (!pick) throw new CancellationError();
  if (pick === UNENCRYPTED_ONCE) return null;
  if (pick === UNENCRYPTED_ALWAYS) {
    await updateSetting('allowUnencrypted', true);
    log.info('New archives are frozen unencrypted when there is no key (the user chose "Always Freeze Unencrypted")');
    return null;
  }
  const key = await svc.createKey('AES-256', 'default');
  if (!key.isDefault) await svc.setDefaultKey(key.id);
  log.info(`Created encryption key ${key.id}, the default for new archives`);
  void offerKeyExport(svc, log, key.id);
  return key.id;
}

/** After a new key: the prompt to save its export somewhere safe (written 0600). */
export async function offerKeyExport(svc: FreezerService, log: vscode.LogOutputChannel, id: string): Promise<void> {
  const pick = await vscode.window.showInformationMessage(
    `Created encryption key ${id}; new archives are encrypted with it. Save an export somewhere safe: without it the archives cannot be read.`,
    'Save Export…',
  );
  if (!pick) return;
  const uri = await vscode.window.showSaveDialog({
    title: 'Save the key export (keep it safe: without it the archives are lost)',
    saveLabel: 'Save Key Export',
    filters: { 'Key export': ['json'] },
    defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/'), `freezer-key-${id}.json`),
  });
  if (!uri) return;
  await writePrivateFile(uri, await svc.exportKey(id));
  log.info(`Exported key ${id} to ${uri.fsPath}`);
  void vscode.window.showInformationMessage(`Key export saved to ${uri.fsPath} (readable by you only).`);
}
