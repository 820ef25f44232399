// The archive builder's read-only view of an existing archive: "Freezer: Show Archive Contents" (command
// palette and the Vaults view's archive context menu) lists the archive's files with every field disabled
// and no toolbar action; a file unselected by hand before the freeze stays a manual exclusion afterwards.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings, createVault, fill, openFreezer, reloadWindow, runCommand, waitReady, webview } from './webviews/helpers.mjs';

const FILES = {
  'album/a.jpg': 'first photo',
  'album/b.jpg': 'second photo, a little longer',
  'album/deep/c.txt': 'caption',
};

let wb;
let frame;
before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Light Modern'),
    prepareWorkspace: (dir) => {
      for (const [rel, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
    },
  });
  await openFreezer(wb.page);
  await createVault(wb.page, 'ro-vault');
  await wb.page.locator('.pane-body .monaco-list-row', { hasText: 'ro-vault' }).first().waitFor();
});
after(async () => { await wb?.close(); });

const rowTitles = () => frame.locator('.vrow:not([hidden])').evaluateAll((els) => els.map((e) => e.getAttribute('title')));

const row = (name) => frame.locator(`.vrow:not([hidden])[title$="/${name}"]`);
/** What the archive holds: c.txt is unselected by hand before the freeze (a manual exclusion). */
const FROZEN = ['album/a.jpg', 'album/b.jpg'];

test('a small folder is frozen with the builder, one file unselected by hand', async () => {
  const { page } = wb;
  await runCommand(page, 'Freezer: New Archive…');
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('#addFolders').click();
  await answerFileDialog(page, path.join(wb.workspace, 'album'), 'Add Folders');
  await frame.locator('#summary', { hasText: /^3 of 3 files selected/ }).waitFor({ timeout: 15000 });
  await row('c.txt').locator('.c-check').click();
  await frame.locator('#summary', { hasText: /^2 of 3 files selected/ }).waitFor();
  await fill(frame, 'name', 'ro album');
  await frame.locator('#apply').click();
  await page.locator('.notification-toast', { hasText: /"ro album" is in vault ro-vault \(2 files/ }).waitFor({ timeout: 60000 });
  await page.locator('.tab', { hasText: 'New Archive' }).waitFor({ state: 'detached' });
});

test('Show Archive Contents lists the archive files read-only: fields disabled, no toolbar, no selection', async () => {
  const { page } = wb;
  await runCommand(page, 'Freezer: Show Archive Contents');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'ro album' }).first().click();
  await page.locator('.tab.active', { hasText: 'Archive: ro album' }).waitFor();
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('body[data-readonly="true"]').waitFor();
  await frame.locator('#summary', { hasText: /^2 files · / }).waitFor();
  const album = path.join(wb.workspace, 'album');
  assert.deepEqual((await rowTitles()).sort(), FROZEN.map((f) => path.join(wb.workspace, f)).sort());
  assert.match(await frame.locator(`.vrow[title="${path.join(album, 'b.jpg')}"]`).textContent(), /b\.jpg/);

  for (const id of ['name', 'vault', 'compression', 'key']) {
    assert.equal(await frame.locator(`#${id}`).evaluate((el) => el.disabled === true), true, `#${id} is disabled`);
  }
  assert.equal(await frame.locator('#name').evaluate((el) => el.value), 'ro album');
  assert.equal(await frame.locator('#vault').evaluate((el) => el.value), 'ro-vault');
  assert.match(await frame.locator('#key').textContent(), /None \(not encrypted\)/);
  assert.match(await frame.locator('#description').textContent(), /ro%20album|ro album/);
  for (const id of ['toolbar', 'apply', 'addFiles', 'regexSection', 'chooseOutput']) {
    assert.equal(await frame.locator(`#${id}`).isVisible(), false, `#${id} is hidden`);
  }

  // Clicking and double-clicking a file changes nothing: there is no selection here.
  const first = frame.locator('.vrow:not([hidden])').first();
  await first.locator('.c-path').dblclick();
  // The box column is empty here (no selection): click it where it sits all the same.
  await first.locator('.c-check').dispatchEvent('click');
  assert.equal(await first.locator('.c-check').textContent(), '');
  await frame.locator('#summary', { hasText: /^2 files · / }).waitFor();
  await wb.shot('webviews-readonly-light');
});

test('the Vaults view archive context menu opens the same view', async () => {
  const { page } = wb;
  await runCommand(page, 'View: Close Editor');
  await page.locator('.tab', { hasText: 'Archive: ro album' }).waitFor({ state: 'detached' });
  const vault = page.locator('.pane-body .monaco-list-row', { hasText: 'ro-vault' }).first();
  const archive = page.locator('.pane-body .monaco-list-row', { hasText: 'ro album' }).first();
  if (!(await archive.isVisible())) await vault.locator('.monaco-tl-twistie').click();
  await archive.click({ button: 'right' });
  const item = page.locator('.context-view .action-label', { hasText: 'Show Archive Contents' }).first();
  await item.waitFor();
  // Let the menu finish opening, or the click lands before it takes input.
  await page.waitForTimeout(250);
  await item.click();
  try {
    await page.locator('.tab.active', { hasText: 'Archive: ro album' }).waitFor({ timeout: 15000 });
  } catch (e) {
    await wb.shot('webviews-readonly-failed-context-menu');
    throw e;
  }
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('#summary', { hasText: /^2 files · / }).waitFor();
  assert.equal(await frame.locator('#compression').evaluate((el) => el.disabled === true), true);
});

test('a window reload brings the read-only view back on the same archive', async () => {
  const { page } = wb;
  await reloadWindow(page);
  await page.locator('.tab.active', { hasText: 'Archive: ro album' }).waitFor();
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('body[data-readonly="true"]').waitFor();
  await frame.locator('#summary', { hasText: /^2 files · / }).waitFor();
  assert.equal(await frame.locator('#toolbar').isVisible(), false);
});

test('the file unselected by hand is remembered: a new archive of the folder lists it as a manual exclusion', async () => {
  const { page } = wb;
  await runCommand(page, 'Freezer: New Archive…');
  await page.locator('.tab.active', { hasText: 'New Archive' }).waitFor();
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('#addFolders').click();
  await answerFileDialog(page, path.join(wb.workspace, 'album'), 'Add Folders');
  await frame.locator('#summary', { hasText: /^2 of 3 files selected/ }).waitFor({ timeout: 15000 });
  assert.match(await row('c.txt').locator('.c-why').textContent(), /manual/);
  assert.equal(await row('c.txt').getAttribute('aria-selected'), 'false');
  // Turning the manual-exclusions filter off selects it again.
  await frame.locator('#fManual').click();
  await frame.locator('#summary', { hasText: /^3 of 3 files selected/ }).waitFor();
});
