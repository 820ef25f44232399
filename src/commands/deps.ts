import type * as vscode from 'vscode';
import type { CatalogueNoticeUi } from '../platform/catalogueNoticeUi';
import type { FreezerSecrets } from '../platform/secrets';
import type { ServiceHost } from '../platform/serviceHost';
import type { FrozenFilesTree } from '../views/files/frozenFilesTree';
import type { JobsTree } from '../views/jobs/jobsTree';
import type { Transfers } from '../views/transfers/transfers';
import type { VaultsTree, VaultsTreeNode } from '../views/vaults/vaultsTree';

/** What every command may use; passed in so tests and other front ends can provide their own. */
export interface CommandDeps {
  host: ServiceHost;
  secrets: FreezerSecrets;
  log: vscode.LogOutputChannel;
  transfers: Transfers;
  vaults: VaultsTree;
  vaultsView: vscode.TreeView<VaultsTreeNode>;
  jobs: JobsTree;
  files: FrozenFilesTree;
  catalogueNotice: CatalogueNoticeUi;
}

/** One command: its id (as in package.json) and what it does. Arguments let tests skip the prompts. */
export interface FreezerCommand {
  id: string;
  run(deps: CommandDeps, ...args: any[]): unknown;
}
