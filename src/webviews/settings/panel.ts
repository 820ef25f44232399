import * as vscode from 'vscode';
import { compileUserRegex } from '../../core/archive/filters';
import { FreezerError } from '../../core/errors';
import { createClients } from '../../core/glacier/clients';
import type { GlacierConfig } from '../../core/glacier/config';
import { listVaults } from '../../core/glacier/vaults';
import { MIB } from '../../core/hash/treeHash';
import type { KeyInfo } from '../../core/service/types';
import { writePrivateFile } from '../../platform/privateFile';
import { readSettings, updateSetting, type FreezerSettings } from '../../platform/settings';
import { WebviewConnection } from '../shared/connection';
import type { WebviewDeps } from '../shared/deps';
import { renderHtml, webviewOptions } from '../shared/html';
import { settingsBody } from './markup';
import {
  SETTINGS_PANEL, SETTINGS_VIEW_TYPE,
  type CredentialsStatus, type NewCredentials, type Section, type SettingsEvents, type SettingsInit, type SettingsValues, type KeyView,
} from './protocol';
import { parseSettingsRequest, type SettingsRequest } from './validate';
import { ALGORITHM_CHOICES, describeConnectionError, endpointSetting, valuesFromSettings } from './values';

const keyView = (k: KeyInfo): KeyView => ({
  id: k.id, label: k.label, algorithm: k.algorithm, fingerprint: k.fingerprint, createdAt: k.createdAt, isDefault: k.isDefault, legacy: k.legacy,
});

/**
 * The settings panel: AWS connection, encryption keys and exclusion paths. Values are VS Code settings
 * (`freezer.*`) and SecretStorage (access keys, key bytes); the webview never receives a secret back.
 */
export class SettingsPanel implements vscode.Disposable {
  static current: SettingsPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly conn: WebviewConnection<SettingsRequest, SettingsEvents>;

  /**
   * Brings back a panel saved at the last reload. VS Code revives hidden panels only when shown, possibly
   * after a command opened a new one: the newer panel wins and the revived one closes.
   */
  static revive(panel: vscode.WebviewPanel, context: vscode.ExtensionContext, deps: WebviewDeps, section: Section): void {
    if (SettingsPanel.current) {
      panel.dispose();
      SettingsPanel.current.panel.reveal();
      return;
    }
    new SettingsPanel(panel, context, deps, section);
  }

  static show(context: vscode.ExtensionContext, deps: WebviewDeps, section: Section): SettingsPanel {
    if (SettingsPanel.current) {
      SettingsPanel.current.panel.reveal();
      SettingsPanel.current.section = section;
      SettingsPanel.current.conn.post('section', { section });
      return SettingsPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(SETTINGS_VIEW_TYPE, 'Freezer Settings', vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new SettingsPanel(panel, context, deps, section);
  }

  constructor(
    private readonly panel: vscode.WebviewPanel,
    context: vscode.ExtensionContext,
    private readonly deps: WebviewDeps,
    private section: Section,
  ) {
    SettingsPanel.current = this;
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'freezer.svg');
    this.conn = new WebviewConnection(panel.webview, parseSettingsRequest, {
      ready: () => this.init(),
      save: (p) => this.save(p.values, p.credentials),
      clearCredentials: async () => { await deps.secrets.setAwsCredentials(undefined); return this.credentialsStatus(); },
      testConnection: (p) => this.test(p.values, p.credentials),
      createKey: async (p) => {
        const created = await (await deps.host.ready()).createKey(p.algorithm, p.label || undefined);
        return { created: keyView(created), keys: await this.keys() };
      },
      exportKey: (p) => this.exportKey(p.id, p.form, p.to),
      importKey: async (p) => this.importKey(p.json, p.label),
      importKeyFile: async (p) => {
        const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Import Key', filters: { 'Key export': ['json'], 'All files': ['*'] } });
        if (!uris?.length) return null;
        const bytes = await vscode.workspace.fs.readFile(uris[0]);
        if (bytes.byteLength > 16 * 1024) throw new FreezerError('InvalidKey', 'That file is too big to be a key export.');
        return this.importKey(Buffer.from(bytes).toString('utf8'), p.label);
      },
      setDefaultKey: async (p) => {
        // The catalogue holds the default key for the extension and the CLI alike: no second copy in settings.
        await (await deps.host.ready()).setDefaultKey(p.id);
        return { keys: await this.keys() };
      },
      listKeys: async () => {
        try {
          return { keys: await this.keys() };
        } catch (e) {
          return { keys: [], keysProblem: e instanceof Error ? e.message : String(e) };
        }
      },
    }, deps.log, 'settings');
    this.disposables.push(
      this.conn,
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview's page is discarded; events wait for the next page's ready handshake.
      panel.onDidChangeViewState((e) => { if (!e.webviewPanel.visible) this.conn.reset(); }),
      deps.host.onDidChangeData((kind) => { if (kind === 'keys') void this.keys().then((keys) => this.conn.post('keys', { keys }), () => undefined); }),
      deps.host.onDidChange(() => void this.keys().then((keys) => this.conn.post('keys', { keys }), () => undefined)),
      vscode.workspace.onDidChangeConfiguration(async (e) => {
        if (e.affectsConfiguration('freezer')) this.conn.post('values', { values: valuesFromSettings(readSettings(), (await this.credentialsStatus()).stored) });
      }),
    );
    panel.webview.html = renderHtml(panel.webview, context.extensionUri, SETTINGS_PANEL, 'Freezer Settings', settingsBody);
  }

  private async keys(): Promise<KeyView[]> {
    return (await (await this.deps.host.ready()).listKeys()).map(keyView);
  }

  private async credentialsStatus(): Promise<CredentialsStatus> {
    return { stored: (await this.deps.secrets.getAwsCredentials()) !== undefined };
  }

  private async init(): Promise<SettingsInit> {
    const credentials = await this.credentialsStatus();
    const init: SettingsInit = {
      values: valuesFromSettings(readSettings(), credentials.stored),
      credentials,
      keys: [],
      algorithms: ALGORITHM_CHOICES,
      section: this.section,
    };
    try {
      init.keys = await this.keys();
    } catch (e) {
      init.keysProblem = e instanceof Error ? e.message : String(e);
    }
    return init;
  }

  private async save(v: SettingsValues, creds: NewCredentials | undefined): Promise<{ values: SettingsValues; credentials: CredentialsStatus }> {
    // The host checked the regexes compile; compile them as the core will, so its errors show here.
    for (const p of v.exclusionPaths) compileUserRegex(p);
    const endpoint = endpointSetting(v);
    if (v.credentialSource === 'keys' && !creds && !(await this.credentialsStatus()).stored && v.endpoint !== 'local') {
      throw new FreezerError('InvalidArgument', 'Enter the access key id and the secret access key, or choose a profile.');
    }
    const current = readSettings();
    const next: Partial<FreezerSettings> = {
      endpoint, region: v.region || 'us-east-1', accountId: v.accountId || '-', profile: v.credentialSource === 'profile' ? v.profile : '',
      snsTopicArn: v.snsTopicArn, notificationQueueUrl: v.notificationQueueUrl, pollTimeSeconds: v.pollTimeSeconds, threads: v.threads,
      chunkSizeMiB: v.chunkSizeMiB, exclusionPaths: v.exclusionPaths,
    };
    // Secrets first, so the service rebuilt for the new settings already finds them.
    if (v.credentialSource === 'keys' && creds) await this.deps.secrets.setAwsCredentials(creds);
    if (v.credentialSource === 'profile' && (await this.credentialsStatus()).stored) await this.deps.secrets.setAwsCredentials(undefined);
    for (const [k, value] of Object.entries(next) as Array<[keyof FreezerSettings, FreezerSettings[keyof FreezerSettings]]>) {
      if (JSON.stringify(current[k]) !== JSON.stringify(value)) await updateSetting(k, value as never);
    }
    this.deps.log.info('[settings] saved from the settings panel');
    const credentials = await this.credentialsStatus();
    return { values: valuesFromSettings(readSettings(), credentials.stored), credentials };
  }

  private async test(v: SettingsValues, creds: NewCredentials | undefined): Promise<{ vaults: string[] }> {
    if (v.endpoint === 'local') {
      if (readSettings().endpoint !== 'local') throw new FreezerError('NotSaved', 'Save first: the local endpoint starts when Freezer is set to use it.');
      const vaults = await (await this.deps.host.ready()).listVaults();
      return { vaults: vaults.map((x) => x.name) };
    }
    const cfg: GlacierConfig = {
      region: v.region || 'us-east-1',
      accountId: v.accountId || '-',
      ...(v.endpoint === 'url' ? { endpoint: endpointSetting(v) } : {}),
      ...(v.chunkSizeMiB ? { chunkSize: v.chunkSizeMiB * MIB } : {}),
      threads: v.threads,
    };
    if (v.credentialSource === 'keys') {
      const c = creds ?? (await this.deps.secrets.getAwsCredentials());
      if (!c) throw new FreezerError('InvalidArgument', 'Enter the access key id and the secret access key to test them.');
      cfg.credentials = c;
    } else if (v.profile) cfg.profile = v.profile;
    const clients = createClients(cfg);
    try {
      const vaults = await listVaults(clients, { signal: AbortSignal.timeout(30_000) });
      return { vaults: vaults.map((x) => x.name) };
    } catch (e) {
      throw new FreezerError('ConnectionFailed', describeConnectionError(e), { cause: e });
    } finally {
      clients.destroy();
    }
  }

  private async exportKey(id: string, form: 'freezer' | 'legacy', to: 'clipboard' | 'file'): Promise<{ done: boolean; where?: string }> {
    const svc = await this.deps.host.ready();
    const key = (await svc.listKeys()).find((k) => k.id === id);
    if (!key) throw new FreezerError('KeyNotFound', 'That key is not in the key list any more.');
    if (to === 'file') {
      const uri = await vscode.window.showSaveDialog({
        title: 'Save the key export (keep it safe: without it the archives are lost)',
        saveLabel: 'Save Key Export',
        filters: { 'Key export': ['json'] },
        defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/'), `freezer-key-${(key.label || key.id).replace(/[^A-Za-z0-9._-]+/g, '-')}.json`),
      });
      if (!uri) return { done: false };
      await writePrivateFile(uri, await svc.exportKey(id, form));
      this.deps.log.info(`[settings] exported key ${id} to ${uri.fsPath}`);
      return { done: true, where: uri.fsPath };
    }
    await vscode.env.clipboard.writeText(await svc.exportKey(id, form));
    this.deps.log.info(`[settings] copied key ${id} to the clipboard`);
    return { done: true, where: 'clipboard' };
  }

  private async importKey(json: string, label: string): Promise<{ keys: KeyView[]; imported: KeyView; alreadyThere: boolean }> {
    const svc = await this.deps.host.ready();
    const imported = await svc.importKey(json, label || undefined);
    return { imported: keyView(imported), keys: await this.keys(), alreadyThere: imported.alreadyHeld };
  }

  dispose(): void {
    if (SettingsPanel.current === this) SettingsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}
