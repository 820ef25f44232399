import * as vscode from 'vscode';

/** A view with no items yet, so VS Code shows the view's welcome content instead of an error. */
export class EmptyTree implements vscode.TreeDataProvider<never> {
  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}
