import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import type { FreezerCommand } from './deps';
import { resolveVault } from './pickers';

export const removeVault: FreezerCommand = {
  id: 'freezer.removeVault',
  async run(deps, arg?: unknown, confirmed?: unknown): Promise<boolean> {
    const vault = await resolveVault(deps, arg, 'Choose the vault to remove');
    const count = Math.max(vault.localArchiveCount, vault.remoteArchiveCount ?? 0);
    if (count > 0) {
      throw new FreezerError('VaultNotEmpty', `Vault ${vault.name} still holds ${count} archive${count === 1 ? '' : 's'}: remove them first (Glacier deletes only empty vaults).`);
    }
    if (confirmed !== true) {
      const ok = await vscode.window.showWarningMessage(`Remove the empty vault "${vault.name}" from Glacier?`, { modal: true }, 'Remove Vault');
      if (ok !== 'Remove Vault') throw new CancellationError();
    }
    await (await deps.host.ready()).removeVault(vault.name);
    deps.log.info(`Removed vault ${vault.name}`);
    deps.vaults.refresh();
    return true;
  },
};
