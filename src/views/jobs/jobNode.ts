import * as vscode from 'vscode';
import type { JobInfo } from '../../core/service/types';
import { Kind } from '../contextValues';
import { formatBytes, formatDate } from '../format';
import { escape, table } from '../markdown';

/** A Glacier job: a retrieval (archive, tier, size) or an inventory, with its status. */
export class JobNode {
  readonly kind = Kind.Job;
  readonly parent = undefined;
  constructor(public job: JobInfo) {}

  get title(): string {
    const j = this.job;
    return j.action === 'InventoryRetrieval' ? `Inventory of ${j.vault}` : `Retrieve ${j.archiveName ?? (j.archiveId !== undefined ? `archive ${j.archiveId}` : 'archive')}`;
  }

  toTreeItem(): vscode.TreeItem {
    const j = this.job;
    const item = new vscode.TreeItem(this.title, vscode.TreeItemCollapsibleState.None);
    item.id = `job/${j.id}`;
    const done = j.status !== 'InProgress';
    item.contextValue = `${Kind.Job}:${j.action === 'InventoryRetrieval' ? 'inventory' : 'retrieval'}:${j.status.toLowerCase()}${j.executedAt ? ':executed' : ''}${j.notApplied ? ':notapplied' : ''}`;
    // A completed job whose restore failed is not done: it shows as a warning, never a green tick.
    item.iconPath = j.status === 'InProgress' ? new vscode.ThemeIcon('loading~spin')
      : j.notApplied ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'))
        : j.status === 'Succeeded' ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('charts.green'))
          : new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
    const status = j.status === 'InProgress' ? 'in progress' : j.notApplied ? 'not applied' : j.status === 'Succeeded' ? (j.executedAt ? 'done' : 'ready') : 'failed';
    item.description = [status, j.tier, j.sizeBytes !== undefined ? formatBytes(j.sizeBytes) : undefined, formatDate(done ? j.completedAt : j.createdAt)].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(this.title)}**\n\n`);
    md.appendMarkdown(table([
      ['Status', j.status + (j.statusMessage ? ` (${j.statusMessage})` : '')],
      ['Vault', j.vault],
      ['Tier', j.tier],
      ['Size', j.sizeBytes !== undefined ? formatBytes(j.sizeBytes) : undefined],
      ['Byte range', j.byteRange],
      ['Started', formatDate(j.createdAt)],
      ['Completed', formatDate(j.completedAt)],
      [j.notApplied ? 'Not applied' : 'Applied', j.notApplied ?? formatDate(j.executedAt)],
      ['Restore to', j.restoreTarget],
      ['Job id', `${j.id.slice(0, 16)}…`],
    ]));
    item.tooltip = md;
    return item;
  }
}
