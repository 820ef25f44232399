// A restore from a frozen archive finishes later (job → download → restore): it ends as an immediate
// restore does, with "Restored N files into …" and a button to open the folder; the Jobs row says how
// long the local endpoint takes while it runs.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings } from './webviews/helpers.mjs';
import {
  clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, input, pick, showContainer, toast, until, viewRow, withFailureShot,
} from './journeys/helpers.mjs';

let wb;
let page;

before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern'),
    env: { FREEZER_LOCAL_JOB_DELAYS: 'Expedited=6s' },
    prepareWorkspace: (ws) => {
      fs.mkdirSync(path.join(ws, 'notes'));
      fs.writeFileSync(path.join(ws, 'notes/a.txt'), 'alpha\n'.repeat(50));
      fs.writeFileSync(path.join(ws, 'notes/b.txt'), 'beta\n'.repeat(50));
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('a restore that waits for a retrieval ends with "Restored 2 files into …"', () => withFailureShot(() => wb, 'later-restore', async () => {
  await showContainer(page, 'Freezer');
  await page.getByText('No vaults yet').first().waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Create Vault' }).first().click();
  await input(page).waitFor();
  await input(page).fill('later');
  await page.keyboard.press('Enter');
  await viewRow(page, 'Vaults', 'later').first().waitFor();
  await freezeFromExplorer(page, 'notes', 'later');
  await toast(page, /Froze notes into/).first().waitFor({ timeout: 60000 });
  await clearToasts(page);
  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Vaults', 'later').first());
  await contextMenu(page, viewRow(page, 'Vaults', /^notes.*liquid/).first(), 'Disconnect');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  await viewRow(page, 'Vaults', /^notes.*frozen/).first().waitFor();

  const target = path.join(wb.scratch, 'later-out');
  fs.mkdirSync(target);
  await contextMenu(page, viewRow(page, 'Vaults', /^notes.*frozen/).first(), 'Restore Whole Archive');
  await answerFileDialog(page, target, 'Restore Here');
  await pick(page, 'Expedited');
  await toast(page, /is frozen: retrieval started \(Expedited\)/).first().waitFor();
  await expandPane(page, 'Jobs');
  await viewRow(page, 'Jobs', /in progress · Expedited · .*local endpoint: ready in (about \d+ s|moments)/).first().waitFor();
  await wb.shot('later-restore-1-waiting');
  const done = toast(page, new RegExp(`Restored 2 files into ${target.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`)).first();
  await done.waitFor({ timeout: 60000 });
  assert.ok(await done.getByRole('button', { name: 'Open Folder' }).isVisible());
  await wb.shot('later-restore-2-restored');
  const files = await until(async () => { const f = fs.readdirSync(target, { recursive: true }).filter((x) => /[ab]\.txt$/.test(x)); return f.length === 2 && f; }, 10000, 'both files');
  assert.equal(files.length, 2);
}));
