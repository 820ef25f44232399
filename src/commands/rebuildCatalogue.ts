import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import type { CatalogueRebuild } from '../core/service/catalogueRebuild';
import type { Tier } from '../core/service/types';
import type { FreezerCommand } from './deps';

const TIERS: readonly { tier: Tier; detail: string }[] = [
  { tier: 'Standard', detail: 'The snapshot is back in 3–5 hours (after the inventory, about 4 hours).' },
  { tier: 'Expedited', detail: 'The snapshot is back in 1–5 minutes after the inventory; may be refused without provisioned capacity.' },
  { tier: 'Bulk', detail: 'The snapshot is back in 5–12 hours after the inventory.' },
];

/**
 * Rebuilds the catalogue from the vaults (docs/RECOVERY.md §D): one inventory, then one retrieval of the
 * newest catalogue snapshot per vault. Arguments (tests, the "catalogue was recreated" warning): an
 * options object `{ stores?, tier? }`; without one it asks for the tier and rebuilds every vault.
 */
export const rebuildCatalogue: FreezerCommand = {
  id: 'freezer.rebuildCatalogue',
  async run(deps, arg?: unknown): Promise<CatalogueRebuild[]> {
    const svc = await deps.host.ready();
    const given = arg && typeof arg === 'object' && !Array.isArray(arg) ? (arg as { stores?: string[]; tier?: Tier }) : undefined;
    let tier = given?.tier;
    if (!tier) {
      const pick = await vscode.window.showQuickPick(TIERS.map((t) => ({ label: t.tier, detail: t.detail, tier: t.tier })), {
        placeHolder: 'Rebuild the catalogue from every vault: an inventory, then one retrieval of its newest catalogue snapshot. Tier of that retrieval?',
      });
      if (!pick) throw new CancellationError();
      tier = pick.tier;
    }
    const states = await svc.rebuildCatalogue({ ...(given?.stores ? { stores: given.stores } : {}), tier });
    deps.jobs.refresh();
    const waiting = states.filter((s) => s.phase === 'inventory' || s.phase === 'snapshot').length;
    const text = !states.length ? 'There is no vault to rebuild the catalogue from.'
      : waiting ? `Rebuilding the catalogue of ${states.length === 1 ? `vault ${states[0].store}` : `${states.length} vaults`}: ${states.length === 1 ? states[0].message : 'waiting for their inventories'}. The Jobs view shows its jobs; it goes on when VS Code restarts, or in the daemon while VS Code is closed.`
        : `Catalogue rebuild: ${states.map((s) => `${s.store}: ${s.message}`).join('; ')}.`;
    deps.log.info(text);
    void vscode.window.showInformationMessage(text);
    return states;
  },
};
