import { LoadMoreNode } from '../views/loadMoreNode';
import { VaultNode } from '../views/vaults/vaultNode';
import type { FreezerCommand } from './deps';

/** The "Load more…" item of a paged list (a vault's archives, the jobs). */
export const loadMore: FreezerCommand = {
  id: 'freezer.loadMore',
  async run(deps, node?: unknown): Promise<void> {
    if (node instanceof LoadMoreNode && node.parent instanceof VaultNode) await deps.vaults.loadMore(node as LoadMoreNode<VaultNode>);
    else if (node instanceof VaultNode) await deps.vaults.loadMore(node);
    else deps.jobs.loadMore();
  },
};
