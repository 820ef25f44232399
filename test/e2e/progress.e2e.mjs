/* global document, window, MutationObserver -- the recorders run in the page. */
// Progress that tells the truth, in a real VS Code (code-server) and Chromium on the embedded local
// endpoint: a freeze's notification and status bar run one bar from packing through uploading (never
// back to a few per cent), count files (not folders) while packing and bytes while uploading; a restore
// of a retrieved archive shows downloaded bytes of the total, then the files restored. The endpoint's
// `slow` faults hold each upload part and download range back, so every phase stays on screen for a
// while whatever the machine's speed: the test waits for what the user reads, never for a time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings } from './webviews/helpers.mjs';
import { chooseFolder, clearToasts, contextMenu, expandRow, freezeFromExplorer, pick, showContainer, toast, until, viewRow, widenSidebar, writeRandomFiles, withFailureShot, input } from './journeys/helpers.mjs';

const MIB = 1024 * 1024;
const FILES = 12;
let wb;
let page;
const archiveRow = (text) => viewRow(page, 'Stores', text);

/** Records every distinct text of the Freezer status-bar item and of the notification toasts. */
async function recordProgress() {
  await page.evaluate(() => {
    const bar = (window.__statusTexts = []);
    const toasts = (window.__toastTexts = []);
    const grab = () => {
      for (const el of document.querySelectorAll('.part.statusbar .statusbar-item')) {
        const t = el.textContent ?? '';
        if (t.includes('Freezer:') && bar.at(-1) !== t) bar.push(t);
      }
      for (const el of document.querySelectorAll('.notifications-toasts .notification-toast')) {
        const t = el.textContent ?? '';
        if (!toasts.includes(t)) toasts.push(t);
      }
    };
    new MutationObserver(grab).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    grab();
  });
}
const recorded = () => page.evaluate(() => ({ status: [...window.__statusTexts], toasts: [...window.__toastTexts] }));

/** "Freezer: Freezing album 63% · Uploading" → { pct, phase }. */
const statusParts = (texts) => texts.map((t) => /(\d+)% · (\w+)/.exec(t)).filter(Boolean).map((m) => ({ pct: Number(m[1]), phase: m[2] }));

before(async () => {
  wb = await openWorkbench({
    // One thread, 1 MiB parts: the slow parts and ranges come one after the other.
    settings: baseSettings('Default Dark Modern', { 'freezer.endpoint': '', 'freezer.chunkSizeMiB': 1, 'freezer.threads': 1 }),
    env: {
      FREEZER_LOCAL_JOB_DELAYS: 'Expedited=1000',
      FREEZER_LOCAL_FAULTS: JSON.stringify([
        { rate: 1, kinds: ['slow'], operations: ['UploadMultipartPart'], slowMs: 800, times: 6 },
        { rate: 1, kinds: ['slow'], operations: ['GetJobOutput'], slowMs: 2500 },
      ]),
    },
    // 24 MiB of random bytes (two 16 MiB download ranges) in files two folders deep.
    prepareWorkspace: (ws) => {
      writeRandomFiles(path.join(ws, 'album/2024/summer'), 6, 3 * MIB, 'img');
      writeRandomFiles(path.join(ws, 'album/2025'), 6, MIB, 'raw');
    },
  });
  page = wb.page;
});
after(async () => { await wb?.close(); });

test('a freeze shows one bar from packing through uploading, files while packing, bytes while uploading', () => withFailureShot(() => wb, 'progress-freeze', async () => {
  await showContainer(page, 'Freezer');
  await page.getByRole('button', { name: /Use the Local Endpoint/ }).first().click();
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await page.getByRole('button', { name: 'Create Vault' }).first().click();
  await input(page).waitFor();
  await input(page).fill('progress-vault');
  await page.keyboard.press('Enter');
  await viewRow(page, 'Stores', 'progress-vault').first().waitFor();
  await clearToasts(page);
  await widenSidebar(page);
  await recordProgress();

  await freezeFromExplorer(page, 'album', 'progress-vault');
  // The slow parts keep the upload on screen: the notification says bytes, not "file 1 of 12".
  const uploading = toast(page, /Uploading · [\d.]+ [KM]iB of 24 MiB/).first();
  await uploading.waitFor({ timeout: 60000 });
  await wb.shot('progress-uploading');
  await until(async () => statusParts((await recorded()).status).some((s) => s.phase === 'Uploading'), 30000, 'the status bar in the upload phase');
  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Stores', 'progress-vault').first());
  await archiveRow(/liquid · /).first().waitFor({ timeout: 90000 });

  const { status, toasts } = await recorded();
  const parts = statusParts(status);
  assert.deepEqual(parts.map((s) => s.pct), parts.map((s) => s.pct).sort((a, b) => a - b), `the status bar never goes back:\n${status.join('\n')}`);
  for (const s of parts.filter((x) => x.phase === 'Uploading')) assert.ok(s.pct >= 50, `uploading continues after packing: ${s.pct} %`);
  assert.ok(!toasts.some((t) => /Uploading file/.test(t)), `an upload counts bytes:\n${toasts.join('\n')}`);
  for (const t of toasts) {
    const m = /Packing file (\d+) of (\d+)/.exec(t);
    if (m) assert.ok(Number(m[2]) === FILES && Number(m[1]) <= FILES, `packing counts files only: ${t}`);
  }
  await clearToasts(page);
}));

test('a restore from a frozen archive that completes later ends with "Restored N files into …" and Open Folder', () => withFailureShot(() => wb, 'progress-later', async () => {
  await contextMenu(page, archiveRow(/liquid · /).first(), 'Disconnect');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  await archiveRow(/frozen · /).first().waitFor();
  const target = path.join(wb.scratch, 'restored-later');
  fs.mkdirSync(target);
  await contextMenu(page, archiveRow(/frozen · /).first(), 'Restore Whole Archive');
  // The tier pick follows the folder dialog at once.
  await chooseFolder(page, target, /Restore/);
  await pick(page, 'Expedited');
  await toast(page, /is frozen: retrieval started \(Expedited\)/).first().waitFor({ timeout: 30000 });
  await clearToasts(page);
  // Job → download → restore, with nobody asking: it ends as an immediate restore does.
  const done = toast(page, new RegExp(`Restored ${FILES} files into ${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)).first();
  await done.waitFor({ timeout: 90000 });
  await done.getByRole('button', { name: 'Open Folder' }).waitFor();
  await wb.shot('progress-later-restored');
  const n = fs.readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
  assert.equal(n, FILES);
  await clearToasts(page);
  await archiveRow(/liquid · /).first().waitFor({ timeout: 30000 });
}));

test('a restore of a retrieved archive shows downloaded bytes of the total, then the files restored', () => withFailureShot(() => wb, 'progress-restore', async () => {
  // The retrieval of the test before is still downloadable: without its local file the archive is melted.
  await contextMenu(page, archiveRow(/liquid · /).first(), 'Disconnect');
  await page.getByRole('button', { name: 'Delete Local File' }).click();
  await archiveRow(/melted/).first().waitFor({ timeout: 60000 });
  await clearToasts(page);
  await page.evaluate(() => { window.__statusTexts.length = 0; window.__toastTexts.length = 0; });

  const target = path.join(wb.scratch, 'restored-album');
  fs.mkdirSync(target);
  await contextMenu(page, archiveRow(/melted/).first(), 'Restore Whole Archive');
  await answerFileDialog(page, target, /Restore/);
  // The first range is in, the second held back: "Downloading · 16 MiB of 24 MiB · …".
  const partWay = toast(page, /Downloading · (1\d|[1-9])(\.\d)? MiB of 24 MiB/).first();
  await partWay.waitFor({ timeout: 60000 });
  await wb.shot('progress-downloading');
  await until(async () => statusParts((await recorded()).status).some((s) => s.phase === 'Downloading' && s.pct > 0), 30000, 'the status bar in the download phase');
  await toast(page, new RegExp(`Restored ${FILES} files into`)).first().waitFor({ timeout: 60000 });

  const { status, toasts } = await recorded();
  const parts = statusParts(status);
  assert.ok(!toasts.some((t) => /Downloading file/.test(t)), `a download counts bytes, not "file 1 of ${FILES}":\n${toasts.join('\n')}`);
  for (const s of parts) assert.ok(s.phase === 'Downloading' ? s.pct <= 50 : s.pct >= 50, `download is the first half, restoring the second: ${s.phase} ${s.pct} %`);
  assert.deepEqual(parts.map((s) => s.pct), parts.map((s) => s.pct).sort((a, b) => a - b), `the status bar never goes back:\n${status.join('\n')}`);
  const restored = await until(async () => {
    const n = fs.readdirSync(target, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).length;
    return n === FILES ? n : 0;
  }, 30000, 'all files restored');
  assert.equal(restored, FILES);
  await clearToasts(page);
}));
