import fs from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { FreezerError } from '../core/errors';
import type { GlacierConfig } from '../core/glacier/config';
import type { Logger } from '../core/log';
import { describeConfig } from '../core/glacier/config';
import { MIB } from '../core/hash/treeHash';
import type { FreezerService, ServiceOptions } from '../core/service/service';
import type { ChangeKind } from '../core/service/types';
import { loopbackCredentials } from '../core/service/loopbackCredentials';
import { channelLogger } from './logger';
import type { FreezerSecrets } from './secrets';
import { isConfigured, readSettings, SECTION, type FreezerSettings } from './settings';

/** The in-process local Glacier+SQS+SNS endpoint, as `startEmbeddedEndpoint` returns it. */
export interface EmbeddedEndpoint {
  /** Undefined while another window (or the daemon) runs the folder's endpoint and this one shares it. */
  readonly endpoint?: unknown;
  glacierConfigPatch: Partial<GlacierConfig>;
  close(): Promise<void>;
}

/** How the host makes what it hosts; the extension passes the core's, tests may pass others. */
export interface ServiceFactories {
  createService(opts: ServiceOptions): FreezerService | Promise<FreezerService>;
  startEndpoint(opts: { dir: string; port?: number; log?: Logger }): Promise<EmbeddedEndpoint>;
}

/** Settings whose change needs a new service (the others are read when used). */
const REBUILD_KEYS: readonly (keyof FreezerSettings)[] = [
  'endpoint', 'region', 'accountId', 'profile', 'notificationQueueUrl', 'snsTopicArn', 'pollTimeSeconds', 'threads',
  'chunkSizeMiB', 'databasePath', 'uploadFolder', 'localEndpointFolder', 'backupFilterPatterns', 'exclusionPaths', 'restoredCopyDays',
];

export const CONTEXT_CONFIGURED = 'freezer.configured';
export const CONTEXT_NO_VAULTS = 'freezer.noVaults';

/**
 * Owns the one FreezerService of the window: builds it from settings + secrets (starting the
 * embedded endpoint for `endpoint: local`), rebuilds it when those change, keeps the context keys
 * the welcome views use, and listens for job completions while VS Code is open.
 */
export class ServiceHost implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FreezerService | undefined>();
  private readonly dataChanged = new vscode.EventEmitter<ChangeKind>();
  /** The service was replaced (or dropped when Freezer is no longer configured). */
  readonly onDidChange = this.changed.event;
  /** Something in the current service changed (vaults, archives, jobs…): views refresh on it. */
  readonly onDidChangeData = this.dataChanged.event;

  private readonly disposables: vscode.Disposable[] = [this.changed, this.dataChanged];
  private readonly log;
  private current: Promise<FreezerService> | undefined;
  private service: FreezerService | undefined;
  private endpoint: { dir: string; ep: EmbeddedEndpoint } | undefined;
  private stopBackground: AbortController | undefined;
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private isConfigured = false;
  private builtWith: string | undefined;
  private disposed = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly secrets: FreezerSecrets,
    private readonly channel: vscode.LogOutputChannel,
    private readonly factories: ServiceFactories,
  ) {
    this.log = channelLogger(channel, 'host');
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (REBUILD_KEYS.some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) void this.rebuild(false);
      }),
      secrets.onDidChangeAwsCredentials(() => void this.rebuild()),
    );
    void this.rebuild();
  }

  /** True when settings say where vaults live (local endpoint, AWS or a URL). */
  get configured(): boolean {
    return this.isConfigured;
  }

  /** The service, once built; rejects with `NotConfigured` when Freezer is not set up yet. */
  async ready(): Promise<FreezerService> {
    await this.queue.catch(() => undefined);
    // Settings that changed a moment ago may not have reached the configuration listener yet.
    if (!this.current && isConfigured(readSettings())) await this.rebuild(false);
    if (!this.current) {
      throw new FreezerError('NotConfigured', 'Freezer is not set up yet: run "Freezer: Use the Local Endpoint" or configure AWS in Freezer settings.');
    }
    return this.current;
  }

  /** The service if it is built already (never waits). */
  get now(): FreezerService | undefined {
    return this.service;
  }

  /**
   * Drops the current service and builds one from the settings as they are now. Unless `force`, does
   * nothing when the settings that matter are those the current service was built with (a command
   * that changes a setting can call this to wait for the new service without building it twice).
   */
  rebuild(force = true): Promise<void> {
    const next = this.queue.catch(() => undefined).then(() => this.doRebuild(force));
    this.queue = next;
    return next.catch(() => undefined);
  }

  private signature(s: FreezerSettings): string {
    return JSON.stringify(REBUILD_KEYS.map((k) => s[k]));
  }

  private async doRebuild(force: boolean): Promise<void> {
    const settings = readSettings();
    const signature = this.signature(settings);
    if (!force && signature === this.builtWith) return;
    this.builtWith = signature;
    await this.teardown();
    if (this.disposed) return;
    this.isConfigured = isConfigured(settings);
    await vscode.commands.executeCommand('setContext', CONTEXT_CONFIGURED, this.isConfigured);
    if (!this.isConfigured) {
      this.current = undefined;
      await this.closeEndpoint();
      this.changed.fire(undefined);
      return;
    }
    const building = this.build(settings);
    this.current = building;
    // A failed build is reported where it is used (commands, tree error nodes), not thrown here.
    building.catch((e) => this.log.error('Could not start Freezer: %s', e instanceof Error ? e.message : String(e)));
    try {
      const svc = await building;
      this.service = svc;
      this.unsubscribe = svc.onDidChange((kind) => {
        this.dataChanged.fire(kind);
        if (kind === 'vaults') void this.updateNoVaults(svc);
      });
      this.stopBackground = new AbortController();
      void this.watchJobs(svc, this.stopBackground.signal);
      void this.resumeUploads(svc, this.stopBackground.signal);
      await this.updateNoVaults(svc);
      this.changed.fire(svc);
    } catch {
      this.changed.fire(undefined);
    }
  }

  private async build(s: FreezerSettings): Promise<FreezerService> {
    const storage = this.context.globalStorageUri.fsPath;
    const databasePath = s.databasePath || path.join(storage, 'freezer.db');
    const uploadFolder = s.uploadFolder || path.join(storage, 'archives');
    await fs.mkdir(path.dirname(databasePath), { recursive: true });
    await fs.mkdir(uploadFolder, { recursive: true });
    let glacier: GlacierConfig = {
      region: s.region || 'us-east-1',
      accountId: s.accountId || '-',
      profile: s.profile || undefined,
      snsTopicArn: s.snsTopicArn || undefined,
      queueUrl: s.notificationQueueUrl || undefined,
      pollTimeSeconds: s.pollTimeSeconds,
      threads: s.threads,
      chunkSize: s.chunkSizeMiB > 0 ? s.chunkSizeMiB * MIB : undefined,
    };
    if (s.endpoint === 'local') {
      const dir = s.localEndpointFolder || path.join(storage, 'local-endpoint');
      if (this.endpoint?.dir !== dir) {
        await this.closeEndpoint();
        await fs.mkdir(dir, { recursive: true });
        const ep = await this.factories.startEndpoint({ dir, log: channelLogger(this.channel, 'endpoint') });
        this.endpoint = { dir, ep };
        this.log.info(ep.endpoint ? 'Local endpoint started in %s' : 'Local endpoint of %s shared with the window or daemon that runs it', dir);
      }
      glacier = { ...glacier, ...this.endpoint.ep.glacierConfigPatch };
    } else {
      await this.closeEndpoint();
      if (s.endpoint !== 'aws') glacier.endpoint = s.endpoint;
      // A `freezer endpoint` on this machine (shared with the daemon) needs no AWS credentials.
      const creds = (await this.secrets.getAwsCredentials()) ?? loopbackCredentials(glacier.endpoint, glacier.profile);
      if (creds) glacier.credentials = creds;
    }
    this.log.info('Connecting: %s', describeConfig(glacier));
    return this.factories.createService({
      glacier,
      databasePath,
      uploadFolder,
      keyStore: this.secrets.keyStore(),
      restoreDays: s.restoredCopyDays,
      log: channelLogger(this.channel),
      defaultFilters: { backupPatterns: s.backupFilterPatterns, exclusionPaths: s.exclusionPaths },
    });
  }

  private async updateNoVaults(svc: FreezerService): Promise<void> {
    let none = false;
    try {
      none = (await svc.listVaults()).length === 0;
    } catch {
      // The Vaults view shows the error itself.
    }
    if (svc === this.service) await vscode.commands.executeCommand('setContext', CONTEXT_NO_VAULTS, none);
  }

  /** Keeps listening for job notifications (or polling) until the service goes; retries after errors. */
  private async watchJobs(svc: FreezerService, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await svc.watchJobs(signal);
      } catch (e) {
        if (signal.aborted) return;
        this.log.warn('Job watcher stopped: %s; retrying in 30 s', e instanceof Error ? e.message : String(e));
      }
      await new Promise((r) => { const t = setTimeout(r, 30_000); signal.addEventListener('abort', () => { clearTimeout(t); r(undefined); }, { once: true }); });
    }
  }

  private async resumeUploads(svc: FreezerService, signal: AbortSignal): Promise<void> {
    try {
      // A freeze killed while packing cannot go on: its archive is removed, and the user told once.
      const { removed } = await svc.recoverAbandoned();
      if (removed.length) {
        void vscode.window.showWarningMessage(removed.length === 1
          ? `Freezer removed archive "${removed[0].name}": it was being packed when Freezer stopped. Freeze those files again.`
          : `Freezer removed ${removed.length} archives that were being packed when Freezer stopped (${removed.map((a) => `"${a.name}"`).join(', ')}). Freeze those files again.`);
      }
      const resumed = await svc.resumeUploads(signal);
      if (resumed.length) this.log.info('Resumed %d unfinished upload%s', resumed.length, resumed.length === 1 ? '' : 's');
    } catch (e) {
      if (!signal.aborted) this.log.warn('Could not resume unfinished uploads: %s', e instanceof Error ? e.message : String(e));
    }
  }

  private async teardown(): Promise<void> {
    this.stopBackground?.abort();
    this.stopBackground = undefined;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    const old = this.service;
    this.service = undefined;
    this.current = undefined;
    if (old) await old.dispose().catch((e) => this.log.warn('Closing the service: %s', String(e)));
  }

  private async closeEndpoint(): Promise<void> {
    const ep = this.endpoint;
    this.endpoint = undefined;
    if (ep) await ep.ep.close().catch(() => undefined);
  }

  /** Closes the service and the endpoint; awaited by deactivate(). */
  async shutdown(): Promise<void> {
    this.disposed = true;
    await this.queue.catch(() => undefined);
    await this.teardown();
    await this.closeEndpoint();
  }

  dispose(): void {
    void this.shutdown();
    for (const d of this.disposables) d.dispose();
  }
}
