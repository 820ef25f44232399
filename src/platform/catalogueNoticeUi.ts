import * as vscode from 'vscode';
import type { RecreatedNotice } from '../core/catalogue';
import type { FreezerService } from '../core/service/service';
import type { ServiceHost } from './serviceHost';

/** Command ids offered with the warning (Rebuild Catalogue only when this build has it). */
export const REBUILD_CATALOGUE_COMMAND = 'freezer.rebuildCatalogue';
export const ACKNOWLEDGE_CATALOGUE_COMMAND = 'freezer.acknowledgeRecreatedCatalogue';

/**
 * Says that the catalogue is a new one in place of a damaged one: a warning with actions when the
 * service starts and with every Freezer command, and a status-bar item, until the catalogue is
 * rebuilt or the user acknowledges it.
 */
export class CatalogueNoticeUi implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('freezer.catalogueNotice', vscode.StatusBarAlignment.Left, 100);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private notice: RecreatedNotice | undefined;
  private showing: Thenable<unknown> | undefined;
  /** How many times the warning was shown (tests read it). */
  shownCount = 0;

  constructor(private readonly host: ServiceHost) {
    this.item.name = 'Freezer catalogue';
    this.item.text = '$(warning) Freezer catalogue recreated';
    this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.item.command = 'freezer.showCatalogueNotice';
    this.disposables.push(
      host.onDidChange((svc) => void this.check(svc, true)),
      host.onDidChangeData((kind) => { if (kind === 'settings' && host.now) void this.check(host.now, false); }),
    );
    if (host.now) void this.check(host.now, true);
  }

  get current(): RecreatedNotice | undefined {
    return this.notice;
  }

  /** Called as any Freezer command runs: the warning again while the notice stands. */
  remind(): void {
    if (this.notice) void this.show();
  }

  async check(svc: FreezerService | undefined, warn: boolean): Promise<void> {
    this.notice = svc ? await svc.catalogueNotice().catch(() => undefined) : undefined;
    if (!this.notice) {
      this.item.hide();
      return;
    }
    this.item.tooltip = `The catalogue was started new on ${this.notice.recreated.slice(0, 10)}: the damaged one is kept as ${this.notice.damagedCopy}.`;
    this.item.show();
    if (warn) void this.show();
  }

  /** One warning at a time: a second command while it is open does not stack another. */
  show(): Thenable<unknown> {
    const n = this.notice;
    if (!n) return Promise.resolve();
    this.showing ??= (async () => {
      this.shownCount++;
      const rebuild = (await vscode.commands.getCommands(true)).includes(REBUILD_CATALOGUE_COMMAND) ? ['Rebuild Catalogue'] : [];
      const pick = await vscode.window.showWarningMessage(
        `Freezer: the catalogue was damaged and a new, empty one was started on ${n.recreated.slice(0, 16).replace('T', ' ')} ` +
        `(the damaged file is kept as ${n.damagedCopy}). Archives, files and jobs it knew are not listed until it is rebuilt from your vaults.`,
        ...rebuild, 'Acknowledge', 'Show Damaged Copy',
      );
      if (pick === 'Rebuild Catalogue') await vscode.commands.executeCommand(REBUILD_CATALOGUE_COMMAND);
      else if (pick === 'Acknowledge') await vscode.commands.executeCommand(ACKNOWLEDGE_CATALOGUE_COMMAND);
      else if (pick === 'Show Damaged Copy') await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(n.damagedCopy));
    })().finally(() => { this.showing = undefined; });
    return this.showing;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
