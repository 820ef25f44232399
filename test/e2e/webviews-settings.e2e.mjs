// The settings panel in a real VS Code (code-server) and Chromium: encryption keys created, exported,
// imported (ours and the original tool's form) and made default; AWS settings and exclusion paths saved to
// VS Code settings and secure storage, then shown again after a reload; screenshots in two themes.
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import {
  answerFileDialog, baseSettings, fill, openFreezer, readUserSettings, reloadWindow, runCommand, setTheme, settingsFile, waitReady, waitUserSettings, webview,
} from './webviews/helpers.mjs';

const fingerprint = (key) => createHmac('sha256', key).update('freezer key fingerprint v1').digest().subarray(0, 8).toString('hex');

let wb;
let frame;
before(async () => {
  wb = await openWorkbench({ settings: baseSettings('Default Light Modern') });
  await openFreezer(wb.page);
});
after(async () => { await wb?.close(); });

async function message(id, pattern) {
  await frame.locator(`#${id}`, { hasText: pattern }).waitFor({ timeout: 20000 });
}

test('Manage Encryption Keys opens the settings on the Encryption section', async () => {
  await runCommand(wb.page, 'Freezer: Manage Encryption Keys');
  frame = webview(wb.page);
  await waitReady(frame);
  await frame.locator('#createKey').waitFor({ state: 'visible' });
  assert.match(await frame.locator('#keyRows').textContent(), /No keys yet/);
});

test('a key is created (authenticated default), made default, and exported to a file', async () => {
  const algorithms = await frame.locator('#algorithm vscode-option').allTextContents();
  assert.match(algorithms[0], /^AES-256 — authenticated/);
  assert.ok(algorithms.slice(1).every((a) => /legacy CBC/.test(a)), 'the other ciphers are marked legacy');
  await fill(frame, 'newKeyLabel', 'e2e key');
  await frame.locator('#createKey').click();
  await message('keyMessage', 'Key created');
  const row = frame.locator('#keyRows tr', { hasText: 'e2e key' });
  assert.match(await row.textContent(), /AES-256 · authenticated/);
  const id = await row.getAttribute('data-key-id');
  assert.match(id, /^[0-9a-f]{16}$/);
  // The first key created becomes the default by itself, kept in the catalogue only: VS Code settings get no copy to drift.
  await frame.locator('#keyRows tr', { hasText: 'e2e key' }).filter({ hasText: '● default' }).waitFor();
  assert.equal(readUserSettings(wb)['freezer.defaultKeyId'], undefined);

  // Export (Freezer JSON) to a file through the save dialog; the warning is on the page.
  assert.match(await frame.locator('p.warning').textContent(), /without the key, the archives\s+encrypted with it are lost/);
  const out = path.join(wb.workspace, 'e2e-key.json');
  await row.getByText('Save…').click();
  await answerFileDialog(wb.page, out);
  await message('keyMessage', 'saved to');
  assert.equal(fs.statSync(out).mode & 0o777, 0o600, 'the key export is readable by its owner only');
  const exported = JSON.parse(fs.readFileSync(out, 'utf8'));
  assert.equal(exported.format, 'freezer-key');
  assert.equal(exported.algorithm, 'AES-256');
  assert.equal(exported.id, id);
  assert.equal(fingerprint(Buffer.from(exported.key, 'hex')), id, 'the exported bytes are the listed key');
});

test('keys import from JSON (the original tool\'s form and ours) and export again byte for byte', async () => {
  const bytes = randomBytes(16);
  const legacy = JSON.stringify({ algorithm: 'CAST', keysize: 128, blocksize: 8, keystring: bytes.toString('hex') });
  await fill(frame, 'importJson', legacy);
  await fill(frame, 'importLabel', 'old cast key');
  await frame.locator('#importKey').click();
  await message('keyMessage', /Key ".+" imported\./);
  const row = frame.locator(`#keyRows tr[data-key-id="${fingerprint(bytes)}"]`);
  assert.match(await row.textContent(), /old cast key.*CAST-128 · legacy CBC, read-only/);
  // Legacy ciphers cannot become the default for new archives.
  assert.equal(await row.getByText('Make Default').count(), 0);
  // The same key again: said to be there already, not "imported".
  await fill(frame, 'importJson', legacy);
  await frame.locator('#importKey').click();
  await message('keyMessage', /was already in the key list: nothing new imported/);

  // Export it in our form and compare the bytes.
  const out = path.join(wb.workspace, 'cast-key.json');
  await row.getByText('Save…').click();
  await answerFileDialog(wb.page, out);
  await message('keyMessage', 'saved to');
  assert.equal(JSON.parse(fs.readFileSync(out, 'utf8')).key, bytes.toString('hex'));

  // Our own form, of a key made here.
  const aes = randomBytes(32);
  await fill(frame, 'importJson', JSON.stringify({ format: 'freezer-key', version: 1, algorithm: 'AES-256', key: aes.toString('hex'), label: 'from elsewhere' }));
  await fill(frame, 'importLabel', '');
  await frame.locator('#importKey').click();
  await frame.locator(`#keyRows tr[data-key-id="${fingerprint(aes)}"]`, { hasText: 'from elsewhere' }).waitFor();

  // Damaged input is refused with a clear message that does not quote it.
  await fill(frame, 'importJson', '{"format":"freezer-key","version":1,"algorithm":"AES-256","key":"zz-secret-zz"}');
  await frame.locator('#importKey').click();
  await message('keyMessage', /not a hex string/);
  assert.doesNotMatch(await frame.locator('#keyMessage').textContent(), /zz-secret-zz/);
  assert.equal(await frame.locator('#keyRows tr').count(), 3);
  await wb.shot('webviews-settings-keys-light');
});

test('AWS settings and exclusion paths are saved to VS Code settings and secure storage and shown after a reload', async () => {
  await frame.locator('vscode-tab-header', { hasText: 'AWS' }).click();
  await fill(frame, 'region', 'eu-west-1');
  await fill(frame, 'snsTopicArn', 'arn:aws:sns:eu-west-1:123456789012:freezer-jobs');
  await fill(frame, 'notificationQueueUrl', 'https://sqs.eu-west-1.amazonaws.com/123456789012/freezer-jobs');
  await fill(frame, 'threads', '8');
  await fill(frame, 'pollTimeSeconds', '10');
  // Validation as you type.
  await fill(frame, 'accountId', '12345');
  await frame.locator('#awsErrors', { hasText: '12 digits' }).waitFor();
  assert.equal(await frame.locator('#saveAws').evaluate((b) => b.disabled), true);
  await fill(frame, 'accountId', '123456789012');
  await frame.locator('#awsErrors:empty').waitFor({ state: 'attached' });
  await frame.locator('vscode-radio[value="keys"]').click();
  await fill(frame, 'accessKeyId', 'AKIAE2ETESTKEY000001');
  const secret = 'e2eSecret/DoNotEcho+0123456789abcdefXYZ';
  await fill(frame, 'secretAccessKey', secret);
  await frame.locator('#saveAws').click();
  await message('awsMessage', 'Saved.');
  assert.match(await frame.locator('#credentialStatus').textContent(), /stored/);
  assert.equal(await frame.locator('#secretAccessKey input').inputValue(), '', 'the secret is not echoed back');

  await frame.locator('vscode-tab-header', { hasText: 'Exclusion paths' }).click();
  await fill(frame, 'exclusionPaths', '/node_modules/\n(unclosed');
  await frame.locator('#exclusionErrors', { hasText: 'Line 2' }).waitFor();
  assert.equal(await frame.locator('#saveExclusions').evaluate((b) => b.disabled), true);
  await fill(frame, 'exclusionPaths', '/node_modules/\n\\.cache/');
  await frame.locator('#exclusionErrors:empty').waitFor({ state: 'attached' });
  await frame.locator('#saveExclusions').click();
  await message('exclusionMessage', 'Saved.');

  const s = await waitUserSettings(wb, (x) => Array.isArray(x['freezer.exclusionPaths']) && x['freezer.exclusionPaths'].length === 2);
  assert.equal(s['freezer.region'], 'eu-west-1');
  assert.equal(s['freezer.accountId'], '123456789012');
  assert.equal(s['freezer.threads'], 8);
  assert.equal(s['freezer.pollTimeSeconds'], 10);
  assert.equal(s['freezer.snsTopicArn'], 'arn:aws:sns:eu-west-1:123456789012:freezer-jobs');
  assert.deepEqual(s['freezer.exclusionPaths'], ['/node_modules/', '\\.cache/']);
  assert.doesNotMatch(fs.readFileSync(settingsFile(wb), 'utf8'), /e2eSecret|AKIAE2E/, 'keys live in secure storage, not settings');

  await reloadWindow(wb.page);
  frame = webview(wb.page);
  await waitReady(frame);
  // Restored on the section it was left on.
  await frame.locator('#exclusionPaths').waitFor({ state: 'visible' });
  assert.equal(await frame.locator('#exclusionPaths textarea').inputValue(), '/node_modules/\n\\.cache/');
  await frame.locator('vscode-tab-header', { hasText: 'AWS' }).click();
  assert.equal(await frame.locator('#region input').inputValue(), 'eu-west-1');
  assert.equal(await frame.locator('#threads input').inputValue(), '8');
  assert.equal(await frame.locator('#accountId input').inputValue(), '123456789012');
  assert.equal(await frame.locator('vscode-radio[value="keys"]').evaluate((r) => r.checked), true);
  assert.match(await frame.locator('#credentialStatus').textContent(), /stored/);
  assert.doesNotMatch(await frame.locator('body').innerHTML(), /e2eSecret/);
});

test('Test Connection lists the vaults, or reports the exact error', async () => {
  // The local endpoint answers.
  await frame.locator('#testConnection').click();
  await message('awsMessage', /Connected: \d+ vaults?/);
  // A URL nothing listens on: the error names the cause.
  await frame.locator('vscode-radio[value="url"]').click();
  await fill(frame, 'endpointUrl', 'http://127.0.0.1:9');
  await frame.locator('#testConnection').click();
  await frame.locator('#awsMessage', { hasText: /Connection failed: .*(ECONNREFUSED|connect)/i }).waitFor({ timeout: 60000 });
  await wb.shot('webviews-settings-aws-error-light');
  await setTheme(wb, 'Default Dark Modern');
  await wb.shot('webviews-settings-aws-dark');
});
