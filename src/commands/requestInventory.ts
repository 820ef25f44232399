import * as vscode from 'vscode';
import type { JobInfo } from '../core/service/types';
import { localJobDelays, roughDuration } from '../platform/localJobDelays';
import { readSettings } from '../platform/settings';
import type { FreezerCommand } from './deps';
import { resolveVault } from './pickers';

/** Starts an inventory job; its result is merged into the catalogue when it completes. */
export const requestInventory: FreezerCommand = {
  id: 'freezer.requestInventory',
  async run(deps, arg?: unknown): Promise<JobInfo> {
    const vault = await resolveVault(deps, arg, 'Choose the vault to inventory');
    const job = await (await deps.host.ready()).requestInventory(vault.name);
    deps.log.info(`Inventory of ${vault.name} requested (job ${job.id.slice(0, 12)}…)`);
    deps.jobs.refresh();
    const delay = localJobDelays().Standard;
    const takes = readSettings().endpoint === 'local'
      ? `The local endpoint answers ${delay >= 1000 ? `in about ${roughDuration(delay)}` : 'in moments'} (Glacier takes about 4 hours)`
      : 'Glacier usually takes about 4 hours';
    void vscode.window.showInformationMessage(`Inventory of ${vault.name} requested. ${takes}; the Jobs view shows when it is done, and what it changed.`);
    return job;
  },
};
