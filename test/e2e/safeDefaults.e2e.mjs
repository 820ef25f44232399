// Safe defaults in a real VS Code: a fresh install with no key does not freeze unencrypted without a
// word. Freeze Folder asks (create a key now / unencrypted this time / always); the new key becomes the
// default and its export is offered, written readable by its owner only (0600).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings } from './webviews/helpers.mjs';
import { clearToasts, freezeFromExplorer, input, showContainer, toast, until, viewRow, withFailureShot } from './journeys/helpers.mjs';

let wb;
let page;
const shot = (n) => wb.shot(`safe-defaults-${n}`);

before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern', { 'freezer.allowUnencrypted': false }),
    prepareWorkspace: (ws) => {
      fs.mkdirSync(path.join(ws, 'docs'));
      fs.writeFileSync(path.join(ws, 'docs/letter.txt'), 'Dear Glacier,\n'.repeat(100));
      fs.mkdirSync(path.join(ws, 'more'));
      fs.writeFileSync(path.join(ws, 'more/plan.txt'), 'plan\n'.repeat(100));
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('no key yet: Freeze Folder asks; "Create Key Now" encrypts, offers the export, and the export is 0600', () => withFailureShot(() => wb, 'safe-defaults', async () => {
  await showContainer(page, 'Freezer');
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Create Vault' }).first().click();
  await input(page).waitFor();
  await input(page).fill('safe');
  await page.keyboard.press('Enter');
  await viewRow(page, 'Stores', 'safe').first().waitFor();
  await clearToasts(page);

  await freezeFromExplorer(page, 'docs', 'safe');
  await page.getByText('Freezer has no encryption key yet').first().waitFor();
  for (const b of ['Create Key Now', 'Freeze Unencrypted This Time', 'Always Freeze Unencrypted']) assert.ok(await page.getByRole('button', { name: b }).isVisible(), b);
  await shot('1-ask');
  await page.getByRole('button', { name: 'Create Key Now' }).click();
  const offer = toast(page, /Created encryption key [0-9a-f]{16}; new archives are encrypted with it/).first();
  await offer.waitFor();
  await toast(page, /Froze docs into .*\(1 file, encrypted\)/).first().waitFor({ timeout: 60000 });
  await shot('2-encrypted');
  await offer.getByRole('button', { name: 'Save Export…' }).click();
  const file = path.join(wb.scratch, 'key-export.json');
  await answerFileDialog(page, file);
  await until(async () => fs.existsSync(file) && fs.statSync(file).size > 0, 15000, 'the key export');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600, 'the key export is readable by its owner only');
  assert.match(fs.readFileSync(file, 'utf8'), /"algorithm"\s*:\s*"AES-256"/);
  await clearToasts(page);

  // The key is now the default: the next freeze does not ask, and is encrypted.
  await freezeFromExplorer(page, 'more', 'safe');
  await toast(page, /Froze more into .*\(1 file, encrypted\)/).first().waitFor({ timeout: 60000 });
  assert.equal(await page.getByText('Freezer has no encryption key yet').count(), 0);
}));
