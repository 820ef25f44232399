import * as vscode from 'vscode';
import { readSettings, updateSetting } from '../platform/settings';
import type { FreezerCommand } from './deps';

/** Points Freezer at the embedded local endpoint: try everything without an AWS account. */
export const useLocalEndpoint: FreezerCommand = {
  id: 'freezer.useLocalEndpoint',
  async run(deps, quiet?: unknown): Promise<boolean> {
    if (readSettings().endpoint !== 'local') await updateSetting('endpoint', 'local');
    // In a remote extension host the new value arrives a moment after update() resolves.
    for (let waited = 0; readSettings().endpoint !== 'local' && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    // Waits for the service on the new endpoint (built once, whichever of us and the settings event comes first).
    await deps.host.rebuild(false);
    await deps.host.ready();
    if (quiet !== true) {
      void vscode.window.showInformationMessage('Freezer now uses the local endpoint on this machine: vaults and archives stay on disk, no AWS account needed.', 'Create Vault').then((pick) => {
        if (pick) void vscode.commands.executeCommand('freezer.createVault');
      });
    }
    return true;
  },
};
