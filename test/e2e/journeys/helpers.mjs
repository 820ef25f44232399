/* global document, window, MutationObserver -- recordRows runs in the page. */
// Helpers for the user-journey tests: the Freezer views' rows, the Explorer's Freeze Folder, context
// menus, quick picks and notifications, as a user meets them in VS Code (code-server) in Chromium.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';

export const sha = (b) => createHash('sha256').update(b).digest('hex');
export const input = (page) => page.locator('.quick-input-widget input[type="text"]');

/** Writes `n` files of `size` random bytes under `dir` (random: compression cannot shrink them). */
export function writeRandomFiles(dir, n, size, prefix = 'f') {
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `${prefix}${String(i).padStart(3, '0')}.bin`), randomBytes(size));
}

/** Shows a view container by its activity-bar name ('Freezer', 'Explorer'). */
export async function showContainer(page, name) {
  const tab = page.locator('.activitybar').getByRole('tab', { name: new RegExp(`^${name}`) }).first();
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
}

/** A row of a Freezer view (by pane title) whose text matches. */
export function viewRow(page, pane, text) {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: pane }) }).locator('.monaco-list-row', { hasText: text });
}

/** Expands a pane of the Freezer container if it is collapsed. */
export async function expandPane(page, pane) {
  const hdr = page.locator('.pane-header', { hasText: pane }).first();
  await hdr.waitFor();
  if ((await hdr.getAttribute('aria-expanded')) !== 'true') await hdr.click();
}

/**
 * Expands a tree row (a vault, a folder) if it is collapsed, and checks that it stays expanded: the
 * extension may reveal and expand the same row at the same moment, and a click then collapses it.
 */
export async function expandRow(row) {
  await row.waitFor();
  const expanded = async () => (await row.getAttribute('aria-expanded')) === 'true';
  for (let i = 0; i < 10; i++) {
    if (await expanded()) {
      await row.page().waitForTimeout(150);
      if (await expanded()) return;
      continue;
    }
    await row.click();
    const end = Date.now() + 1000;
    while (Date.now() < end && !(await expanded())) await row.page().waitForTimeout(50);
  }
  throw new Error('the row did not stay expanded');
}

/**
 * Starts recording every text the rows of a Freezer view show (states that pass quickly, like
 * "building", are seen even if the test looks a moment later). Returns a function that waits until
 * a recorded text matches and returns it.
 */
export async function recordRows(page, pane) {
  const key = `__rows_${pane.replace(/\W/g, '')}`;
  await page.evaluate(({ key, pane }) => {
    const seen = (window[key] = []);
    const grab = () => {
      for (const p of document.querySelectorAll('.pane')) {
        if (!p.querySelector('.pane-header')?.textContent?.includes(pane)) continue;
        for (const r of p.querySelectorAll('.monaco-list-row')) if (seen.at(-1) !== r.textContent) seen.push(r.textContent);
      }
    };
    new MutationObserver(grab).observe(document.body, { subtree: true, childList: true, characterData: true });
    grab();
  }, { key, pane });
  return (re, timeout = 30000) => until(() => page.evaluate(({ key, src, flags }) => window[key].find((t) => new RegExp(src, flags).test(t)), { key, src: re.source, flags: re.flags }), timeout, `a ${pane} row matching ${re}`);
}

/** Right-clicks `row` and picks the context-menu entry whose label starts with `label`. */
export async function contextMenu(page, row, label) {
  await row.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: label }).first();
  await item.waitFor();
  await page.waitForTimeout(250);
  await item.click();
}

/** Picks the quick-pick row that contains `text`. */
export async function pick(page, text) {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor();
  await page.waitForTimeout(200);
  await row.click();
}

/** Explorer → right-click a folder → Freeze Folder → the vault in the quick pick. */
export async function freezeFromExplorer(page, folder, vault) {
  await showContainer(page, 'Explorer');
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: folder }).first();
  await row.waitFor();
  await contextMenu(page, row, 'Freeze Folder');
  await pick(page, vault);
}

/** A notification toast whose text matches. */
export function toast(page, text) {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text });
}

/** Closes every notification toast (so later screenshots and clicks are not covered). */
export async function clearToasts(page) {
  await page.keyboard.press('Escape');
  const n = page.locator('.notifications-toasts .notification-toast');
  for (let i = await n.count(); i > 0; i--) {
    await n.first().hover().catch(() => undefined);
    await n.first().locator('.codicon-notifications-clear, .codicon-close').first().click({ timeout: 1000 }).catch(() => undefined);
  }
}

/** Polls `fn` until it returns a truthy value. */
export async function until(fn, timeout = 30000, what = 'condition') {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Drags the side bar's edge so tree rows show their descriptions in full (for readable screenshots). */
export async function widenSidebar(page, width = 560) {
  const box = await page.locator('.part.sidebar').boundingBox().catch(() => null);
  if (!box) return;
  const x = box.x + box.width + 1;
  const y = box.y + box.height / 2;
  await page.mouse.move(x, y);
  await page.waitForTimeout(200);
  await page.mouse.down();
  await page.mouse.move(x + 20, y, { steps: 2 });
  await page.mouse.move(box.x + width, y, { steps: 5 });
  await page.mouse.up();
}

/** Runs `fn`; on failure saves a screenshot `FAIL-<name>` of the workbench first (what the user saw). */
export async function withFailureShot(getWb, name, fn) {
  try {
    await fn();
  } catch (e) {
    await getWb()?.shot(`FAIL-${name}`).catch(() => undefined);
    throw e;
  }
}

/**
 * Waits for a notification whose text matches and returns its text: as a toast, or (toasts hide
 * themselves after a while) in the notification center.
 */
export async function notification(page, re, timeout = 30000) {
  const t = toast(page, re).first();
  if (await t.waitFor({ timeout }).then(() => true, () => false)) return t.textContent();
  await page.keyboard.press('Escape');
  await page.locator('.statusbar-item', { has: page.locator('.codicon-bell, .codicon-bell-dot, .codicon-bell-slash') }).first().click();
  const item = page.locator('.notifications-center .notification-list-item', { hasText: re }).first();
  const found = await item.waitFor({ timeout: 3000 }).then(() => item.textContent(), () => undefined);
  const all = await page.locator('.notifications-center').textContent().catch(() => '');
  await page.keyboard.press('Escape');
  if (!found) throw new Error(`no notification matching ${re}; the notification center shows: ${all}`);
  return found;
}

/** Answers VS Code's simple folder dialog with a path and its accept button, when another prompt follows. */
export async function chooseFolder(page, p, okLabel) {
  const field = input(page);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300);
  await field.fill(p);
  await page.waitForTimeout(800);
  await page.locator('.quick-input-widget').getByRole('button', { name: okLabel }).first().click();
}
