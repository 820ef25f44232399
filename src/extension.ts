import * as vscode from 'vscode';
import type { FreezerService } from './core/service/service';
import { registerCommands } from './commands';
import { CatalogueNoticeUi } from './platform/catalogueNoticeUi';
import { coreFactories } from './platform/coreFactories';
import { escapingChannel } from './platform/logger';
import { FreezerSecrets } from './platform/secrets';
import { ServiceHost } from './platform/serviceHost';
import { registerViews, type FreezerViews } from './views';
import { registerWebviews } from './webviews';

/** What the extension hands to other extensions and to its own integration tests. */
export interface FreezerApi {
  readonly log: vscode.LogOutputChannel;
  readonly host: ServiceHost;
  readonly views: FreezerViews;
  readonly catalogueNotice: CatalogueNoticeUi;
  /** The service once built (rejects when Freezer is not configured). */
  ready(): Promise<FreezerService>;
}

let host: ServiceHost | undefined;

export function activate(context: vscode.ExtensionContext): FreezerApi {
  const channel = vscode.window.createOutputChannel('Freezer', { log: true });
  const log = escapingChannel(channel);
  const secrets = new FreezerSecrets(context.secrets);
  host = new ServiceHost(context, secrets, log, coreFactories);
  context.subscriptions.push(channel, host);
  const views = registerViews(context, host);
  const catalogueNotice = new CatalogueNoticeUi(host);
  context.subscriptions.push(catalogueNotice, ...registerCommands({ host, secrets, log, catalogueNotice, ...views }));
  registerWebviews(context, { host, secrets, log, transfers: views.transfers });
  log.info(`Freezer ${context.extension.packageJSON.version} activated`);
  const h = host;
  return { log, host: h, views, catalogueNotice, ready: () => h.ready() };
}

/** Closes the catalogue and the local endpoint cleanly (VS Code waits for this promise). */
export async function deactivate(): Promise<void> {
  await host?.shutdown();
  host = undefined;
}
