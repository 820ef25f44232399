import * as vscode from 'vscode';
import { Kind } from './contextValues';

/** The last child of a paged list; clicking it runs `freezer.loadMore` with this node. */
export class LoadMoreNode<P = unknown> {
  readonly kind = Kind.LoadMore;
  constructor(
    readonly parent: P,
    readonly shown: number,
    readonly total: number,
  ) {}

  toTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem('Load more…', vscode.TreeItemCollapsibleState.None);
    item.contextValue = Kind.LoadMore;
    item.iconPath = new vscode.ThemeIcon('ellipsis');
    item.description = `${this.shown} of ${this.total}`;
    item.command = { command: 'freezer.loadMore', title: 'Load More', arguments: [this] };
    return item;
  }
}
