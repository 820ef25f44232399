import * as vscode from 'vscode';
import type { JobInfo } from '../../core/service/types';
import { Kind } from '../contextValues';
import { localJobDelays, roughDuration } from '../../platform/localJobDelays';
import { formatBytes, formatDate } from '../format';
import { escape, table } from '../markdown';

/** A Glacier job: a retrieval (archive, tier, size) or an inventory, with its status. */
export class JobNode {
  readonly kind = Kind.Job;
  readonly parent = undefined;
  /** `local`: the jobs run on the embedded endpoint, whose per-tier delays say when they finish. */
  constructor(public job: JobInfo, private readonly local = false) {}

  /** "local endpoint: ready in about 25 s" for a running job on the embedded endpoint. */
  get localEta(): string | undefined {
    const j = this.job;
    if (!this.local || j.status !== 'InProgress') return undefined;
    const left = Date.parse(j.createdAt) + localJobDelays()[j.tier ?? 'Standard'] - Date.now();
    return !Number.isFinite(left) || left <= 1000 ? 'local endpoint: ready in moments' : `local endpoint: ready in about ${roughDuration(left)}`;
  }

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
    // A merged inventory says what it changed ("3 added, 1 gone").
    const result = j.action === 'InventoryRetrieval' && j.executedAt && !j.notApplied ? j.statusMessage : undefined;
    item.description = [status, j.note ? 'automatic' : undefined, j.tier, result, j.sizeBytes !== undefined ? formatBytes(j.sizeBytes) : undefined, this.localEta ?? formatDate(done ? j.completedAt : j.createdAt)].filter(Boolean).join(' · ');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(this.title)}**\n\n`);
    md.appendMarkdown(table([
      ['Status', j.status + (j.statusMessage ? ` (${j.statusMessage})` : '')],
      ['Why', j.note ? `${j.note}: requested by Freezer (at most once a day per vault)` : undefined],
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
