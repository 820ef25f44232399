import type * as vscode from 'vscode';
import type { FreezerSecrets } from '../../platform/secrets';
import type { ServiceHost } from '../../platform/serviceHost';

/** What the panels need from the rest of the extension. */
export interface WebviewDeps {
  host: ServiceHost;
  secrets: FreezerSecrets;
  log: vscode.LogOutputChannel;
}
