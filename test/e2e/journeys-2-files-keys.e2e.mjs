// User journeys 3 and 4 in a real VS Code (code-server) and Chromium: a file frozen twice shows two
// versions in Frozen Files and the older one restores byte for byte; an encryption key created and
// exported in the settings panel, imported on a fresh profile, restores an archive made with it there.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings, createVault, fill, openFreezer, runCommand, waitReady, webview } from './webviews/helpers.mjs';
import {
  clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, sha, showContainer, toast, until, viewRow, widenSidebar, withFailureShot,
} from './journeys/helpers.mjs';

// Both profiles share the catalogue and the local endpoint's data (as two machines share a vault);
// keys live in each profile's secure storage, so the second profile starts without the key.
const shared = fs.mkdtempSync(path.join(os.tmpdir(), 'fz-journey-shared-'));
const settings = baseSettings('Default Dark Modern', {
  'freezer.databasePath': path.join(shared, 'freezer.db'),
  'freezer.localEndpointFolder': path.join(shared, 'endpoint'),
  'freezer.uploadFolder': path.join(shared, 'upload'),
});
const v1 = randomBytes(700);
const v2 = randomBytes(2048);
const secret = randomBytes(5000);
let wb;
let page;
const shot = (n) => wb.shot(`journey-${n}`);

before(async () => {
  wb = await openWorkbench({
    settings,
    prepareWorkspace: (ws) => {
      fs.mkdirSync(path.join(ws, 'docs'));
      fs.writeFileSync(path.join(ws, 'docs/report.bin'), v1);
      fs.writeFileSync(path.join(ws, 'docs/readme.txt'), 'unchanged\n');
      fs.mkdirSync(path.join(ws, 'private'));
      fs.writeFileSync(path.join(ws, 'private/secret.bin'), secret);
    },
  });
  page = wb.page;
  await openFreezer(page);
  await widenSidebar(page);
  await createVault(page, 'docs-vault');
});
after(async () => {
  await wb?.close();
  fs.rmSync(shared, { recursive: true, force: true });
});

test('journey 3: a file frozen twice shows two versions; the older one restores byte for byte', () => withFailureShot(() => wb, 'journey-3', async () => {
  await freezeFromExplorer(page, 'docs', 'docs-vault');
  await toast(page, /Froze docs into/).first().waitFor({ timeout: 60000 });
  await clearToasts(page);
  fs.writeFileSync(path.join(wb.workspace, 'docs/report.bin'), v2);
  await freezeFromExplorer(page, 'docs', 'docs-vault');
  await toast(page, /Froze docs into/).first().waitFor({ timeout: 60000 });
  await clearToasts(page);

  await showContainer(page, 'Freezer');
  await expandPane(page, 'Frozen Files');
  await expandRow(viewRow(page, 'Frozen Files', /^docs/).first());
  const file = viewRow(page, 'Frozen Files', /^report\.bin/).first();
  await file.waitFor();
  assert.match(await file.textContent(), /2 versions/);
  await expandRow(file);
  const older = viewRow(page, 'Frozen Files', /700 B · liquid/).first();
  const newer = viewRow(page, 'Frozen Files', /2(\.0)? KiB · liquid/).first();
  await older.waitFor();
  await newer.waitFor();
  await shot('3-versions');

  const target = path.join(wb.scratch, 'restore-older');
  fs.mkdirSync(target);
  await contextMenu(page, older, 'Restore File Version');
  await answerFileDialog(page, target, 'Restore Here');
  const restored = path.join(target, 'report.bin');
  await until(() => Promise.resolve(fs.existsSync(restored) && fs.statSync(restored).size === v1.length), 30000, 'the restored file');
  assert.equal(sha(fs.readFileSync(restored)), sha(v1), 'the older version, byte for byte');
  assert.deepEqual(fs.readdirSync(target), ['report.bin']);
  await toast(page, /Restored 1 file into/).first().waitFor();
  await shot('3-restored');
  await clearToasts(page);
}));

let exported;
let keyId;
test('journey 4a: Settings → create a key (the first one becomes the default), export it; an archive is frozen with it', () => withFailureShot(() => wb, 'journey-4a', async () => {
  await runCommand(page, 'Freezer: Manage Encryption Keys');
  const frame = webview(page);
  await waitReady(frame);
  await fill(frame, 'newKeyLabel', 'journey key');
  await frame.locator('#createKey').click();
  await frame.locator('#keyMessage', { hasText: 'Key created' }).waitFor();
  const row = frame.locator('#keyRows tr', { hasText: 'journey key' });
  keyId = await row.getAttribute('data-key-id');
  // The first key created is the default without asking (no unencrypted archive by accident).
  await frame.locator('#keyRows tr', { hasText: 'journey key' }).filter({ hasText: '● default' }).waitFor();
  assert.equal(await row.getByText('Make Default').count(), 0);
  await shot('4-settings-keys');
  exported = path.join(shared, 'journey-key.json');
  await row.getByText('Save…').click();
  await answerFileDialog(page, exported, undefined);
  await frame.locator('#keyMessage', { hasText: 'saved to' }).waitFor();
  assert.equal(JSON.parse(fs.readFileSync(exported, 'utf8')).id, keyId);

  await freezeFromExplorer(page, 'private', 'docs-vault');
  await toast(page, /Froze private into/).first().waitFor({ timeout: 60000 });
  await showContainer(page, 'Freezer');
  const archive = viewRow(page, 'Stores', /^private.*liquid/).first();
  await expandRow(viewRow(page, 'Stores', 'docs-vault').first());
  await archive.waitFor();
  await shot('4-archive-with-key');
  // The archive on disk is encrypted: no run of the plain bytes appears in it.
  const files = fs.readdirSync(path.join(shared, 'upload')).filter((f) => f.startsWith('private'));
  assert.equal(files.length, 1, files.join());
  assert.equal(fs.readFileSync(path.join(shared, 'upload', files[0])).includes(secret.subarray(1000, 1064)), false);
  await wb.close();
  wb = undefined;
}));

test('journey 4b: on a fresh profile the archive needs the key; imported, it restores', () => withFailureShot(() => wb, 'journey-4b', async () => {
  wb = await openWorkbench({ settings });
  page = wb.page;
  await openFreezer(page);
  await widenSidebar(page);
  await expandRow(viewRow(page, 'Stores', 'docs-vault').first());
  const archive = viewRow(page, 'Stores', /^private/).first();
  await archive.waitFor();

  // Without the key: a clear error, nothing written.
  const before = path.join(wb.scratch, 'without-key');
  fs.mkdirSync(before);
  await contextMenu(page, archive, 'Restore Whole Archive');
  await answerFileDialog(page, before, 'Restore Here');
  const err = toast(page, new RegExp(`key ${keyId}|${keyId}`)).first();
  await err.waitFor({ timeout: 30000 });
  await shot('4-missing-key');
  assert.equal(fs.readdirSync(before, { recursive: true }).filter((f) => f.endsWith('secret.bin')).length, 0);
  await clearToasts(page);

  await runCommand(page, 'Freezer: Manage Encryption Keys');
  const frame = webview(page);
  await waitReady(frame);
  await frame.locator('#importKeyFile').click();
  await answerFileDialog(page, exported, 'Import Key');
  await frame.locator('#keyMessage', { hasText: /Key ".+" imported\./ }).waitFor();
  await frame.locator(`#keyRows tr[data-key-id="${keyId}"]`).waitFor();
  await shot('4-key-imported');

  await showContainer(page, 'Freezer');
  const target = path.join(wb.scratch, 'with-key');
  fs.mkdirSync(target);
  await contextMenu(page, viewRow(page, 'Stores', /^private/).first(), 'Restore Whole Archive');
  await answerFileDialog(page, target, 'Restore Here');
  const restored = await until(() => Promise.resolve(fs.readdirSync(target, { recursive: true }).find((f) => f.endsWith('secret.bin'))), 30000, 'the restored file');
  const bytes = await until(async () => { const b = fs.readFileSync(path.join(target, restored)); return b.length === secret.length && b; }, 30000, 'all bytes');
  assert.equal(sha(bytes), sha(secret));
}));
