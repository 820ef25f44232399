import * as vscode from 'vscode';
import { registerCommand } from './platform/commandRegistry';
import { EmptyTree } from './views/emptyTree';

/** What the extension hands to other extensions and to its own integration tests. */
export interface FreezerApi {
  readonly log: vscode.LogOutputChannel;
}

export function activate(context: vscode.ExtensionContext): FreezerApi {
  const log = vscode.window.createOutputChannel('Freezer', { log: true });
  context.subscriptions.push(log, registerCommand(log, 'freezer.showLog', () => log.show()));
  for (const id of ['freezer.vaults', 'freezer.jobs', 'freezer.files']) {
    context.subscriptions.push(vscode.window.registerTreeDataProvider(id, new EmptyTree()));
  }
  log.info(`Freezer ${context.extension.packageJSON.version} activated`);
  return { log };
}

export function deactivate(): void {}
