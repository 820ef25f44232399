import * as vscode from 'vscode';
import type { ActivityProgress, ArchiveInfo, ArchiveState } from '../../core/service/types';
import { archiveContext, Kind } from '../contextValues';
import { formatActivity, formatBytes, formatDate, STATE_LABELS, STATE_MEANINGS } from '../format';
import { escape, table } from '../markdown';
import type { VaultNode } from './vaultNode';

const ICONS: Record<ArchiveState, [string, string?]> = {
  building: ['loading~spin'],
  uploading: ['cloud-upload'],
  local: ['file-zip'],
  liquid: ['cloud', 'charts.green'],
  frozen: ['archive', 'charts.blue'],
  melting: ['loading~spin'],
  melted: ['cloud-download', 'charts.yellow'],
  invalid: ['warning', 'errorForeground'],
};

export function stateIcon(state: ArchiveState): vscode.ThemeIcon {
  const [id, color] = ICONS[state];
  return new vscode.ThemeIcon(id, color ? new vscode.ThemeColor(color) : undefined);
}

/** An archive of a vault: name, state as icon + label, details in the tooltip. */
export class ArchiveNode {
  readonly kind = Kind.Archive;
  /** Progress of an operation of this window on the archive (download, restore), when any. */
  activity: ActivityProgress | undefined;

  constructor(
    public archive: ArchiveInfo,
    readonly parent: VaultNode,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const a = this.archive;
    const activity = this.activity ?? a.activity;
    const item = new vscode.TreeItem(a.name, vscode.TreeItemCollapsibleState.None);
    item.id = `archive/${a.id}`;
    item.contextValue = archiveContext({ state: a.state, activity });
    item.iconPath = stateIcon(a.state);
    // A bucket archive's restored copy goes away at a date: the user must see it.
    const until = a.restoredUntil ? ` until ${formatDate(a.restoredUntil)}` : '';
    item.description = activity ? `${STATE_LABELS[a.state]} · ${formatActivity(activity)}` : `${STATE_LABELS[a.state]}${until} · ${formatBytes(a.size)} · ${a.fileCount} file${a.fileCount === 1 ? '' : 's'}`;
    item.accessibilityInformation = { label: `${a.name}, ${STATE_LABELS[a.state]}, ${formatBytes(a.size)}` };
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(a.name)}** — ${STATE_LABELS[a.state]}: ${STATE_MEANINGS[a.state]}\n\n`);
    md.appendMarkdown(table([
      ['Id', String(a.id)],
      [a.storageClass ? 'S3 archive id' : 'Glacier id', a.glacierId ? (a.storageClass ? a.glacierId : `${a.glacierId.slice(0, 16)}…`) : undefined],
      [a.storageClass ? 'Store' : 'Vault', a.vault],
      ['Storage class', a.storageClass],
      ['Restored copy until', a.restoredUntil ? formatDate(a.restoredUntil) : undefined],
      ['Size', formatBytes(a.size)],
      ['Files', String(a.fileCount)],
      ['Created', formatDate(a.createdAt)],
      ['Compression', a.compression],
      ['Encryption', a.encryption ? `${a.encryption.format}${a.encryption.keyId ? ` (key ${a.encryption.keyId})` : ''}` : 'none'],
      ['Local file', a.localFile],
      ['Description', a.description],
      ['Progress', activity ? formatActivity(activity) : undefined],
    ]));
    item.tooltip = md;
    return item;
  }
}
