import * as vscode from 'vscode';
import type { ServiceHost } from '../platform/serviceHost';
import { FrozenFileDecorations } from './decorations/frozenFileDecorations';
import { FrozenFilesTree } from './files/frozenFilesTree';
import { JobsTree } from './jobs/jobsTree';
import { RetrievalNotifier } from './jobs/retrievalNotifier';
import { Transfers, TransfersStatusBar } from './transfers/transfers';
import { VaultsTree, type VaultsTreeNode } from './vaults/vaultsTree';

export interface FreezerViews {
  transfers: Transfers;
  statusBar: TransfersStatusBar;
  vaults: VaultsTree;
  vaultsView: vscode.TreeView<VaultsTreeNode>;
  jobs: JobsTree;
  files: FrozenFilesTree;
  decorations: FrozenFileDecorations;
}

/** The Vaults, Jobs and Frozen Files views, the Explorer badges and the transfers status bar. */
export function registerViews(context: vscode.ExtensionContext, host: ServiceHost): FreezerViews {
  const transfers = new Transfers();
  const vaults = new VaultsTree(host, transfers);
  const jobs = new JobsTree(host);
  const files = new FrozenFilesTree(host);
  const decorations = new FrozenFileDecorations(host);
  const statusBar = new TransfersStatusBar(transfers);
  const vaultsView = vscode.window.createTreeView('freezer.vaults', { treeDataProvider: vaults, showCollapseAll: true });
  context.subscriptions.push(
    transfers, vaults, jobs, files, decorations, statusBar, vaultsView,
    vscode.window.createTreeView('freezer.jobs', { treeDataProvider: jobs }),
    vscode.window.createTreeView('freezer.files', { treeDataProvider: files, showCollapseAll: true }),
    vscode.window.registerFileDecorationProvider(decorations),
    new RetrievalNotifier(host),
  );
  return { transfers, statusBar, vaults, vaultsView, jobs, files, decorations };
}
