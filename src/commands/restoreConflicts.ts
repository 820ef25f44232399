import path from 'node:path';
import * as vscode from 'vscode';
import type { ExistingChoice, ExistingFile } from '../core/archive/placeFile';
import { CancellationError } from '../core/errors';
import { formatBytes } from '../views/format';

interface ChoiceItem extends vscode.QuickPickItem {
  choice?: ExistingChoice;
  forAll?: boolean;
}

/**
 * Asks what to do with each existing file that differs from the archive's (unchanged files never get
 * here): Replace, Keep Both (the restored copy as "name (restored DATE).ext") or Skip, for this file or
 * for every other one of this restore. Escape cancels the restore.
 */
export function askOnExisting(): (f: ExistingFile) => Promise<ExistingChoice> {
  let forAll: ExistingChoice | undefined;
  return async (f) => {
    if (forAll) return forAll;
    const name = path.basename(f.target);
    const dot = name.lastIndexOf('.');
    const alt = `${dot > 0 ? name.slice(0, dot) : name} (restored ${new Date().toISOString().slice(0, 10)})${dot > 0 ? name.slice(dot) : ''}`;
    const items: ChoiceItem[] = [
      { label: '$(replace-all) Replace', description: 'with the archive\'s copy', choice: 'replace' },
      { label: '$(files) Keep Both', description: `restore it as "${alt}"`, choice: 'keep-both' },
      { label: '$(debug-step-over) Skip', description: 'leave the existing file', choice: 'skip' },
      { label: 'For every other file that differs', kind: vscode.QuickPickItemKind.Separator },
      { label: 'Replace All', choice: 'replace', forAll: true },
      { label: 'Keep Both for All', choice: 'keep-both', forAll: true },
      { label: 'Skip All', choice: 'skip', forAll: true },
    ];
    const existing = f.kind === 'file' ? `${formatBytes(f.size)}, modified ${f.mtime.toLocaleString()}` : `a ${f.kind}`;
    const pick = await vscode.window.showQuickPick(items, {
      title: `"${name}" already exists in ${path.dirname(f.target)}`,
      placeHolder: `It differs from the archive's copy (existing: ${existing}). Replace, keep both, or skip?`,
      ignoreFocusOut: true,
    });
    if (!pick?.choice) throw new CancellationError('Restore cancelled: files restored so far are kept.');
    if (pick.forAll) forAll = pick.choice;
    return pick.choice;
  };
}
