import * as vscode from 'vscode';
import type { ArchiveInfo, JobInfo } from '../core/service/types';
import { runWithProgress } from '../platform/progress';
import type { CommandDeps, FreezerCommand } from './deps';
import { withStandardIfNoExpedited } from './expeditedFallback';
import { resolveArchive, resolveTier } from './pickers';

/**
 * Frozen → starts a retrieval job (tier picked with size and cost); melted → downloads the job's
 * output (verified), making the archive liquid again.
 */
export const retrieveArchive: FreezerCommand = {
  id: 'freezer.retrieveArchive',
  async run(deps, arg?: unknown, tierArg?: unknown): Promise<JobInfo | ArchiveInfo | undefined> {
    const archive = await resolveArchive(deps, arg, ['frozen', 'melted'], 'Choose the archive to retrieve');
    if (archive.state === 'melted') return downloadArchive(deps, archive);
    if (archive.state !== 'frozen') {
      void vscode.window.showInformationMessage(`"${archive.name}" is ${archive.state}: there is nothing to retrieve.`);
      return undefined;
    }
    const svc = await deps.host.ready();
    const { result: job, tier } = await withStandardIfNoExpedited(await resolveTier(deps, archive, tierArg), (t) => svc.retrieveArchive(archive.id, t));
    deps.log.info(`Retrieval of archive ${archive.id} (${archive.name}) started: ${tier}, job ${job.id.slice(0, 12)}…`);
    deps.vaults.markArchivesStale();
    deps.jobs.refresh();
    void vscode.window.showInformationMessage(`Glacier is thawing "${archive.name}" (${tier}). Freezer tells you when it can be downloaded.`);
    return job;
  },
};

export function downloadArchive(deps: CommandDeps, archive: ArchiveInfo): Promise<ArchiveInfo> {
  return runWithProgress(deps.transfers, `Downloading ${archive.name}`, async ({ signal, onProgress }) => {
    const after = await (await deps.host.ready()).downloadArchive(archive.id, { signal, onProgress });
    deps.log.info(`Downloaded archive ${archive.id} (${archive.name}): now ${after.state}`);
    deps.vaults.markArchivesStale();
    return after;
  }, { archiveId: archive.id });
}
