import * as vscode from 'vscode';
import type { ServiceHost } from '../../platform/serviceHost';

/**
 * Tells the user when a retrieval they started has melted (ready to download), once per job, and
 * offers to download it or restore from it. Retrievals started for a restore are restored by the
 * service itself and only reported.
 */
export class RetrievalNotifier implements vscode.Disposable {
  private readonly told = new Set<string>();
  /** Restores applied since this window opened are announced, once each. */
  private readonly since = Date.now();
  private readonly announced = new Set<string>();
  private readonly subs: vscode.Disposable[];
  private primed = false;
  private checking = false;

  constructor(private readonly host: ServiceHost) {
    this.subs = [
      host.onDidChange(() => { this.primed = false; void this.check(); }),
      host.onDidChangeData((kind) => { if (kind === 'jobs' || kind === 'archives') void this.check(); }),
    ];
  }

  private async check(): Promise<void> {
    const svc = this.host.now;
    if (!svc || this.checking) return;
    this.checking = true;
    try {
      const all = await svc.listJobs();
      const jobs = all.filter((j) => j.action === 'ArchiveRetrieval' && j.status === 'Succeeded' && !j.executedAt && j.archiveId !== undefined);
      // Restores that finish later (job → download → restore) end as immediate ones do: with what was restored.
      for (const j of all.filter((x) => x.action === 'ArchiveRetrieval' && x.restoreTarget && x.executedAt)) {
        if (Date.parse(j.executedAt!) >= this.since && !this.announced.has(j.id) && j.statusMessage?.startsWith('Restored ')) {
          this.announced.add(j.id);
          const target = j.restoreTarget!;
          void vscode.window.showInformationMessage(`${j.statusMessage}.`, 'Open Folder').then((pick) => {
            if (pick) void vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(target));
          });
        }
      }
      for (const j of jobs) {
        if (this.told.has(j.id)) continue;
        this.told.add(j.id);
        // Jobs that were already done when the window opened are in the Jobs view; no pop-ups for those.
        if (!this.primed || j.restoreTarget) continue;
        const name = j.archiveName ?? `archive ${j.archiveId}`;
        void vscode.window.showInformationMessage(`"${name}" has melted: Glacier has it ready to download.`, 'Download', 'Restore…').then((pick) => {
          if (pick === 'Download') void vscode.commands.executeCommand('freezer.retrieveArchive', j.archiveId);
          else if (pick === 'Restore…') void vscode.commands.executeCommand('freezer.restoreArchive', j.archiveId);
        });
      }
      this.primed = true;
    } catch {
      // The Jobs view shows listing errors.
    } finally {
      this.checking = false;
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
