import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import type { ArchiveInfo } from '../core/service/types';
import type { FreezerCommand } from './deps';
import { resolveArchive } from './pickers';
import { count } from '../core/words';

/** What removing does to this archive, in the words of the confirmation prompt. */
function whatRemoveDoes(a: ArchiveInfo): string {
  const inGlacier = a.glacierId !== undefined && a.state !== 'local';
  const where = a.storageClass ? a.vault : 'Glacier';
  if (inGlacier && a.localFile) return `This deletes it from ${where}; the local copy stays (remove again to delete it too).`;
  if (inGlacier) return `This deletes it from ${where} and its ${count(a.fileCount, 'file')} from the catalogue.`;
  return `This deletes the local archive file and its ${count(a.fileCount, 'file')} from the catalogue.`;
}

/** The sentence the user must type: deleting from Glacier cannot be undone. */
export const CONFIRMATION = 'I am sure';

export const removeArchive: FreezerCommand = {
  id: 'freezer.removeArchive',
  async run(deps, arg?: unknown, sentence?: unknown): Promise<boolean> {
    const archive = await resolveArchive(deps, arg, undefined, 'Choose the archive to remove');
    let typed = typeof sentence === 'string' ? sentence : undefined;
    if (typed === undefined) {
      // Bucket archives: what deleting before the class's 90/180-day minimum still bills.
      const early = await (await deps.host.ready()).estimateRemoval(archive.id).catch(() => undefined);
      typed = await vscode.window.showInputBox({
        title: `Remove archive "${archive.name}"`,
        prompt: `${whatRemoveDoes(archive)}${early ? ` ${early.text}` : ''} It cannot be undone. Type "${CONFIRMATION}" to confirm.`,
        placeHolder: CONFIRMATION,
        ignoreFocusOut: true,
        validateInput: (v) => (v === CONFIRMATION ? undefined : `Type exactly: ${CONFIRMATION}`),
      });
      if (typed === undefined) throw new CancellationError();
    }
    if (typed !== CONFIRMATION) {
      throw new FreezerError('NotConfirmed', `Archive "${archive.name}" was not removed: the confirmation must be exactly "${CONFIRMATION}".`);
    }
    await (await deps.host.ready()).removeArchive(archive.id);
    deps.log.info(`Removed archive ${archive.id} (${archive.name}) from ${archive.vault}`);
    deps.vaults.markArchivesStale();
    deps.files.refresh();
    return true;
  },
};
