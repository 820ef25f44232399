import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FreezerApi } from '../../src/extension';

export const EXT_ID = 'freezer.freezer';

export async function freezerApi(): Promise<FreezerApi> {
  const ext = vscode.extensions.getExtension<FreezerApi>(EXT_ID);
  assert.ok(ext, `extension ${EXT_ID} not found`);
  return ext.activate();
}

/** Polls `fn` until it returns a truthy value or the time is up. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30000, everyMs = 25): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The regexes package.json menus use on `viewItem`, by command, for one view. */
export function menuRegexes(view: string): Map<string, RegExp[]> {
  const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON;
  const out = new Map<string, RegExp[]>();
  for (const m of pkg.contributes.menus['view/item/context'] as { command: string; when: string }[]) {
    if (!m.when.includes(`view == ${view}`)) continue;
    const r = /viewItem =~ \/(.*)\//.exec(m.when);
    if (r) out.set(m.command, [...(out.get(m.command) ?? []), new RegExp(r[1])]);
  }
  return out;
}

/** Commands whose menu entries would show for an item with this contextValue. */
export function menuCommandsFor(view: string, contextValue: string): string[] {
  return [...menuRegexes(view)].filter(([, rs]) => rs.some((r) => r.test(contextValue))).map(([c]) => c).sort();
}

/** Runs a command as the palette would. */
export const run = (id: string, ...args: unknown[]) => Promise.resolve(vscode.commands.executeCommand<any>(id, ...args));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Answers the open quick pick like a user: `down` times the arrow key, then Enter, until `done` settles. */
export async function answer<T>(done: Promise<T>, down: number): Promise<T> {
  let settled = false;
  void done.finally(() => { settled = true; });
  while (!settled) {
    await sleep(400);
    if (settled) break;
    for (let i = 0; i < down; i++) await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
  return done;
}
