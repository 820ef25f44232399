import * as vscode from 'vscode';
import { normalizeCataloguePath } from '../core/catalogue/cataloguePath';
import { CancellationError, FreezerError } from '../core/errors';
import type { FreezerService } from '../core/service/service';
import type { FrozenEntry } from '../core/service/types';
import { ROOT } from '../views/files/frozenFilesTree';

/** Search results shown at most: enough to spot the file, few enough to stay quick on a big catalogue. */
export const SEARCH_LIMIT = 50;
const RECENT_ROOTS = 5;

type Step = 'folder' | 'file' | 'up' | 'this' | 'all';
type Item = vscode.QuickPickItem & { path?: string; step?: Step };

const folderItem = (e: FrozenEntry & { kind: 'folder' }, description?: string): Item =>
  ({ label: `$(folder) ${e.name}`, description: description ?? `${e.fileCount} file${e.fileCount === 1 ? '' : 's'}`, path: e.path, step: 'folder' });
const fileItem = (e: FrozenEntry & { kind: 'file' }, description?: string): Item =>
  ({ label: `$(file) ${e.name}`, description: description ?? `${e.versionCount} version${e.versionCount === 1 ? '' : 's'}`, path: e.path, step: 'file' });
const parentOf = (p: string): string => p.replace(/\/[^/]*\/?$/, '') || ROOT;

/**
 * A frozen file (or folder) chosen in one QuickPick: it opens on the workspace folders and the folders
 * most recently frozen; typing searches every catalogued path (bounded); a folder opens in place.
 */
export async function pickFrozenPath(svc: FreezerService, want: 'file' | 'folder'): Promise<string> {
  const start = await startItems(svc);
  if (!start.length) throw new FreezerError('NothingFrozen', 'Nothing is frozen yet.');
  const qp = vscode.window.createQuickPick<Item>();
  const startHint = want === 'file' ? 'Type to search all frozen files, or open a folder' : 'Open a frozen folder';
  let folder: string | undefined; // undefined: the start page
  let query = 0;
  const showStart = () => {
    folder = undefined;
    qp.title = want === 'file' ? 'Restore File Version' : 'Restore Frozen Folder';
    qp.placeholder = startHint;
    qp.items = start;
  };
  const open = async (f: string) => {
    qp.busy = true;
    const entries = await svc.listFrozen(f);
    folder = f;
    qp.value = '';
    qp.title = f;
    qp.placeholder = want === 'file' ? 'Choose a frozen file (typing filters this folder)' : 'Choose a frozen folder';
    const items: Item[] = [{ label: '$(arrow-up) ..', step: 'up' }];
    if (want === 'folder' && f !== ROOT) items.push({ label: `$(check) Restore ${f}`, step: 'this', path: f });
    for (const e of entries) {
      if (e.kind === 'folder') items.push(folderItem(e));
      else if (want === 'file') items.push(fileItem(e));
    }
    qp.items = items;
    qp.busy = false;
  };
  // On the start page the typed text searches the catalogue; inside a folder it filters that folder.
  qp.onDidChangeValue(async (text) => {
    if (folder !== undefined || want !== 'file') return;
    const mine = ++query;
    if (text.trim().length < 2) {
      qp.items = start;
      return;
    }
    qp.busy = true;
    let hits: FrozenEntry[];
    try {
      hits = await svc.searchFrozen(text, SEARCH_LIMIT);
    } catch (e) {
      if (mine === query) showError(e);
      return;
    }
    if (mine !== query || folder !== undefined) return;
    qp.busy = false;
    // alwaysShow: the catalogue matched the words anywhere in the path, the box's own filter must not hide them.
    qp.items = hits.length
      ? [
        { label: hits.length >= SEARCH_LIMIT ? `First ${SEARCH_LIMIT} frozen files matching` : 'Frozen files matching', kind: vscode.QuickPickItemKind.Separator, alwaysShow: true },
        ...hits.map((e) => ({ ...fileItem(e as FrozenEntry & { kind: 'file' }, parentOf(e.path)), alwaysShow: true })),
      ]
      : [{ label: `No frozen file path holds "${text.trim()}"`, alwaysShow: true }];
  });
  // A catalogue that cannot be read says so in the picker instead of showing nothing.
  function showError(e: unknown): void {
    qp.busy = false;
    qp.items = [{ label: `$(error) ${e instanceof Error ? e.message : String(e)}`, alwaysShow: true }];
  }
  const go = (f: string) => { open(f).catch(showError); };
  showStart();
  try {
    return await new Promise<string>((resolve, reject) => {
      qp.onDidAccept(() => {
        const pick = qp.selectedItems[0] ?? qp.activeItems[0];
        if (!pick?.step) return;
        if (pick.step === 'file' || pick.step === 'this') resolve(pick.path as string);
        else if (pick.step === 'all') go(ROOT);
        else if (pick.step === 'folder') go(pick.path as string);
        else if (folder === ROOT) showStart();
        else go(parentOf(folder ?? ROOT));
      });
      qp.onDidHide(() => reject(new CancellationError()));
      qp.show();
    });
  } finally {
    qp.dispose();
  }
}

/** The workspace folders that hold frozen files, the folders most recently frozen, and the whole hierarchy. */
async function startItems(svc: FreezerService): Promise<Item[]> {
  const [roots, top] = await Promise.all([svc.recentFrozenRoots(RECENT_ROOTS), svc.listFrozen(ROOT)]);
  if (!top.length) return [];
  const items: Item[] = [];
  const ws: Item[] = [];
  for (const w of vscode.workspace.workspaceFolders ?? []) {
    const p = normalizeCataloguePath(w.uri.fsPath);
    const inside = await svc.listFrozen(p);
    const parent = await svc.listFrozen(parentOf(p));
    const self = parent.find((e) => e.path === p && e.kind === 'folder');
    if (inside.length && self?.kind === 'folder') ws.push(folderItem({ ...self, name: w.name }, `workspace · ${self.fileCount} file${self.fileCount === 1 ? '' : 's'}`));
  }
  if (ws.length) items.push({ label: 'Workspace', kind: vscode.QuickPickItemKind.Separator }, ...ws);
  const recent = roots.filter((r) => !ws.some((w) => w.path === r.path));
  if (recent.length) {
    items.push({ label: 'Recently frozen', kind: vscode.QuickPickItemKind.Separator });
    for (const r of recent) if (r.kind === 'folder') items.push(folderItem(r, r.path));
  }
  items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: '$(root-folder) All frozen files', description: 'from the top', step: 'all' });
  return items;
}
