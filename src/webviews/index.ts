import * as vscode from 'vscode';
import { registerCommand } from '../platform/commandRegistry';
import { ArchiveBuilderPanel, type BuilderArgs } from './archiveBuilder/panel';
import { BUILDER_VIEW_TYPE } from './archiveBuilder/protocol';
import type { WebviewDeps } from './shared/deps';
import { SettingsPanel } from './settings/panel';
import { SECTIONS, SETTINGS_VIEW_TYPE, type Section } from './settings/protocol';

export type { WebviewDeps } from './shared/deps';

/**
 * What `freezer.newArchive` was invoked with: a Vaults view item (`{ vault }`), a vault name, or Explorer
 * resources (the clicked Uri and the multi-selection) to preselect.
 */
export function builderArgs(a0: unknown, a1?: unknown): BuilderArgs {
  if (typeof a0 === 'string') return { vault: a0 };
  const uris = (Array.isArray(a1) && a1.length ? a1 : Array.isArray(a0) ? a0 : a0 instanceof vscode.Uri ? [a0] : [])
    .filter((u): u is vscode.Uri => u instanceof vscode.Uri && u.scheme === 'file');
  if (uris.length) return { preselect: uris.map((u) => u.fsPath) };
  if (a0 && typeof a0 === 'object' && 'vault' in a0) {
    const v = (a0 as { vault: unknown }).vault;
    if (typeof v === 'string') return { vault: v };
    if (v && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string') return { vault: (v as { name: string }).name };
  }
  return {};
}

/** The archive id `freezer.showArchive` was invoked with: a Vaults archive item (`{ archive: { id } }`), `{ id }`, or an id. */
export function archiveIdOf(a0: unknown): number | undefined {
  const id = (v: unknown): number | undefined => {
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    return typeof n === 'number' && Number.isSafeInteger(n) && n > 0 ? n : undefined;
  };
  if (a0 && typeof a0 === 'object') {
    const o = a0 as { archive?: { id?: unknown }; id?: unknown };
    return id(o.archive?.id) ?? id(o.id);
  }
  return id(a0);
}

/** Without an archive (the command palette): the user picks one from every vault the catalogue knows. */
async function pickArchive(deps: WebviewDeps): Promise<number | undefined> {
  const svc = await deps.host.ready();
  const items: Array<vscode.QuickPickItem & { id: number }> = [];
  for (const v of await svc.listVaults()) {
    for (const a of (await svc.listArchives(v.name)).items) {
      items.push({ id: a.id, label: a.name, description: v.name, detail: `${a.fileCount} file${a.fileCount === 1 ? '' : 's'} · ${a.state} · ${a.createdAt.slice(0, 10)}` });
    }
  }
  if (!items.length) {
    void vscode.window.showInformationMessage('Freezer: no archive yet. Build one with "Freezer: New Archive…".');
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'Show Archive Contents', placeHolder: 'Archive to show', matchOnDescription: true, matchOnDetail: true });
  return pick?.id;
}

function sectionOf(state: unknown, fallback: Section): Section {
  const s = (state as { section?: unknown } | undefined)?.section;
  return SECTIONS.includes(s as Section) ? (s as Section) : fallback;
}

/**
 * The archive builder and settings panels: their commands and the serializers that bring them back
 * after a reload (with the `onWebviewPanel:*` activation events in package.json).
 */
export function registerWebviews(context: vscode.ExtensionContext, deps: WebviewDeps): void {
  const { log } = deps;
  context.subscriptions.push(
    registerCommand(log, 'freezer.newArchive', (a0?: unknown, a1?: unknown) => { ArchiveBuilderPanel.open(context, deps, builderArgs(a0, a1)); }),
    registerCommand(log, 'freezer.showArchive', async (a0?: unknown) => {
      const archiveId = archiveIdOf(a0) ?? (await pickArchive(deps));
      if (archiveId !== undefined) ArchiveBuilderPanel.open(context, deps, { archiveId });
    }),
    registerCommand(log, 'freezer.openSettings', (section?: unknown) => { SettingsPanel.show(context, deps, sectionOf({ section }, 'aws')); }),
    registerCommand(log, 'freezer.manageKeys', () => { SettingsPanel.show(context, deps, 'encryption'); }),
    vscode.window.registerWebviewPanelSerializer(BUILDER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        // The webview restores its own state (getState) and asks for a rescan of its sources, or for the
        // members of the archive it showed.
        const archiveId = archiveIdOf((state as { archiveId?: unknown } | undefined)?.archiveId);
        new ArchiveBuilderPanel(panel, context, deps, archiveId === undefined ? {} : { archiveId });
      },
    }),
    vscode.window.registerWebviewPanelSerializer(SETTINGS_VIEW_TYPE, {
      async deserializeWebviewPanel(panel, state: unknown) {
        SettingsPanel.revive(panel, context, deps, sectionOf(state, 'aws'));
      },
    }),
    { dispose: () => SettingsPanel.current?.dispose() },
  );
}
