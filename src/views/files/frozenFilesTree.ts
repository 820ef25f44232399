import * as vscode from 'vscode';
import type { FrozenEntry } from '../../core/service/types';
import type { ServiceHost } from '../../platform/serviceHost';
import { errorMessage, MessageNode } from '../messageNode';
import { FileVersionNode, FrozenFileNode, FrozenFolderNode } from './frozenNodes';

export type FrozenTreeNode = FrozenFolderNode | FrozenFileNode | FileVersionNode | MessageNode;

/** Root of the hierarchy as the catalogue stores paths ("/" on POSIX; drives below it on Windows). */
export const ROOT = '/';

/** The Frozen Files view: every catalogued file by original path, one folder level at a time. */
export class FrozenFilesTree implements vscode.TreeDataProvider<FrozenTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FrozenTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly host: ServiceHost) {
    this.subs = [
      this.changed,
      host.onDidChange(() => this.refresh()),
      host.onDidChangeData((kind) => { if (kind === 'files' || kind === 'archives') this.refresh(); }),
    ];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  getTreeItem(node: FrozenTreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  getParent(node: FrozenTreeNode): FrozenTreeNode | undefined {
    return node.parent as FrozenTreeNode | undefined;
  }

  async getChildren(node?: FrozenTreeNode): Promise<FrozenTreeNode[]> {
    if (!this.host.configured) return [];
    try {
      const svc = await this.host.ready();
      if (node instanceof FrozenFileNode) {
        const versions = await svc.listVersions(node.path);
        versions.sort((a, b) => b.frozenAt.localeCompare(a.frozenAt));
        return versions.map((v) => new FileVersionNode(v, node));
      }
      if (node && !(node instanceof FrozenFolderNode)) return [];
      const parent = node instanceof FrozenFolderNode ? node : undefined;
      const entries = await svc.listFrozen(parent?.path ?? ROOT);
      // Skip the chain of single-folder levels at the top (/home/user/…) so the view opens where files are.
      if (!parent && entries.length === 1 && entries[0].kind === 'folder') {
        return this.collapseSingleFolders(entries[0]);
      }
      return entries.map((e) => (e.kind === 'folder' ? new FrozenFolderNode(e, parent) : new FrozenFileNode(e, parent)));
    } catch (e) {
      return [errorMessage('Could not list frozen files', e, node)];
    }
  }

  private async collapseSingleFolders(entry: Extract<FrozenEntry, { kind: 'folder' }>): Promise<FrozenTreeNode[]> {
    const svc = await this.host.ready();
    let top = entry;
    for (;;) {
      const below = await svc.listFrozen(top.path);
      if (below.length !== 1 || below[0].kind !== 'folder') break;
      top = below[0];
    }
    return [new FrozenFolderNode({ ...top, name: top.path }, undefined)];
  }

  /** Nodes of every version of the file at `path`, for pickers and tests. */
  async versionsOf(path: string): Promise<FileVersionNode[]> {
    const name = path.split(/[\\/]/).pop() ?? path;
    const file = new FrozenFileNode({ kind: 'file', path, name, versionCount: 0 }, undefined);
    const nodes = await this.getChildren(file);
    const failed = nodes.find((n) => n instanceof MessageNode);
    if (failed) throw new Error(failed.text);
    return nodes.filter((n): n is FileVersionNode => n instanceof FileVersionNode);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
