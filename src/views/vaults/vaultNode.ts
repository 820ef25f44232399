import * as vscode from 'vscode';
import type { FreezerService } from '../../core/service/service';
import type { ArchiveInfo, VaultInfo } from '../../core/service/types';
import { Kind, vaultContext } from '../contextValues';
import { formatBytes, formatDate } from '../format';
import { escape, table } from '../markdown';
import { ArchiveNode } from './archiveNode';

/** A vault; its archives are loaded a page at a time ("Load more…"). */
export class VaultNode {
  readonly kind = Kind.Vault;
  readonly parent = undefined;
  private nodes = new Map<number, ArchiveNode>();
  archives: ArchiveNode[] = [];
  total = 0;
  loaded = false;
  /** Set when the archives changed: the next getChildren reloads what was loaded. */
  stale = false;
  private loading: Promise<void> | undefined;

  constructor(public vault: VaultInfo) {}

  get name(): string {
    return this.vault.name;
  }

  get hasMore(): boolean {
    return this.archives.length < this.total;
  }

  /** Reloads the pages loaded so far (at least one). */
  reload(svc: FreezerService, pageSize: number): Promise<void> {
    return this.guard(async () => {
      const limit = Math.max(pageSize, this.archives.length);
      const page = await svc.listArchives(this.name, { offset: 0, limit });
      this.total = page.total;
      this.archives = page.items.map((a) => this.node(a));
      this.loaded = true;
      this.stale = false;
    });
  }

  /** Appends the next page. Concurrent calls share one load. */
  loadMore(svc: FreezerService, pageSize: number): Promise<void> {
    return this.guard(async () => {
      const page = await svc.listArchives(this.name, { offset: this.archives.length, limit: pageSize });
      this.total = page.total;
      const seen = new Set(this.archives.map((n) => n.archive.id));
      this.archives.push(...page.items.filter((a) => !seen.has(a.id)).map((a) => this.node(a)));
      this.loaded = true;
    });
  }

  private async guard(fn: () => Promise<void>): Promise<void> {
    while (this.loading) await this.loading.catch(() => undefined);
    this.loading = fn().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  private node(a: ArchiveInfo): ArchiveNode {
    let n = this.nodes.get(a.id);
    if (n) n.archive = a;
    else this.nodes.set(a.id, (n = new ArchiveNode(a, this)));
    return n;
  }

  findLoaded(archiveId: number): ArchiveNode | undefined {
    return this.archives.find((n) => n.archive.id === archiveId);
  }

  toTreeItem(): vscode.TreeItem {
    const v = this.vault;
    const item = new vscode.TreeItem(v.name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `vault/${v.name}`;
    item.contextValue = vaultContext(v);
    const bucket = v.kind === 'bucket';
    item.iconPath = new vscode.ThemeIcon(bucket ? 'cloud' : 'database');
    const count = Math.max(v.localArchiveCount, v.remoteArchiveCount ?? 0);
    item.description = `${bucket ? `S3 · ${v.storageClass ?? 'DEEP_ARCHIVE'} · ` : ''}${count} archive${count === 1 ? '' : 's'}${v.sizeBytes !== undefined ? ` · ${formatBytes(v.sizeBytes)}` : ''}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**$(${bucket ? 'cloud' : 'database'}) ${escape(v.name)}**\n\n`);
    if (bucket) {
      md.appendMarkdown(table([
        ['Kind', 'S3 bucket store'], ['Bucket', v.bucket], ['Key prefix', v.prefix || '(whole bucket)'], ['Region', v.region],
        ['New archives in', v.storageClass ?? 'DEEP_ARCHIVE'], ['Archives (catalogue)', String(v.localArchiveCount)],
        ['Last listing', v.lastInventory ? formatDate(v.lastInventory) : 'never'],
      ]));
      item.tooltip = md;
      return item;
    }
    const rows: [string, string | undefined][] = [
      ['Region', v.region],
      ['ARN', v.arn],
      ['Created', formatDate(v.createdAt)],
      ['Size (AWS)', v.sizeBytes !== undefined ? formatBytes(v.sizeBytes) : undefined],
      ['Archives (AWS)', v.remoteArchiveCount?.toString()],
      ['Archives (catalogue)', String(v.localArchiveCount)],
      ['Last inventory', v.lastInventory ? formatDate(v.lastInventory) : 'never'],
    ];
    md.appendMarkdown(table(rows));
    md.appendMarkdown('\n\n_AWS updates vault size and count about once a day._');
    item.tooltip = md;
    return item;
  }
}
