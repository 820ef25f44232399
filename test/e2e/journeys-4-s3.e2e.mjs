// User journey 6 in a real VS Code (code-server) and Chromium: a new AWS account's way, on the local
// endpoint's S3: Create Bucket (name rules checked as typed), Freeze Folder into it in Deep Archive,
// disconnect, then restore one file version: the restore planner's estimate is shown before
// anything is requested (no Expedited for Deep Archive), and the file comes back byte for byte.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { baseSettings } from './webviews/helpers.mjs';
import {
  chooseFolder, clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, input, pick, sha, showContainer, toast, until, viewRow, widenSidebar,
  withFailureShot, writeRandomFiles,
} from './journeys/helpers.mjs';

const note = randomBytes(300 * 1024);
const STORE = 's3://journey-photos/laptop';
let wb;
let page;
const shot = (n) => wb.shot(`journey-s3-${n}`);

before(async () => {
  wb = await openWorkbench({
    // Restores take a few seconds, so `melting` is visible and the S3 event completes them.
    settings: baseSettings('Default Dark Modern', { 'freezer.threads': 2 }),
    env: { FREEZER_LOCAL_JOB_DELAYS: 'Standard=3000,Bulk=3000' },
    prepareWorkspace: (ws) => {
      writeRandomFiles(path.join(ws, 'photos'), 12, 512 * 1024, 'img');
      fs.writeFileSync(path.join(ws, 'photos/a-note.bin'), note);
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('journey 6: Create Bucket checks the name, freezes into Deep Archive; one file restores after the planner\'s estimate', () => withFailureShot(() => wb, 'journey-s3', async () => {
  await showContainer(page, 'Freezer');
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await widenSidebar(page);
  await shot('1-no-stores');
  await page.getByRole('button', { name: 'Create Bucket' }).first().click();
  await input(page).waitFor();
  // A name S3 would refuse is refused as it is typed, with the rule.
  await input(page).fill('Journey_Photos');
  await page.locator('.quick-input-widget', { hasText: /cannot be an S3 bucket name: it has capital letters/ }).waitFor();
  await input(page).fill('journey-photos/laptop');
  await page.keyboard.press('Enter');
  await pick(page, 'DEEP_ARCHIVE');
  const store = viewRow(page, 'Stores', STORE).first();
  await store.waitFor({ timeout: 30000 });
  assert.match(await store.textContent(), /S3 · DEEP_ARCHIVE/);
  await clearToasts(page);

  await freezeFromExplorer(page, 'photos', STORE);
  await pick(page, 'DEEP_ARCHIVE');
  // Without a key yet (and unencrypted not allowed by the settings), Freezer asks first.
  if (await page.getByText('Freezer has no encryption key yet').first().waitFor({ timeout: 3000 }).then(() => true, () => false)) {
    await page.getByRole('button', { name: 'Create Key Now' }).click();
  }
  await toast(page, /Froze photos into/).first().waitFor({ timeout: 90000 });
  await clearToasts(page);
  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Stores', STORE).first());
  const liquid = viewRow(page, 'Stores', /^photos.*liquid/).first();
  await liquid.waitFor({ timeout: 30000 });
  // The store row's tooltip (the mouse rests there after expanding it) would take the right-click.
  await page.mouse.move(900, 700);
  await page.locator('.monaco-hover').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
  await contextMenu(page, liquid, 'Disconnect Archive');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  const frozen = viewRow(page, 'Stores', /^photos.*frozen/).first();
  await frozen.waitFor({ timeout: 30000 });
  await shot('2-frozen-in-bucket');

  await expandPane(page, 'Frozen Files');
  await expandRow(viewRow(page, 'Frozen Files', /^photos/).first());
  const file = viewRow(page, 'Frozen Files', /^a-note\.bin/).first();
  await expandRow(file);
  const version = viewRow(page, 'Frozen Files', /frozen/).first();
  await version.waitFor();
  const target = path.join(wb.scratch, 'restored');
  fs.mkdirSync(target);
  await contextMenu(page, version, 'Restore File Version');
  await chooseFolder(page, target, 'Restore Here');

  // The planner, before anything is requested: what is restored and downloaded, per tier, dated.
  const qp = page.locator('.quick-input-widget');
  await qp.locator('.quick-input-title', { hasText: /Restore a-note\.bin: 1 of 1 segment object/ }).waitFor();
  await qp.locator('.quick-input-list .monaco-list-row', { hasText: /^Bulk/ }).first().waitFor();
  await page.waitForTimeout(300);
  const text = await qp.innerText();
  assert.match(text, /Restore a-note\.bin: 1 of 1 segment object .* for 3 days, then download/);
  assert.match(text, /estimate, us-east-1 prices as of \d{4}-\d{2}-\d{2}/);
  // No Expedited for Deep Archive: only Standard and Bulk can be picked.
  assert.equal(await qp.locator('.quick-input-list .monaco-list-row', { hasText: /^Expedited\b.*\$/ }).count(), 0);
  // It is not silently absent: a row says it is not offered, and why.
  assert.match(await qp.locator('.quick-input-list .monaco-list-row', { hasText: /Expedited/ }).first().innerText(), /Expedited\s*not offered for Glacier Deep Archive/);
  assert.match(text, /Standard.*within 12 h/);
  await shot('3-planner');
  await pick(page, 'Bulk');
  await toast(page, /retrieval of only the part holding a-note\.bin started \(Bulk\)/).first().waitFor({ timeout: 30000 });

  // The local endpoint finishes the restore after its delay; its S3 event brings the extension back.
  const restored = path.join(target, 'a-note.bin');
  await until(() => Promise.resolve(fs.existsSync(restored) && fs.statSync(restored).size === note.length), 90000, 'the restored file');
  assert.equal(sha(fs.readFileSync(restored)), sha(note), 'byte for byte');
  await clearToasts(page);
  await showContainer(page, 'Freezer');
  await shot('4-restored');
}));
