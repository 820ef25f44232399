import * as vscode from 'vscode';
import type { ArchiveInfo, FileVersion, RestoreResult } from '../core/service/types';
import { runWithProgress } from '../platform/progress';
import type { CommandDeps } from './deps';
import { resolveTier } from './pickers';

/**
 * Restores members of an archive into `to`. A frozen archive first needs a retrieval job (tier
 * picked by the user); Freezer restores when the job completes. Otherwise the restore runs now under
 * a progress notification (downloading a melted archive first).
 */
export async function restoreMembers(
  deps: CommandDeps,
  archive: ArchiveInfo,
  to: string,
  opts: { members?: string[]; version?: FileVersion; tier?: unknown; overwrite?: boolean },
): Promise<RestoreResult> {
  const svc = await deps.host.ready();
  if (archive.state === 'frozen') {
    const tier = await resolveTier(deps, archive, opts.tier, opts.version?.memberPath);
    // A version goes through restoreFileVersion as when local, so it lands as <to>/<name> either way.
    const result = opts.version
      ? await svc.restoreFileVersion(opts.version, to, { tier, overwrite: opts.overwrite })
      : { status: 'retrieving' as const, files: [], job: await svc.retrieveArchive(archive.id, tier, { restoreTo: to, members: opts.members }) };
    deps.vaults.markArchivesStale();
    deps.jobs.refresh();
    const what = result.job?.byteRange && opts.version ? `retrieval of only the part holding ${opts.version.name}` : 'retrieval';
    if (result.status === 'retrieving') void vscode.window.showInformationMessage(`"${archive.name}" is frozen: ${what} started (${tier}). Freezer restores into ${to} when it completes.`);
    return result;
  }
  const title = opts.version ? `Restoring ${opts.version.name}` : `Restoring from ${archive.name}`;
  const result = await runWithProgress(deps.transfers, title, ({ signal, onProgress }) => (opts.version
    ? svc.restoreFileVersion(opts.version, to, { signal, onProgress, overwrite: opts.overwrite })
    : svc.restore({ archiveId: archive.id, to, members: opts.members, signal, onProgress, overwrite: opts.overwrite })), { archiveId: archive.id });
  if (result.status === 'retrieving') {
    void vscode.window.showInformationMessage(`"${archive.name}" is still thawing in Glacier; Freezer restores into ${to} when it is ready.`);
  } else {
    deps.log.info(`Restored ${result.files.length} file(s) from archive ${archive.id} into ${to}`);
    void vscode.window.showInformationMessage(`Restored ${result.files.length} file${result.files.length === 1 ? '' : 's'} into ${to}.`, 'Reveal').then((pick) => {
      if (pick && result.files[0]) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.files[0]));
    });
  }
  deps.vaults.markArchivesStale();
  return result;
}
