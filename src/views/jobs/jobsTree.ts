import * as vscode from 'vscode';
import type { ServiceHost } from '../../platform/serviceHost';
import { readSettings } from '../../platform/settings';
import { LoadMoreNode } from '../loadMoreNode';
import { errorMessage, MessageNode } from '../messageNode';
import { JobNode } from './jobNode';

type JobsTreeNode = JobNode | LoadMoreNode<undefined> | MessageNode;
const PAGE = 50;

/** The Jobs view: retrievals and inventories from the catalogue (kept current by the job watcher). */
export class JobsTree implements vscode.TreeDataProvider<JobsTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<JobsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private shown = PAGE;
  private readonly subs: vscode.Disposable[];

  constructor(private readonly host: ServiceHost) {
    this.subs = [
      this.changed,
      host.onDidChange(() => this.refresh()),
      host.onDidChangeData((kind) => { if (kind === 'jobs') this.refresh(); }),
    ];
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** Asks AWS about pending jobs, then repaints. */
  async refreshFromAws(): Promise<void> {
    await (await this.host.ready()).refreshJobs();
    this.refresh();
  }

  loadMore(): void {
    this.shown += PAGE;
    this.refresh();
  }

  getTreeItem(node: JobsTreeNode): vscode.TreeItem {
    return node.toTreeItem();
  }

  async getChildren(node?: JobsTreeNode): Promise<JobsTreeNode[]> {
    if (node || !this.host.configured) return [];
    try {
      const jobs = await (await this.host.ready()).listJobs();
      // Running first, then newest first.
      jobs.sort((a, b) => Number(b.status === 'InProgress') - Number(a.status === 'InProgress') || b.createdAt.localeCompare(a.createdAt));
      if (!jobs.length) return [new MessageNode('No jobs. Retrieving an archive or requesting an inventory starts one.')];
      const local = readSettings().endpoint === 'local';
      const nodes: JobsTreeNode[] = jobs.slice(0, this.shown).map((j) => new JobNode(j, local));
      if (jobs.length > this.shown) nodes.push(new LoadMoreNode(undefined, this.shown, jobs.length));
      return nodes;
    } catch (e) {
      return [errorMessage('Could not list jobs', e)];
    }
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
