// Helpers for the panel end-to-end tests: reaching into webview iframes, VS Code's simple file dialog,
// user settings and theme switching.
import fs from 'node:fs';
import path from 'node:path';

/** The content frame of the visible webview (webviews nest: the host iframe, then #active-frame). */
export function webview(page) {
  return page.frameLocator('iframe.webview.ready >> visible=true').frameLocator('#active-frame');
}

/** Waits until the panel's script has done its handshake and filled the page. */
export async function waitReady(frame) {
  await frame.locator('body[data-ready="true"]').waitFor({ timeout: 30000 });
}

export function settingsFile(wb) {
  return path.join(wb.cs.dirs.userData, 'User', 'settings.json');
}

export function readUserSettings(wb) {
  return JSON.parse(fs.readFileSync(settingsFile(wb), 'utf8'));
}

/** Waits until VS Code has written user settings that satisfy `ok` (it rewrites the file as it saves). */
export async function waitUserSettings(wb, ok, timeout = 10000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = readUserSettings(wb);
      if (ok(last)) return last;
    } catch { /* mid-write */ }
    if (Date.now() > deadline) throw new Error(`user settings did not reach the expected values: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Changes user settings the way a user editing settings.json would (VS Code picks the change up). */
export async function setUserSettings(wb, patch) {
  fs.writeFileSync(settingsFile(wb), JSON.stringify({ ...readUserSettings(wb), ...patch }, null, 2));
}

/** Switches the color theme and waits for the workbench to repaint in it. */
export async function setTheme(wb, theme) {
  const { page } = wb;
  await runCommand(page, 'Preferences: Color Theme');
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor();
  await page.waitForTimeout(300);
  // The picker labels 'Default Light Modern' as 'Light Modern' in recent versions.
  const label = theme.replace(/^Default /, '');
  await input.fill(label);
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^(Default )?${label}`) }).first().click();
  const cls = /Light/.test(theme) ? 'vs' : 'vs-dark';
  await wb.page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: 15000 });
  await wb.page.waitForTimeout(600);
}

/**
 * Answers VS Code's simple file dialog (the one remote and web windows use) with a path. `next`: a
 * locator of what the command shows next in the same quick input (instead of waiting for it to close).
 */
export async function answerFileDialog(page, p, okLabel, next) {
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor();
  // Let the dialog list its starting folder first, or it overwrites what we type.
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first().waitFor();
  await page.waitForTimeout(300);
  await input.fill(p);
  await page.waitForTimeout(800);
  if (!okLabel) {
    // A save dialog: Enter on a file name accepts it.
    await input.press('Enter');
    await input.waitFor({ state: 'hidden' });
    return;
  }
  // The dialog's accept button carries the caller's label (openLabel); Enter would open a folder.
  const ok = page.locator('.quick-input-widget').getByRole('button', { name: okLabel });
  if (process.env.E2E_DEBUG) console.log('ok buttons', await ok.count());
  await ok.first().click();
  if (next) {
    try {
      await next.waitFor({ timeout: 5000 });
    } catch {
      // The first accept can land while the dialog is still listing the folder: type and accept again.
      await input.fill(p);
      await page.waitForTimeout(800);
      await ok.first().click();
      await next.waitFor();
    }
    return;
  }
  try {
    await input.waitFor({ state: 'hidden', timeout: 5000 });
  } catch {
    await input.fill(p);
    await page.waitForTimeout(800);
    await ok.first().click();
    await input.waitFor({ state: 'hidden' });
  }
}

/** Runs a command from the palette by its full title. */
export async function runCommand(page, title) {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input[type="text"]');
  await input.waitFor();
  await input.fill(`>${title}`);
  // Click the row that starts with the title: Enter would run whichever command fuzzy matching put first.
  const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await page.locator('.quick-input-list .monaco-list-row').filter({ hasText: new RegExp(`^${escaped}`) }).first().click();
}

/** Creates a vault through the Create Vault command's input box. */
export async function createVault(page, name) {
  const input = page.locator('.quick-input-widget input[type="text"]');
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Freezer: Create Vault…');
    // The input box replaces the palette; a focus change (e.g. a webview loading) can close it: try again.
    try {
      await page.locator('.quick-input-widget', { hasText: 'Create Vault' }).waitFor({ timeout: 5000 });
      await page.waitForTimeout(200);
      await input.fill(name, { timeout: 5000 });
      await input.press('Enter', { timeout: 5000 });
      await input.waitFor({ state: 'hidden', timeout: 5000 });
      break;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press('Escape');
    }
  }
  // The box closes before Glacier answers (slower through a faulty endpoint); like a user, wait to see the vault.
  await page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Stores' }) })
    .locator('.monaco-list-row', { hasText: name }).first().waitFor({ timeout: 60000 });
}

/** Opens the Freezer view container (which activates the extension) and waits for the Vaults view. */
export async function openFreezer(page) {
  await page.locator('.activitybar').getByRole('tab', { name: 'Freezer' }).click();
  await page.locator('.pane-header', { hasText: 'Stores' }).first().waitFor();
  // Connected once the view shows its empty-state welcome or a vault (the service has started).
  await page.locator('.pane-body', { hasText: /No stores yet|archives? ·/ }).first().waitFor({ timeout: 30000 });
}

/** Types into a VS Code Elements text field or text area (their input lives in an open shadow root). */
export async function fill(frame, id, value) {
  const inner = frame.locator(`#${id} input, #${id} textarea`).first();
  await inner.fill(value);
}

/** Base settings for the panel tests: the local endpoint, no secondary side bar, a given theme. */
export function baseSettings(theme, extra = {}) {
  return {
    'freezer.endpoint': 'local',
    'workbench.colorTheme': theme,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.auxiliaryBar.visible': false,
    // Tests freeze unencrypted unless they create a key; test/e2e/safeDefaults.e2e.mjs covers the prompt.
    'freezer.allowUnencrypted': true,
    ...extra,
  };
}

/** Reloads the window the way a user does (Developer: Reload Window), so VS Code saves its state first. */
export async function reloadWindow(page) {
  await runCommand(page, 'Developer: Reload Window');
  await page.waitForEvent('load', { timeout: 30000 }).catch(() => undefined);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.activitybar').waitFor();
}

/** Brings an editor tab to the front, clicking again if the first click landed while the editor was busy. */
export async function activateTab(page, title) {
  const active = page.locator('.tab.active', { hasText: title });
  for (let i = 0; i < 5; i++) {
    await page.locator('.tab', { hasText: title }).first().click();
    try {
      await active.waitFor({ timeout: 3000 });
      return;
    } catch { /* try again */ }
  }
  await active.waitFor();
}
