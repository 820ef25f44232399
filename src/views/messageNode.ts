import * as vscode from 'vscode';
import { Kind } from './contextValues';

/** A leaf that says something inside a tree: an error, "nothing here", a hint. */
export class MessageNode {
  readonly kind = Kind.Message;
  constructor(
    readonly text: string,
    readonly icon: 'error' | 'info' = 'info',
    readonly parent?: unknown,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.contextValue = Kind.Message;
    item.tooltip = this.text;
    item.iconPath = this.icon === 'error' ? new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground')) : new vscode.ThemeIcon('info');
    if (this.icon === 'error') item.command = { command: 'freezer.showLog', title: 'Show Log' };
    return item;
  }
}

export function errorMessage(what: string, e: unknown, parent?: unknown): MessageNode {
  return new MessageNode(`${what}: ${e instanceof Error ? e.message : String(e)}`, 'error', parent);
}
