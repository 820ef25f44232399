import * as vscode from 'vscode';
import type { ServiceHost } from '../../platform/serviceHost';
import { readSettings } from '../../platform/settings';
import { LoadMoreNode } from '../loadMoreNode';
import { errorMessage, MessageNode } from '../messageNode';
import type { Transfers } from '../transfers/transfers';
import { ArchiveNode } from './archiveNode';
import { VaultNode } from './vaultNode';

export type VaultsTreeNode = VaultNode | ArchiveNode | LoadMoreNode<VaultNode> | MessageNode;

/** The Vaults view: vaults from AWS matched with the catalogue, each with its archives, paged. */
export class VaultsTree implements vscode.TreeDataProvider<VaultsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<VaultsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private vaults = new Map<string, VaultNode>();
  private readonly subs: vscode.Disposable[];
  private pending = new Set<VaultsTreeNode | undefined>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly host: ServiceHost,
    private readonly transfers: Transfers,
  ) {
    this.subs = [
      this.changed,
      host.onDidChange(() => this.refresh()),
      host.onDidChangeData((kind) => {
        if (kind === 'vaults') this.fire(undefined);
        else if (kind === 'archives' || kind === 'jobs') this.markArchivesStale();
      }),
      transfers.onDidChange((t) => {
        const node = t?.archiveId !== undefined ? this.findLoaded(t.archiveId) : undefined;
        if (node) {
          node.activity = t?.progress;
          this.fire(node);
        } else if (!t) {
          // A transfer ended: clear activity shown on archives no longer transferring.
          for (const v of this.vaults.values()) {
            for (const a of v.archives) {
              if (a.activity && !transfers.forArchive(a.archive.id)) {
                a.activity = undefined;
                this.fire(a);
              }
            }
          }
        }
      }),
    ];
  }

  get pageSize(): number {
    return readSettings().pageSize;
  }

  /** Forgets everything loaded and reloads the vault list. */
  refresh(): void {
    this.vaults.clear();
    this.fire(undefined);
  }

  /** Reloads the archives of every vault that was expanded (keeping the pages loaded so far). */
  markArchivesStale(): void {
    for (const v of this.vaults.values()) {
      if (!v.loaded) continue;
      v.stale = true;
      this.fire(v);
    }
  }

  // Service events and progress can come in bursts: coalesce repaints.
  private fire(node: VaultsTreeNode | undefined): void {
    this.pending.add(node);
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const nodes = this.pending;
      this.pending = new Set();
      if (nodes.has(undefined)) this.changed.fire(undefined);
      else for (const n of nodes) this.changed.fire(n);
    }, 100);
  }

  getTreeItem(node: VaultsTreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getParent(node: VaultsTreeNode): VaultsTreeNode | undefined {
    return node instanceof MessageNode ? (node.parent as VaultsTreeNode | undefined) : node.parent;
  }

  async getChildren(node?: VaultsTreeNode): Promise<VaultsTreeNode[]> {
    if (!node) return this.vaultNodes();
    if (node instanceof VaultNode) return this.archivesOf(node);
    return [];
  }

  /** Vault nodes (kept across reloads so their loaded pages survive). */
  async vaultNodes(): Promise<VaultsTreeNode[]> {
    if (!this.host.configured) return [];
    try {
      const svc = await this.host.ready();
      const list = await svc.listVaults();
      const next = new Map<string, VaultNode>();
      for (const v of list) {
        const node = this.vaults.get(v.name) ?? new VaultNode(v);
        node.vault = v;
        next.set(v.name, node);
      }
      this.vaults = next;
      return [...next.values()];
    } catch (e) {
      return [errorMessage('Could not list vaults', e)];
    }
  }

  private async archivesOf(v: VaultNode): Promise<VaultsTreeNode[]> {
    try {
      const svc = await this.host.ready();
      if (!v.loaded || v.stale) await v.reload(svc, this.pageSize);
    } catch (e) {
      return [errorMessage('Could not list archives', e, v)];
    }
    for (const a of v.archives) a.activity = this.transfers.forArchive(a.archive.id)?.progress;
    if (!v.archives.length) return [new MessageNode('No archives yet', 'info', v)];
    return v.hasMore ? [...v.archives, new LoadMoreNode(v, v.archives.length, v.total)] : [...v.archives];
  }

  /** Loads the next page of a vault's archives ("Load more…"). */
  async loadMore(node: LoadMoreNode<VaultNode> | VaultNode): Promise<void> {
    const v = node instanceof VaultNode ? node : node.parent;
    await v.loadMore(await this.host.ready(), this.pageSize);
    this.changed.fire(v);
  }

  findLoaded(archiveId: number): ArchiveNode | undefined {
    for (const v of this.vaults.values()) {
      const n = v.findLoaded(archiveId);
      if (n) return n;
    }
    return undefined;
  }

  /** The node of an archive, loading the vault list and pages until it is found. */
  async findArchive(archiveId: number): Promise<ArchiveNode | undefined> {
    const svc = await this.host.ready();
    const info = await svc.getArchive(archiveId);
    if (!info) return undefined;
    if (!this.vaults.has(info.vault)) await this.vaultNodes();
    const v = this.vaults.get(info.vault);
    if (!v) return undefined;
    if (!v.loaded || v.stale) await v.reload(svc, this.pageSize);
    let found = v.findLoaded(archiveId);
    while (!found && v.hasMore) {
      await v.loadMore(svc, this.pageSize);
      found = v.findLoaded(archiveId);
    }
    if (found) found.archive = info;
    return found;
  }

  /** All vault nodes loaded now (for pickers and tests). */
  get loadedVaults(): VaultNode[] {
    return [...this.vaults.values()];
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of this.subs) s.dispose();
  }
}
