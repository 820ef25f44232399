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
    registerCommand(log, 'freezer.openSettings', (section?: unknown) => { SettingsPanel.show(context, deps, sectionOf({ section }, 'aws')); }),
    registerCommand(log, 'freezer.manageKeys', () => { SettingsPanel.show(context, deps, 'encryption'); }),
    vscode.window.registerWebviewPanelSerializer(BUILDER_VIEW_TYPE, {
      async deserializeWebviewPanel(panel) {
        // The webview restores its own state (getState) and asks for a rescan of its sources.
        new ArchiveBuilderPanel(panel, context, deps, {});
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
