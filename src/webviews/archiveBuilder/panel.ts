import fs from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { formatDescription, MAX_DESCRIPTION_LENGTH, parseDescription } from '../../core/archive/description';
import { estimateArchiveSize, type EstimatedFile } from '../../core/archive/sizeEstimate';
import { CancellationError, FreezerError } from '../../core/errors';
import { changedFilesWarning } from '../../core/service/changedFilesWarning';
import { commonRoot } from '../../core/service/selection';
import type { FreezerService } from '../../core/service/service';
import type { FreezeRequest, KeyInfo } from '../../core/service/types';
import { keyForNewArchive } from '../../platform/encryptionChoice';
import { readSettings, updateSetting } from '../../platform/settings';
import { WebviewConnection } from '../shared/connection';
import type { WebviewDeps } from '../shared/deps';
import { formatBytes } from '../shared/format';
import { runWithProgress } from '../../platform/progress';
import type { Transfers } from '../../views/transfers/transfers';
import { renderHtml, webviewOptions } from '../shared/html';
import { builderBody } from './markup';
import {
  BUILDER_PANEL, BUILDER_VIEW_TYPE, COMPRESSIONS,
  type ApplyParams, type ArchiveView, type BuilderEvents, type BuilderInit, type DescriptionPreview, type EstimateParams, type KeyChoice, type Row, type ScanResult,
  type SizeEstimateView,
} from './protocol';
import { toRow } from './rows';
import { parseBuilderRequest, type BuilderRequest } from './validate';

export interface BuilderArgs {
  vault?: string;
  preselect?: string[];
  /** Shows this existing archive read-only instead of building a new one. */
  archiveId?: number;
}

const keyChoice = (k: KeyInfo): KeyChoice => ({ id: k.id, label: k.label, algorithm: k.algorithm, isDefault: k.isDefault, legacy: k.legacy });

/**
 * The archive builder: lists files of the chosen sources with why each is filtered, lets the user shape
 * the selection, then hands it to `service.freeze` under a notification progress and closes. The host
 * keeps the set of files it listed, so the webview can only ask to freeze files the user picked here.
 */
export class ArchiveBuilderPanel implements vscode.Disposable {
  /** Files this panel listed, with their sizes: the only files the webview may ask to freeze or estimate. */
  private readonly listed = new Map<string, number>();
  private estimating: AbortController | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly conn: WebviewConnection<BuilderRequest, BuilderEvents>;
  private keys: KeyInfo[] = [];

  static open(context: vscode.ExtensionContext, deps: WebviewDeps, args: BuilderArgs): ArchiveBuilderPanel {
    const title = args.archiveId === undefined ? 'New Archive' : 'Archive Contents';
    const panel = vscode.window.createWebviewPanel(BUILDER_VIEW_TYPE, title, vscode.ViewColumn.Active, webviewOptions(context.extensionUri));
    return new ArchiveBuilderPanel(panel, context, deps, args);
  }

  constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly context: vscode.ExtensionContext,
    private readonly deps: WebviewDeps,
    private readonly args: BuilderArgs,
  ) {
    panel.webview.options = webviewOptions(context.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'freezer.svg');
    this.conn = new WebviewConnection(panel.webview, parseBuilderRequest, {
      ready: () => this.init(),
      addFiles: (p) => this.editable(() => this.pick(false, p.alreadyFrozen)),
      addFolders: (p) => this.editable(() => this.pick(true, p.alreadyFrozen)),
      scan: (p) => this.editable(() => this.scan(p.sources, p.alreadyFrozen)),
      previewDescription: (p) => this.preview(p.name, p.compression, p.keyId),
      chooseOutput: () => this.editable(() => this.chooseOutput()),
      openSettings: async () => { await vscode.commands.executeCommand('freezer.openSettings'); return null; },
      apply: (p) => this.editable(() => this.apply(p)),
      estimateSize: (p) => this.editable(() => this.estimate(p)),
      members: (p) => this.members(p.offset, p.limit),
    }, deps.log, 'archive builder');
    this.disposables.push(
      this.conn,
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview's page is discarded; events wait for the next page's ready handshake.
      panel.onDidChangeViewState((e) => { if (!e.webviewPanel.visible) this.conn.reset(); }),
      deps.host.onDidChange(() => void this.pushLists()),
      deps.host.onDidChangeData((kind) => { if (kind === 'vaults' || kind === 'keys') void this.pushLists(); }),
    );
    panel.webview.html = renderHtml(panel.webview, context.extensionUri, BUILDER_PANEL, args.archiveId === undefined ? 'New Archive' : 'Archive Contents', builderBody);
  }

  /** The read-only panel (an existing archive) refuses every request that would change or build something. */
  private editable<T>(fn: () => Promise<T>): Promise<T> {
    if (this.args.archiveId !== undefined) {
      return Promise.reject(new FreezerError('InvalidMessage', 'This panel shows an existing archive: it cannot be changed. Use New Archive to build one.'));
    }
    return fn();
  }

  private async members(offset: number, limit: number): Promise<{ rows: Row[]; total: number }> {
    if (this.args.archiveId === undefined) throw new FreezerError('InvalidMessage', 'Only the view of an existing archive lists archive members.');
    const svc = await this.deps.host.ready();
    const page = await svc.listArchiveMembers(this.args.archiveId, { offset, limit });
    return { rows: page.items.map((m): Row => [m.path, m.size, 0]), total: page.total };
  }

  private async archiveView(id: number): Promise<ArchiveView> {
    const svc = await this.deps.host.ready();
    const a = await svc.getArchive(id);
    if (!a) throw new FreezerError('ArchiveNotFound', `Archive ${id} is not in the catalogue any more; refresh the Vaults view.`);
    const key = a.encryption?.keyId ? (await svc.listKeys()).find((k) => k.id === a.encryption?.keyId) : undefined;
    const encryption = !a.encryption ? 'None (not encrypted)'
      : `${a.encryption.format === 'fzr1' ? 'AES-256 (fzr1)' : 'legacy CBC'}${a.encryption.keyId ? ` · key ${key?.label || a.encryption.keyId}${key ? '' : ' (not in this machine\'s key list)'}` : ''}`;
    this.panel.title = `Archive: ${a.name}`;
    return {
      id: a.id, name: a.name, vault: a.vault, description: a.description, compression: a.compression, encryption,
      state: a.state, fileCount: a.fileCount, ...(a.localFile ? { localFile: a.localFile } : {}),
    };
  }

  private async init(): Promise<BuilderInit> {
    const s = readSettings();
    const init: BuilderInit = {
      configured: this.deps.host.configured,
      vaults: [],
      keys: [],
      compressions: [...COMPRESSIONS],
      compression: COMPRESSIONS.includes(s.defaultCompression) ? s.defaultCompression : 'zstd',
      uploadFolder: s.uploadFolder || path.join(this.context.globalStorageUri.fsPath, 'archives'),
      preselect: this.args.preselect ?? [],
      maxDescription: MAX_DESCRIPTION_LENGTH,
      ...(this.args.vault ? { vault: this.args.vault } : {}),
    };
    if (!init.configured) return init;
    if (this.args.archiveId !== undefined) {
      init.readOnly = true;
      try {
        init.archive = await this.archiveView(this.args.archiveId);
        init.vaults = [init.archive.vault];
        init.compression = init.archive.compression;
      } catch (e) {
        init.problem = e instanceof Error ? e.message : String(e);
      }
      return init;
    }
    try {
      const svc = await this.deps.host.ready();
      const [vaults, keys] = await Promise.all([svc.listVaults(), svc.listKeys()]);
      this.keys = keys;
      init.vaults = vaults.map((v) => v.name);
      init.keys = keys.map(keyChoice);
    } catch (e) {
      init.problem = e instanceof Error ? e.message : String(e);
    }
    return init;
  }

  private async pushLists(): Promise<void> {
    const svc = this.deps.host.now;
    // The read-only view keeps the archive's own vault and key.
    if (!svc || this.args.archiveId !== undefined) return;
    try {
      const [vaults, keys] = await Promise.all([svc.listVaults(), svc.listKeys()]);
      this.keys = keys;
      this.conn.post('vaults', { vaults: vaults.map((v) => v.name) });
      this.conn.post('keys', { keys: keys.map(keyChoice) });
    } catch {
      // The next init or apply reports the problem.
    }
  }

  private async pick(folders: boolean, alreadyFrozen: boolean): Promise<ScanResult | null> {
    const uris = await vscode.window.showOpenDialog({
      canSelectFiles: !folders,
      canSelectFolders: folders,
      canSelectMany: true,
      openLabel: folders ? 'Add Folders' : 'Add Files',
      title: folders ? 'Add folders (with everything in them) to the archive' : 'Add files to the archive',
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    if (!uris?.length) return null;
    return this.scan(uris.map((u) => u.fsPath), alreadyFrozen);
  }

  private async scan(sources: string[], alreadyFrozen: boolean): Promise<ScanResult> {
    const existing: string[] = [];
    for (const s of sources) if (await fs.stat(s).then(() => true, () => false)) existing.push(s);
    if (!existing.length) return { sources: [], rows: [] };
    const svc = await this.deps.host.ready();
    const s = readSettings();
    const entries = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: alreadyFrozen ? 'Freezer: hashing files to find frozen copies' : 'Freezer: listing files' },
      () => svc.scanSelection(existing, {
        backupPatterns: s.backupFilterPatterns,
        exclusionPaths: s.exclusionPaths,
        filterAlreadyFrozen: alreadyFrozen,
        filterBackup: true,
        filterExclusionPaths: true,
        filterManual: true,
      }),
    );
    const rows = entries.map(toRow);
    for (const r of rows) this.listed.set(r[0], r[1]);
    return { sources: existing, rows };
  }

  private preview(name: string, compression: ApplyParams['compression'], keyId: string | null): DescriptionPreview {
    const key = keyId ? this.keys.find((k) => k.id === keyId) : undefined;
    try {
      const text = formatDescription({
        name: name || 'archive',
        compression,
        encryption: key ? 'fzr1' : 'none',
        ...(key ? { keyId: key.id } : {}),
        created: new Date().toISOString(),
      });
      const out: DescriptionPreview = { text, length: text.length, max: MAX_DESCRIPTION_LENGTH };
      if (parseDescription(text).name !== (name || 'archive')) {
        out.warning = 'The name is too long for Glacier\'s 1024-character description: it will be shortened there (the catalogue keeps the full name).';
      }
      return out;
    } catch (e) {
      return { text: '', length: 0, max: MAX_DESCRIPTION_LENGTH, warning: e instanceof Error ? e.message : String(e) };
    }
  }

  private async chooseOutput(): Promise<{ uploadFolder: string } | null> {
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, openLabel: 'Use This Folder', title: 'Folder where archives are built before upload' });
    if (!uris?.length) return null;
    await updateSetting('uploadFolder', uris[0].fsPath);
    return { uploadFolder: uris[0].fsPath };
  }

  /** Samples the selection in the extension host (never the webview's thread); a newer request cancels this one. */
  private async estimate(p: EstimateParams): Promise<SizeEstimateView> {
    this.estimating?.abort();
    const ac = new AbortController();
    this.estimating = ac;
    if (!p.selected.length) return { bytes: 0, sampledBytes: 0, sampledFiles: 0 };
    // Members are relative to the folder the service packs from (see collectSources).
    const root = commonRoot([...(p.sources.length ? p.sources : p.selected), ...p.selected]);
    const files: EstimatedFile[] = [];
    for (const f of p.selected) {
      const size = this.listed.get(f);
      if (size === undefined) throw new FreezerError('InvalidMessage', 'The selection holds a file this panel did not list; add it with Add Files first.');
      files.push({ path: f, memberPath: path.relative(root, f).split(path.sep).join('/'), size });
    }
    try {
      const e = await estimateArchiveSize(files, { compression: p.compression, encrypted: p.encrypted, signal: ac.signal });
      return { bytes: e.bytes, sampledBytes: e.sampledBytes, sampledFiles: e.sampledFiles };
    } catch (e) {
      // Overtaken by a newer request (the user changed the selection): an answer, not a failure to log.
      if (CancellationError.is(e) && ac.signal.aborted) return { bytes: 0, sampledBytes: 0, sampledFiles: 0, superseded: true };
      throw e;
    } finally {
      if (this.estimating === ac) this.estimating = undefined;
    }
  }

  private async apply(p: ApplyParams): Promise<{ started: true }> {
    if (!p.selected.length) throw new FreezerError('NothingToFreeze', 'No file is selected: select at least one file to freeze.');
    const notListed = p.selected.find((f) => !this.listed.has(f));
    if (notListed !== undefined) throw new FreezerError('InvalidMessage', 'The selection holds a file this panel did not list; add it with Add Files first.');
    const svc = await this.deps.host.ready();
    const vaults = await svc.listVaults();
    if (!vaults.some((v) => v.name === p.vault)) throw new FreezerError('VaultNotFound', `Vault "${p.vault}" does not exist (any more); choose another vault.`);
    if (p.keyId !== null) {
      const key = (await svc.listKeys()).find((k) => k.id === p.keyId);
      if (!key) throw new FreezerError('KeyNotFound', 'The chosen encryption key is not in the key list any more; choose another.');
      if (key.algorithm !== 'AES-256') throw new FreezerError('UnsupportedCipher', `New archives are encrypted with AES-256 keys; ${key.algorithm} keys can only read legacy archives.`);
    }
    const keyId = await keyForNewArchive(svc, this.deps.log, p.keyId);
    startFreeze(svc, this.deps.log, this.deps.transfers, {
      vault: p.vault,
      sources: p.sources.length ? p.sources : p.selected,
      selectedFiles: p.selected,
      name: p.name,
      compression: p.compression,
      keyId,
    }, p.manuallyExcluded);
    // Close after the response is on its way.
    setTimeout(() => this.panel.dispose(), 0);
    return { started: true };
  }

  dispose(): void {
    this.estimating?.abort();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}


/**
 * Runs the freeze in the background under a cancellable notification: the archive is in the Vaults
 * view as `building` at once (the service emits the change), and the panel does not wait for it.
 */
export function startFreeze(
  svc: FreezerService, log: vscode.LogOutputChannel, transfers: Transfers, req: Omit<FreezeRequest, 'signal' | 'onProgress'>, manuallyExcluded: string[],
): void {
  // The same notification, bar and status-bar item as every other freeze (one bar across packing and uploading).
  void runWithProgress(transfers, `Freezing "${req.name}"`,
    async ({ signal, onProgress }) => {
      const full: FreezeRequest = {
        ...req,
        signal,
        onProgress,
        // Remembered in the catalogue: later scans leave these files out (filter "manual exclusions").
        ...(manuallyExcluded.length ? { manualExclusions: manuallyExcluded } : {}),
      };
      try {
        const info = await svc.freeze(full);
        log.info(`Archive ${info.id} "${info.name}" frozen into vault ${info.vault} (${info.state})`);
        const torn = changedFilesWarning(info);
        if (torn) void vscode.window.showWarningMessage(`Freezer: "${info.name}" is in vault ${info.vault}, but ${torn}`);
        else void vscode.window.showInformationMessage(`Freezer: "${info.name}" is in vault ${info.vault} (${info.fileCount} files, ${formatBytes(info.size)}).`);
      } catch (e) {
        if (CancellationError.is(e) || signal.aborted) {
          log.info(`Freezing "${req.name}" cancelled`);
          return;
        }
        const message = e instanceof Error ? e.message : String(e);
        log.error(`Freezing "${req.name}" failed: ${message}`);
        void vscode.window.showErrorMessage(`Freezer: ${message}`, 'Show Log').then((pick) => { if (pick) log.show(); });
      }
    },
  );
}
