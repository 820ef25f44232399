import * as vscode from 'vscode';
import type { FileVersion, FrozenEntry } from '../../core/service/types';
import { Kind, versionContext } from '../contextValues';
import { formatBytes, formatDate, STATE_LABELS } from '../format';
import { escape, table } from '../markdown';
import { stateIcon } from '../vaults/archiveNode';

/** A folder of the catalogued hierarchy (by original path); children load when expanded. */
export class FrozenFolderNode {
  readonly kind = Kind.FrozenFolder;
  constructor(
    readonly entry: Extract<FrozenEntry, { kind: 'folder' }>,
    readonly parent: FrozenFolderNode | undefined,
  ) {}

  get path(): string {
    return this.entry.path;
  }

  toTreeItem(): vscode.TreeItem {
    const e = this.entry;
    // The top folder may stand for a chain of single folders ("/home/me/photos"): name it by its last
    // segment and show where it is in the description.
    const nested = e.name.includes('/') || !e.name;
    const label = nested ? e.path.split('/').filter(Boolean).pop() ?? e.path : e.name;
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `folder/${e.path}`;
    item.contextValue = Kind.FrozenFolder;
    item.iconPath = vscode.ThemeIcon.Folder;
    item.resourceUri = vscode.Uri.file(e.path);
    const count = `${e.fileCount} file${e.fileCount === 1 ? '' : 's'}`;
    item.description = nested ? `${e.path.slice(0, e.path.length - label.length).replace(/\/$/, '') || '/'} · ${count}` : count;
    item.tooltip = `${e.path}\n${e.fileCount} frozen file${e.fileCount === 1 ? '' : 's'} at or below`;
    return item;
  }
}

/** A frozen file; expands to its versions. */
export class FrozenFileNode {
  readonly kind = Kind.FrozenFile;
  constructor(
    readonly entry: Extract<FrozenEntry, { kind: 'file' }>,
    readonly parent: FrozenFolderNode | undefined,
  ) {}

  get path(): string {
    return this.entry.path;
  }

  toTreeItem(): vscode.TreeItem {
    const e = this.entry;
    const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `file/${e.path}`;
    item.contextValue = Kind.FrozenFile;
    item.iconPath = vscode.ThemeIcon.File;
    item.resourceUri = vscode.Uri.file(e.path);
    item.description = `${e.versionCount} version${e.versionCount === 1 ? '' : 's'}`;
    item.tooltip = e.path;
    return item;
  }
}

/** One version of a file: which archive holds it, when, how big. */
export class FileVersionNode {
  readonly kind = Kind.FileVersion;
  constructor(
    readonly version: FileVersion,
    readonly parent: FrozenFileNode,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const v = this.version;
    const item = new vscode.TreeItem(formatDate(v.frozenAt), vscode.TreeItemCollapsibleState.None);
    item.id = `version/${v.path}/${v.archiveId}/${v.memberPath}`;
    item.contextValue = versionContext(v.archiveState);
    item.iconPath = stateIcon(v.archiveState);
    const copies = v.copies && v.copies > 1 ? ` · in ${v.copies} archives` : '';
    item.description = `${v.archiveName} · ${formatBytes(v.size)} · ${STATE_LABELS[v.archiveState]}${copies}${v.changedDuringFreeze ? ' · changed while frozen' : ''}`;
    if (v.changedDuringFreeze) item.iconPath = new vscode.ThemeIcon('warning');
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**${escape(v.name)}** in **${escape(v.archiveName)}**\n\n`);
    md.appendMarkdown(table([
      ['Path', v.path],
      ['Size', formatBytes(v.size)],
      ['Modified', v.mtimeMs ? formatDate(new Date(v.mtimeMs).toISOString()) : undefined],
      ['Frozen', formatDate(v.frozenAt)],
      ['Archive', `${v.archiveName} (${STATE_LABELS[v.archiveState]})${v.alsoIn?.length ? `: the cheapest to restore from; also in ${v.alsoIn.join(', ')}` : ''}`],
      ['Vault', v.vault],
      ['SHA-256', v.sha256],
      ['Member', v.memberPath],
      ['Warning', v.changedDuringFreeze ? 'The file changed while it was being frozen: this version holds it as read, not a clean copy.' : undefined],
    ]));
    item.tooltip = md;
    return item;
  }
}
