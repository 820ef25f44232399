import * as vscode from 'vscode';
import type { ActivityProgress } from '../../core/service/types';
import { activityFraction, formatActivity, phaseLabel } from '../format';

/** One long operation of this window (freeze, download, restore) while it runs. */
export interface Transfer {
  readonly id: number;
  readonly title: string;
  /** Catalogue id of the archive it works on, when known: the Vaults view shows its progress. */
  archiveId?: number;
  progress?: ActivityProgress;
}

/**
 * The running transfers of this window. The status-bar item, the progress notifications and the
 * Vaults view all read from here.
 */
export class Transfers implements vscode.Disposable {
  private readonly running = new Map<number, Transfer>();
  private readonly changed = new vscode.EventEmitter<Transfer | undefined>();
  readonly onDidChange = this.changed.event;
  private nextId = 1;

  start(title: string, archiveId?: number): Transfer {
    const t: Transfer = { id: this.nextId++, title, archiveId };
    this.running.set(t.id, t);
    this.changed.fire(t);
    return t;
  }

  update(t: Transfer, progress: ActivityProgress): void {
    t.progress = progress;
    this.changed.fire(t);
  }

  end(t: Transfer): void {
    if (this.running.delete(t.id)) this.changed.fire(undefined);
  }

  get all(): Transfer[] {
    return [...this.running.values()];
  }

  forArchive(archiveId: number): Transfer | undefined {
    return this.all.find((t) => t.archiveId === archiveId);
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/** "$(sync~spin) Freezer: 2 transfers" while anything runs; hidden otherwise. */
export class TransfersStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('freezer.transfers', vscode.StatusBarAlignment.Left, 10);
  private readonly sub: vscode.Disposable;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly transfers: Transfers) {
    this.item.name = 'Freezer Transfers';
    this.item.command = 'freezer.showLog';
    this.sub = transfers.onDidChange(() => this.schedule());
    this.render();
  }

  // The core reports at most every 200 ms per transfer; repainting as often keeps the item level with
  // the notification (same report, same figure) while several transfers still cost one repaint.
  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.render();
    }, this.transfers.all.length ? 200 : 0);
  }

  private render(): void {
    const all = this.transfers.all;
    if (!all.length) {
      this.item.hide();
      return;
    }
    // The whole operation's percentage (as the notification's bar), then the phase it is in.
    const pct = (t: { progress?: ActivityProgress }): string => (t.progress ? ` ${Math.floor(activityFraction(t.progress) * 100)}% · ${phaseLabel(t.progress)}` : '');
    this.item.text = all.length === 1 ? `$(sync~spin) Freezer: ${all[0].title}${pct(all[0])}` : `$(sync~spin) Freezer: ${all.length} transfers`;
    this.item.tooltip = all.map((t) => `${t.title}${t.progress ? ` — ${formatActivity(t.progress)}` : ''}`).join('\n');
    this.item.show();
  }

  /** What the item shows, for tests. */
  get text(): string | undefined {
    return this.transfers.all.length ? this.item.text : undefined;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.sub.dispose();
    this.item.dispose();
  }
}
