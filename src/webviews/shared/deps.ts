import type * as vscode from 'vscode';
import type { FreezerSecrets } from '../../platform/secrets';
import type { ServiceHost } from '../../platform/serviceHost';
import type { Transfers } from '../../views/transfers/transfers';

/** What the panels need from the rest of the extension. */
export interface WebviewDeps {
  host: ServiceHost;
  secrets: FreezerSecrets;
  log: vscode.LogOutputChannel;
  /** Running transfers: a freeze started here shows in the status bar as any other. */
  transfers: Transfers;
}
