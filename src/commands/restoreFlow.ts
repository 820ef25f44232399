import * as vscode from 'vscode';
import type { ArchiveInfo, FileVersion, RestoreResult } from '../core/service/types';
import { runWithProgress } from '../platform/progress';
import type { ExistingPolicy, OnExisting } from '../core/archive/placeFile';
import type { CommandDeps } from './deps';
import { askOnExisting } from './restoreConflicts';
import { withStandardIfNoExpedited } from './expeditedFallback';
import { resolveTier } from './pickers';

/** A restore that completes later (after a retrieval) cannot ask: it never replaces, it keeps both. */
const LATER: ExistingPolicy = 'keep-both';

/**
 * Restores members of an archive into `to`. A frozen archive first needs a retrieval job (tier
 * picked by the user); Freezer restores when the job completes. Otherwise the restore runs now under
 * a progress notification (downloading a melted archive first).
 */
export async function restoreMembers(
  deps: CommandDeps,
  archive: ArchiveInfo,
  to: string,
  opts: { members?: string[]; version?: FileVersion; tier?: unknown; overwrite?: boolean; onExisting?: ExistingPolicy; ask?: OnExisting },
): Promise<RestoreResult> {
  const svc = await deps.host.ready();
  const fixed: ExistingPolicy | undefined = opts.onExisting ?? (opts.overwrite ? 'replace' : undefined);
  if (archive.state === 'frozen') {
    // A version goes through restoreFileVersion as when local, so it lands as <to>/<name> either way.
    const { result, tier } = await withStandardIfNoExpedited(await resolveTier(deps, archive, opts.tier, opts.version?.memberPath), (t) => (opts.version
      ? svc.restoreFileVersion(opts.version, to, { tier: t, onExisting: fixed ?? LATER })
      : svc.restore({ archiveId: archive.id, to, members: opts.members, tier: t, onExisting: fixed ?? LATER })));
    deps.vaults.markArchivesStale();
    deps.jobs.refresh();
    const what = result.job?.byteRange && opts.version ? `retrieval of only the part holding ${opts.version.name}` : 'retrieval';
    if (result.status === 'retrieving') {
      void vscode.window.showInformationMessage(`"${archive.name}" is frozen: ${what} started (${tier}). Freezer restores into ${to} when it completes` +
        `${fixed ? '.' : '; files there that differ are kept, the restored copy named "name (restored DATE).ext".'}`);
    }
    return result;
  }
  const title = opts.version ? `Restoring ${opts.version.name}` : `Restoring from ${archive.name}`;
  const result = await runWithProgress(deps.transfers, title, ({ signal, onProgress }) => (opts.version
    ? svc.restoreFileVersion(opts.version, to, { signal, onProgress, onExisting: fixed ?? opts.ask ?? askOnExisting() })
    : svc.restore({ archiveId: archive.id, to, members: opts.members, signal, onProgress, onExisting: fixed ?? opts.ask ?? askOnExisting() })), { archiveId: archive.id });
  if (result.status === 'retrieving') {
    void vscode.window.showInformationMessage(`"${archive.name}" is still thawing in Glacier; Freezer restores into ${to} when it is ready.`);
  } else {
    const left = [result.unchanged ? `${result.unchanged} already there unchanged` : '', result.skipped ? `${result.skipped} skipped` : ''].filter(Boolean).join(', ');
    deps.log.info(`Restored ${result.files.length} file(s) from archive ${archive.id} into ${to}${left ? ` (${left})` : ''}`);
    void vscode.window.showInformationMessage(`Restored ${result.files.length} file${result.files.length === 1 ? '' : 's'} into ${to}${left ? ` (${left})` : ''}.`, 'Reveal').then((pick) => {
      if (pick && result.files[0]) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(result.files[0]));
    });
  }
  deps.vaults.markArchivesStale();
  return result;
}
