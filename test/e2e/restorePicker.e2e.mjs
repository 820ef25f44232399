// The palette's Restore File Version… in a real VS Code (code-server) and Chromium: it opens on the
// workspace folder and the folder most recently frozen (not the filesystem root); typing searches every
// catalogued path, so a file five folders down is one search away; a folder opens in place.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings, createVault, runCommand } from './webviews/helpers.mjs';
import { clearToasts, expandRow, freezeFromExplorer, input, showContainer, toast, viewRow, withFailureShot } from './journeys/helpers.mjs';

let wb;
let page;
const rows = () => page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
const row = (text) => rows().filter({ hasText: text }).first();

before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern', { 'freezer.endpoint': '' }),
    prepareWorkspace: (ws) => {
      fs.mkdirSync(path.join(ws, 'docs/2024/q1/team/minutes'), { recursive: true });
      fs.writeFileSync(path.join(ws, 'docs/2024/q1/team/minutes/report.txt'), 'the quarterly report\n');
      fs.writeFileSync(path.join(ws, 'docs/other.txt'), 'another file\n');
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('Restore File Version starts at the workspace and recent roots, and finds a deep file by search', () => withFailureShot(() => wb, 'restore-picker', async () => {
  await showContainer(page, 'Freezer');
  await page.getByRole('button', { name: /Use the Local Endpoint/ }).first().click();
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await createVault(page, 'picker-vault');
  await freezeFromExplorer(page, 'docs', 'picker-vault');
  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Stores', 'picker-vault').first());
  await viewRow(page, 'Stores', /liquid · /).first().waitFor({ timeout: 60000 });
  await clearToasts(page);

  await runCommand(page, 'Freezer: Restore File Version…');
  await row(/workspace · \d+ files?/).waitFor();
  const docs = path.join(wb.workspace, 'docs');
  await row(docs).waitFor();
  const start = (await rows().allTextContents()).map((t) => t.trim());
  // Walking from / began with the first folder of every path ("tmp" here), five clicks from the file.
  assert.ok(!start.some((t) => /^tmp\b/.test(t)), `starts at the workspace and recent roots, not at /:\n${start.join('\n')}`);
  await wb.shot('picker-start');

  // Two words: a folder on the way and the file's name.
  await input(page).fill('minutes report');
  const hit = row('report.txt');
  await hit.waitFor();
  assert.match(await hit.textContent(), /docs\/2024\/q1\/team\/minutes/, 'the hit shows where it lives');
  await wb.shot('picker-search');
  await hit.click();
  const target = path.join(wb.scratch, 'picked');
  fs.mkdirSync(target);
  await answerFileDialog(page, target, /Restore/);
  await toast(page, /Restored 1 file into/).first().waitFor({ timeout: 30000 });
  assert.equal(fs.readFileSync(path.join(target, 'report.txt'), 'utf8'), 'the quarterly report\n');
  await clearToasts(page);

  // A recent root opens in place: its files are one click away.
  await runCommand(page, 'Freezer: Restore File Version…');
  await row(docs).click();
  await row('other.txt').click();
  const second = path.join(wb.scratch, 'picked-2');
  fs.mkdirSync(second);
  await answerFileDialog(page, second, /Restore/);
  await toast(page, /Restored 1 file into/).first().waitFor({ timeout: 30000 });
  assert.equal(fs.readFileSync(path.join(second, 'other.txt'), 'utf8'), 'another file\n');
}));
