import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { ServiceHost } from '../../platform/serviceHost';
import { readSettings } from '../../platform/settings';

interface Known {
  size: number;
  mtimeMs: number;
  frozenAs?: string;
}

const BATCH = 64;
/**
 * Files above this are not hashed just to draw a badge (the core hashes every candidate; a name+size
 * pre-check there would lift this limit).
 */
const MAX_HASH_BYTES = 256 * 1024 * 1024;

/**
 * Explorer badge on files whose name + size + SHA-256 are already frozen. VS Code asks for each
 * visible file; unknown files are queued and checked in the background (hashes come from the
 * catalogue's cache when the file is unchanged), then VS Code is told to ask again. Never blocks.
 */
export class FrozenFileDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<vscode.Uri | vscode.Uri[] | undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly known = new Map<string, Known>();
  private readonly queue = new Map<string, vscode.Uri>();
  private running = false;
  private enabled = readSettings().fileDecorations;
  private readonly subs: vscode.Disposable[];
  private abort = new AbortController();

  constructor(private readonly host: ServiceHost) {
    this.subs = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!e.affectsConfiguration('freezer.fileDecorations')) return;
        this.enabled = readSettings().fileDecorations;
        this.invalidateAll();
      }),
      host.onDidChange(() => this.invalidateAll()),
      host.onDidChangeData((kind) => { if (kind === 'files' || kind === 'archives') this.invalidateAll(); }),
      vscode.workspace.onDidSaveTextDocument((d) => this.invalidate(d.uri)),
    ];
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (!this.enabled || uri.scheme !== 'file' || !this.host.configured) return undefined;
    const k = this.known.get(uri.fsPath);
    if (!k) {
      this.enqueue(uri);
      return undefined;
    }
    return k.frozenAs ? { badge: '❄', tooltip: `Frozen in ${k.frozenAs}`, propagate: false } : undefined;
  }

  /** Whether a file is known to be frozen (undefined: not checked yet). For tests. */
  frozenAs(uri: vscode.Uri): string | undefined | null {
    const k = this.known.get(uri.fsPath);
    return k ? (k.frozenAs ?? null) : undefined;
  }

  /** Checks these files now (waits for the result). */
  async check(uris: vscode.Uri[]): Promise<void> {
    for (const u of uris) this.known.delete(u.fsPath);
    await this.process(uris);
  }

  private invalidate(uri: vscode.Uri): void {
    if (this.known.delete(uri.fsPath)) this.changed.fire(uri);
  }

  private invalidateAll(): void {
    this.abort.abort();
    this.abort = new AbortController();
    this.known.clear();
    this.queue.clear();
    this.changed.fire(undefined);
  }

  private enqueue(uri: vscode.Uri): void {
    this.queue.set(uri.fsPath, uri);
    if (this.running) return;
    this.running = true;
    // Let VS Code finish asking for the whole visible batch before starting.
    setTimeout(() => void this.drain(), 200);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.size) {
        const batch = [...this.queue.values()].slice(0, BATCH);
        for (const u of batch) this.queue.delete(u.fsPath);
        await this.process(batch).catch(() => undefined);
      }
    } finally {
      this.running = false;
    }
  }

  private async process(uris: vscode.Uri[]): Promise<void> {
    const signal = this.abort.signal;
    const files: { uri: vscode.Uri; size: number; mtimeMs: number }[] = [];
    for (const uri of uris) {
      const st = await fsp.stat(uri.fsPath).catch(() => undefined);
      // Folders and unreadable paths get no badge; remember that so VS Code's next ask is cheap.
      if (!st?.isFile()) this.known.set(uri.fsPath, { size: -1, mtimeMs: -1 });
      else if (st.size === 0 || st.size > MAX_HASH_BYTES) this.known.set(uri.fsPath, { size: st.size, mtimeMs: st.mtimeMs });
      else files.push({ uri, size: st.size, mtimeMs: st.mtimeMs });
    }
    if (!files.length || signal.aborted) return;
    const svc = await this.host.ready();
    const entries = await svc.scanSelection(files.map((f) => f.uri.fsPath), { filterAlreadyFrozen: true, filterBackup: false, filterExclusionPaths: false, filterManual: false }, signal);
    if (signal.aborted) return;
    const byPath = new Map(entries.map((e) => [e.path, e]));
    const changed: vscode.Uri[] = [];
    for (const f of files) {
      const e = byPath.get(f.uri.fsPath);
      const frozen = e?.reasons.includes('alreadyFrozen');
      this.known.set(f.uri.fsPath, { size: f.size, mtimeMs: f.mtimeMs, frozenAs: frozen ? (e?.frozenAs?.archiveName ?? 'an archive') : undefined });
      if (frozen) changed.push(f.uri);
    }
    if (changed.length) this.changed.fire(changed);
  }

  dispose(): void {
    this.abort.abort();
    for (const s of this.subs) s.dispose();
  }
}
