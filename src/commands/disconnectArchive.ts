import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import { disconnectDetail } from '../core/s3/disconnectText';
import type { ArchiveInfo } from '../core/service/types';
import type { FreezerCommand } from './deps';
import { resolveArchive } from './pickers';

/** Deletes the local copy of an uploaded archive; it stays in its vault or bucket (liquid → frozen). */
export const disconnectArchive: FreezerCommand = {
  id: 'freezer.disconnectArchive',
  async run(deps, arg?: unknown, confirmed?: unknown): Promise<ArchiveInfo> {
    const archive = await resolveArchive(deps, arg, ['liquid'], 'Choose the archive whose local file to delete');
    if (confirmed !== true) {
      const ok = await vscode.window.showWarningMessage(
        `Delete the local file of "${archive.name}"?`,
        { modal: true, detail: disconnectDetail(archive) },
        'Delete Local File',
      );
      if (ok !== 'Delete Local File') throw new CancellationError();
    }
    const after = await (await deps.host.ready()).disconnectArchive(archive.id);
    deps.log.info(`Disconnected archive ${archive.id} (${archive.name}): now ${after.state}`);
    deps.vaults.markArchivesStale();
    return after;
  },
};
