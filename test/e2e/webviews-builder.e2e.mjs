/* global document, window -- some steps run inside the webview. */
// The archive builder in a real VS Code (code-server) and Chromium: each filter, the empty-filter message,
// selection after filtering, state across hide/show and reload, building an archive, screenshots in two themes.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import {
  activateTab, answerFileDialog, baseSettings, createVault, fill, openFreezer, reloadWindow, runCommand, setTheme, setUserSettings, waitReady, webview,
} from './webviews/helpers.mjs';

const FILES = {
  'docs/report.txt': 'quarterly report',
  'docs/notes.md': '# notes',
  'docs/report.txt.bak': 'old report',
  'src/main.c': 'int main(void) { return 0; }',
  'src/main.o': '\x7fELF object',
  'cache/blob.bin': 'cached bytes',
  'logs/app.log': 'started',
  'logs/old.log': 'stopped',
};

let wb;
let frame;
/** Console messages of the page and its webviews that report a blocked resource or script (CSP). */
const cspViolations = [];
before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern', { 'freezer.exclusionPaths': ['/cache/'] }),
    prepareWorkspace: (dir) => {
      // Same size, opposite compressibility: prose-like text and random bytes.
      fs.mkdirSync(path.join(dir, 'sizes'));
      const words = 'archive frozen vault restore bucket tier frame chunk index member report notes photo log value'.split(' ');
      const text = Array.from({ length: 400_000 }, () => words[Math.floor(Math.random() * words.length)]).join(' ');
      fs.writeFileSync(path.join(dir, 'sizes', 'text.txt'), text.slice(0, 2 * 1024 * 1024));
      fs.writeFileSync(path.join(dir, 'sizes', 'random.bin'), randomBytes(2 * 1024 * 1024));
      fs.mkdirSync(path.join(dir, 'extra'));
      fs.writeFileSync(path.join(dir, 'extra', 'new.txt'), 'added on its own');
      for (const [rel, text] of Object.entries(FILES)) {
        fs.mkdirSync(path.dirname(path.join(dir, 'data', rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, 'data', rel), text);
      }
    },
  });
  const { page } = wb;
  page.on('console', (m) => { if (/Content Security Policy|Refused to (load|apply|execute)/i.test(m.text())) cspViolations.push(m.text()); });
  await openFreezer(page);
  await createVault(page, 'e2e-vault');
  await page.locator('.pane-body .monaco-list-row', { hasText: 'e2e-vault' }).first().waitFor();
});
after(async () => { await wb?.close(); });

const summary = () => frame.locator('#summary');
const row = (name) => frame.locator(`.vrow:not([hidden])[title$="/${name}"]`);
const expectSummary = async (text) => assert.match(await summary().textContent(), new RegExp(`^${text}`));
async function waitSummary(text) {
  try {
    await frame.locator('#summary', { hasText: new RegExp(`^${text}`) }).waitFor({ timeout: 15000 });
  } catch (e) {
    await wb.shot(`webviews-builder-failed-${text.replace(/\W+/g, '-')}`);
    throw new Error(`summary is "${await frame.locator('#summary').textContent({ timeout: 1000 }).catch(() => '?')}", expected ${text}: ${e.message}`);
  }
}

async function openBuilderWithData() {
  const { page } = wb;
  await runCommand(page, 'Freezer: New Archive…');
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('#addFolders').click();
  await answerFileDialog(page, path.join(wb.workspace, 'data'), 'Add Folders');
  await waitSummary('\\d+ of 8 files selected');
}

test('a folder is listed with the backup and exclusion-path filters on by default', async () => {
  await openBuilderWithData();
  await expectSummary('5 of 8 files selected');
  assert.match(await row('main.o').textContent(), /backup\/generated/);
  assert.match(await row('report.txt.bak').textContent(), /backup\/generated/);
  assert.match(await row('blob.bin').textContent(), /exclusion path/);
  assert.equal(await row('main.o').getAttribute('aria-selected'), 'false');
  assert.equal(await row('notes.md').getAttribute('aria-selected'), 'true');
  // Caveat about copies excluded as already frozen is in the panel.
  assert.match(await frame.locator('.caveat').textContent(), /missing when a folder is restored from this archive alone/);
});

test('each filter toggles the selection of the files it matches and keeps them listed', async () => {
  await frame.locator('#fBackup').click();
  await waitSummary('7 of 8 files selected');
  await frame.locator('#fBackup').click();
  await waitSummary('5 of 8 files selected');
  await frame.locator('#fExclusion').click();
  await waitSummary('6 of 8 files selected');
  await frame.locator('#fExclusion').click();
  await waitSummary('5 of 8 files selected');
  assert.equal(await frame.locator('.vrow:not([hidden])').count(), 8);
});

test('applying an empty regex filter says that no filter was entered and changes nothing', async () => {
  await fill(frame, 'regex', '   ');
  await frame.locator('#applyRegex').click();
  await frame.locator('#message', { hasText: 'No filter was entered' }).waitFor();
  await expectSummary('5 of 8 files selected');
  assert.equal(await row('notes.md').getAttribute('aria-selected'), 'true');
});

test('an invalid regex filter is named once as invalid and changes nothing', async () => {
  await fill(frame, 'regex', '(unclosed');
  await frame.locator('#applyRegex').click();
  const msg = frame.locator('#message', { hasText: 'Not a valid regular expression: ' });
  await msg.waitFor();
  assert.doesNotMatch(await msg.textContent(), /Invalid regular expression/i, 'the reason is not prefixed twice');
  await expectSummary('5 of 8 files selected');
  await fill(frame, 'regex', '');
});

test('after a regex filter, clicking and double-clicking still select and unselect files', async () => {
  await fill(frame, 'regex', '\\.log$');
  await frame.locator('#applyRegex').click();
  await waitSummary('3 of 8 files selected');
  assert.match(await frame.locator('#message').textContent(), /unselected 2 of 8 files\. Click a file's check box, double-click it, or press Space/);
  assert.match(await row('app.log').textContent(), /filter/);
  // Double-click selects a filtered file again; the list keeps every file.
  await row('app.log').locator('.c-path').dblclick();
  await waitSummary('4 of 8 files selected');
  assert.equal(await row('app.log').getAttribute('aria-selected'), 'true');
  // Clicking the check box unselects by hand: remembered as a manual exclusion.
  await row('notes.md').locator('.c-check').click();
  await waitSummary('3 of 8 files selected');
  assert.match(await row('notes.md').textContent(), /manual/);
  // Keyboard: Space toggles the active row.
  await frame.locator('#list').press('Space');
  await waitSummary('4 of 8 files selected');
  await frame.locator('#list').press('Space');
  await waitSummary('3 of 8 files selected');
  assert.equal(await frame.locator('.vrow:not([hidden])').count(), 8);
});

test('the manual-exclusions filter governs files unselected by hand', async () => {
  await frame.locator('#fManual').click();
  await waitSummary('4 of 8 files selected');
  assert.equal(await row('notes.md').getAttribute('aria-selected'), 'true');
  await frame.locator('#fManual').click();
  await row('notes.md').locator('.c-path').dblclick();
  await waitSummary('3 of 8 files selected');
});

test('a click highlights a file; its check box, double-click and Space toggle it; Space acts on every highlighted file', async () => {
  const hint = (await frame.locator('#hint').textContent()).replace(/\s+/g, ' ').trim();
  assert.equal(hint, "Click a file's check box, or double-click the file, to select or unselect it. Click a file to highlight it "
    + '(Ctrl+click or Shift+click for several, arrow keys to move) and press Space to select or unselect every highlighted file. '
    + 'Unselecting by hand remembers the file as a manual exclusion.');
  await expectSummary('3 of 8 files selected');
  // A click on the name highlights the row and leaves its selection alone.
  await row('report.txt').locator('.c-path').click();
  assert.match(await row('report.txt').getAttribute('class'), /\bhighlighted\b/);
  assert.equal(await row('report.txt').getAttribute('aria-selected'), 'true');
  await expectSummary('3 of 8 files selected');
  // The check box cell is an accessible checkbox; a click on it toggles the row.
  const check = row('report.txt').getByRole('checkbox', { name: 'Include report.txt' });
  assert.equal(await check.getAttribute('aria-checked'), 'true');
  await check.click();
  await waitSummary('2 of 8 files selected');
  assert.equal(await check.getAttribute('aria-checked'), 'false');
  assert.match(await row('report.txt').locator('.c-why').textContent(), /manual/);
  await check.click();
  await waitSummary('3 of 8 files selected');
  // Two highlighted rows (Ctrl+click): Space unselects both, and selects both again.
  await row('report.txt').locator('.c-path').click();
  await row('main.c').locator('.c-path').click({ modifiers: ['Control'] });
  assert.match(await row('report.txt').getAttribute('class'), /\bhighlighted\b/);
  await frame.locator('#list').press('Space');
  await waitSummary('1 of 8 files selected');
  for (const f of ['report.txt', 'main.c']) assert.equal(await row(f).getAttribute('aria-selected'), 'false', f);
  await frame.locator('#list').press('Space');
  await waitSummary('3 of 8 files selected');
  // The arrow keys move the highlight: one row down from main.c, then Space toggles only that row.
  await row('main.c').locator('.c-path').click();
  await frame.locator('#list').press('ArrowDown');
  const next = frame.locator('.vrow.active');
  const nextWas = await next.getAttribute('aria-selected');
  // Screen readers follow the focused row.
  assert.equal(await frame.locator('#list').getAttribute('aria-activedescendant'), await next.getAttribute('id'));
  await frame.locator('#list').press('Space');
  await frame.locator('.vrow.active').filter({ has: frame.locator(`[aria-checked="${nextWas === 'true' ? 'false' : 'true'}"]`) }).waitFor();
  await frame.locator('#list').press('Space');
  await waitSummary('3 of 8 files selected');
  assert.equal(await frame.locator('.vrow.active').getAttribute('aria-selected'), nextWas);
});

test('a vault created while the panel is open joins its vault list', async () => {
  await createVault(wb.page, 'second-vault');
  await frame.locator('#vault vscode-option', { hasText: 'second-vault' }).waitFor({ state: 'attached' });
  assert.equal(await frame.locator('#vault').evaluate((el) => el.value), 'e2e-vault', 'the chosen vault stays chosen');
});

test('fields show the final description and its length against 1024', async () => {
  await fill(frame, 'name', 'e2e first');
  await frame.locator('#description', { hasText: 'name=e2e first' }).waitFor();
  assert.match(await frame.locator('#description').textContent(), /^freezer\/1;name=e2e first;c=zstd;e=none/);
  assert.match(await frame.locator('#descriptionLength').textContent(), /^\d+ \/ 1024 characters$/);
  assert.equal(await frame.locator('#descriptionWarning').isVisible(), false);
  // A name too long for the description is flagged (the catalogue keeps it whole).
  await fill(frame, 'name', 'x'.repeat(1100));
  await frame.locator('#descriptionWarning', { hasText: 'shortened' }).waitFor();
  assert.match(await frame.locator('#descriptionLength').textContent(), /^10\d\d \/ 1024 characters$/);
  await fill(frame, 'name', 'e2e first');
  await frame.locator('#descriptionWarning').waitFor({ state: 'hidden' });
});

test('remove unselected drops them; the state survives hiding and showing the panel', async () => {
  await frame.locator('#removeUnselected').click();
  await waitSummary('3 of 3 files selected');
  assert.equal(await frame.locator('.vrow:visible').count(), 3, 'rows left over from the longer list are not shown');
  await wb.shot('webviews-builder-dark');
  // Hide the panel behind another editor, then show it again: the webview is recreated from its saved state.
  const { page } = wb;
  await runCommand(page, 'Freezer: Open Settings');
  await page.locator('.tab.active', { hasText: 'Freezer Settings' }).waitFor();
  await webview(page).locator('#saveAws').waitFor();
  await activateTab(page, 'New Archive');
  frame = webview(page);
  await waitReady(frame);
  await waitSummary('3 of 3 files selected');
  assert.equal(await frame.locator('#name input').inputValue(), 'e2e first');
  assert.equal(await frame.locator('#regex input').inputValue(), '\\.log$');
});

test('hostile messages posted into the webview channel are answered with errors and change nothing', async () => {
  const dir = path.join(wb.workspace, 'data');
  const apply = { vault: 'e2e-vault', name: 'stolen', compression: 'none', keyId: null, sources: ['/etc'], selected: ['/etc/passwd'], manuallyExcluded: [] };
  const cases = [
    { kind: 'request', id: 900001, method: 'apply', params: apply },
    { kind: 'request', id: 900002, method: 'runShell', params: { cmd: 'rm -rf ~' } },
    JSON.parse(`{"kind":"request","id":900003,"method":"apply","params":{"__proto__":{"x":1},${JSON.stringify(apply).slice(1)}}`),
    { kind: 'request', id: 900004, method: 'scan', params: { sources: ['../../etc'], alreadyFrozen: false } },
    { kind: 'request', id: 900005, method: 'apply', params: { ...apply, sources: [dir], selected: [`${dir}/docs/notes.md`], vault: 'no-such-vault' } },
  ];
  // Collect the extension's answers where the page receives them.
  await frame.locator('body').evaluate(() => {
    window.__replies = [];
    window.addEventListener('message', (e) => { if (e.data && e.data.kind === 'response' && e.data.id >= 900000) window.__replies.push(e.data); });
  });
  // Post through the same channel the page's postMessage uses (the webview host frame's entry point),
  // as a script injected into the page could.
  const host = wb.page.frameLocator('iframe.webview.ready >> visible=true').locator('body');
  for (const c of cases) await host.evaluate((_b, m) => window.__vscode_post_message__('onmessage', { message: m }), c);
  await frame.locator('body').evaluate(async (_b, n) => {
    for (let i = 0; i < 100 && window.__replies.length < n; i++) await new Promise((r) => setTimeout(r, 50));
  }, cases.length);
  const replies = (await frame.locator('body').evaluate(() => window.__replies)).sort((a, b) => a.id - b.id);
  assert.deepEqual(replies.map((r) => [r.id, r.ok, r.error?.code]), [
    [900001, false, 'InvalidMessage'],
    [900002, false, 'InvalidMessage'],
    [900003, false, 'InvalidMessage'],
    [900004, false, 'InvalidMessage'],
    [900005, false, 'VaultNotFound'],
  ]);
  assert.match(replies[0].error.message, /did not list/);
  // The panel is still open and unchanged.
  await waitSummary('3 of 3 files selected');
});

test('Freeze closes the panel; the archive shows in the Vaults view and is built with the selected files', async () => {
  const { page } = wb;
  await frame.locator('#apply').click();
  await page.locator('.tab', { hasText: 'New Archive' }).waitFor({ state: 'detached' });
  await page.locator('.notification-toast', { hasText: /"e2e first" is in vault e2e-vault \(3 files/ }).waitFor({ timeout: 60000 });
  const vault = page.locator('.pane-body .monaco-list-row', { hasText: 'e2e-vault' }).first();
  await vault.locator('.monaco-tl-twistie').click();
  await page.locator('.pane-body .monaco-list-row', { hasText: 'e2e first' }).first().waitFor();
});

test('the already-frozen filter finds frozen copies and shows the archive holding them; reload restores the panel', async () => {
  const { page } = wb;
  await openBuilderWithData();
  await frame.locator('#fAlreadyFrozen').click();
  // report.txt, main.c and app.log were frozen above.
  await waitSummary('2 of 8 files selected');
  for (const f of ['report.txt', 'main.c', 'app.log']) {
    const r = row(f);
    assert.match(await r.textContent(), /already frozen/);
    assert.match(await r.locator('.c-frozen').textContent(), new RegExp(`e2e first: .*${f.replace('.', '\\.')}`));
  }
  // Switched off, the filter no longer names itself on those rows; the archive holding them stays shown.
  await frame.locator('#fAlreadyFrozen').click();
  await waitSummary('5 of 8 files selected');
  assert.doesNotMatch(await row('report.txt').locator('.c-why').textContent(), /already frozen/);
  assert.match(await row('report.txt').locator('.c-frozen').textContent(), /e2e first: /);
  await frame.locator('#fAlreadyFrozen').click();
  await waitSummary('2 of 8 files selected');
  assert.match(await row('report.txt').locator('.c-why').textContent(), /already frozen/);
  await setTheme(wb, 'Default Light Modern');
  await wb.shot('webviews-builder-light');
  // A window reload brings the panel back through its serializer with the same selection.
  await reloadWindow(page);
  frame = webview(page);
  await waitReady(frame);
  await waitSummary('2 of 8 files selected');
  assert.equal(await frame.locator('#fAlreadyFrozen').evaluate((el) => el.checked), true);
});

test('Add Files adds single files next to folders', async () => {
  await frame.locator('#addFiles').click();
  await answerFileDialog(wb.page, path.join(wb.workspace, 'extra', 'new.txt'), 'Add Files');
  await waitSummary('3 of 9 files selected');
  assert.equal(await row('new.txt').getAttribute('aria-selected'), 'true');
});

test('with a default key, the builder encrypts: the preview names the key and the built file is fzr1', async () => {
  const { page } = wb;
  await runCommand(page, 'Freezer: Manage Encryption Keys');
  await activateTab(page, 'Freezer Settings');
  const settings = webview(page);
  try {
    await settings.locator('#createKey').waitFor({ state: 'visible', timeout: 10000 });
  } catch (e) {
    await wb.shot('webviews-builder-failed-manage-keys');
    throw e;
  }
  await fill(settings, 'newKeyLabel', 'builder key');
  await settings.locator('#createKey').click();
  const keyRow = settings.locator('#keyRows tr', { hasText: 'builder key' });
  await keyRow.waitFor();
  // The first key created becomes the default by itself.
  await settings.locator('#keyRows tr', { hasText: 'builder key' }).filter({ hasText: '● default' }).waitFor();
  const keyId = await keyRow.getAttribute('data-key-id');

  await runCommand(page, 'Freezer: New Archive…');
  await page.locator('.tab.active', { hasText: 'New Archive' }).waitFor();
  frame = webview(page);
  await waitReady(frame);
  assert.equal(await frame.locator('#key').evaluate((el) => el.value), keyId, 'the default key is preselected');
  await frame.locator('#addFiles').click();
  await answerFileDialog(page, path.join(wb.workspace, 'extra', 'new.txt'), 'Add Files');
  await waitSummary('1 of 1 files selected');
  await fill(frame, 'name', 'e2e encrypted');
  await frame.locator('#description', { hasText: `e=fzr1;key=${keyId}` }).waitFor();
  await frame.locator('#apply').click();
  await page.locator('.notification-toast', { hasText: /"e2e encrypted" is in vault e2e-vault \(1 files/ }).waitFor({ timeout: 60000 });
  const dir = path.join(wb.cs.dirs.userData, 'User', 'globalStorage', 'freezer.freezer', 'archives');
  const built = fs.readdirSync(dir).filter((f) => f.startsWith('e2e_encrypted-') && f.endsWith('.fzr'));
  assert.equal(built.length, 1, `one encrypted archive file in ${fs.readdirSync(dir).join(', ')}`);
  assert.equal(fs.readFileSync(path.join(dir, built[0])).subarray(0, 4).toString('ascii'), 'FZR1');
});

test('Freeze Folder encrypts with the default key the Settings panel and the builder show, whatever freezer.defaultKeyId says', async () => {
  const { page } = wb;
  const settings = webview(page);
  await activateTab(page, 'Freezer Settings');
  const keyId = await settings.locator('#keyRows tr', { hasText: 'builder key' }).filter({ hasText: '● default' }).getAttribute('data-key-id');
  // A value left in VS Code settings (older versions wrote one) names no key the catalogue calls default.
  await setUserSettings(wb, { 'freezer.defaultKeyId': 'ffffffffffffffff' });
  const dir = path.join(wb.cs.dirs.userData, 'User', 'globalStorage', 'freezer.freezer', 'archives');
  const before = new Set(fs.readdirSync(dir));
  await wb.shot('webviews-builder-before-freeze-folder');
  await runCommand(page, 'Freezer: Freeze Folder');
  await answerFileDialog(page, path.join(wb.workspace, 'extra'), 'Freeze', page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'second-vault' }));
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'e2e-vault' }).first().click();
  await page.locator('.notification-toast', { hasText: /Froze extra into .*encrypted\) in e2e-vault/ }).waitFor({ timeout: 60000 });
  const built = fs.readdirSync(dir).filter((f) => !before.has(f) && f.endsWith('.fzr'));
  assert.equal(built.length, 1, `one new encrypted archive file in ${fs.readdirSync(dir).join(', ')}`);
  // fzr1 header: magic, version, cipher, header size, chunk size, then the key's 8-byte fingerprint (its id).
  const header = fs.readFileSync(path.join(dir, built[0])).subarray(0, 20);
  assert.equal(header.subarray(0, 4).toString('ascii'), 'FZR1');
  assert.equal(header.subarray(12, 20).toString('hex'), keyId);
});

test('New Archive on a vault in the Vaults view opens the builder on that vault', async () => {
  const { page } = wb;
  const vaultRow = page.locator('.pane-body .monaco-list-row', { hasText: 'second-vault' }).first();
  await vaultRow.hover();
  await vaultRow.locator('.action-label[aria-label^="New Archive"]').click();
  await page.locator('.tab.active', { hasText: 'New Archive' }).waitFor();
  frame = webview(page);
  await waitReady(frame);
  await frame.locator('#vault vscode-option', { hasText: 'second-vault' }).waitFor({ state: 'attached' });
  assert.equal(await frame.locator('#vault').evaluate((el) => el.value), 'second-vault');
});

test('the summary estimates the stored size ("about"), measured on the files: text comes out small, random data does not', async () => {
  await frame.locator('#addFolders').click();
  await answerFileDialog(wb.page, path.join(wb.workspace, 'sizes'), 'Add Folders');
  await waitSummary('2 of 2 files selected · 4\\.0 MiB · archive about ');
  const estimated = async (selected) => {
    await waitSummary(`${selected} of 2 files selected · [^·]+ · archive about `);
    const m = /archive about ([\d.]+) (B|KiB|MiB)/.exec(await summary().textContent());
    return Number(m[1]) * { B: 1, KiB: 1024, MiB: 1024 * 1024 }[m[2]];
  };
  const both = await estimated(2);
  await row('random.bin').getByRole('checkbox').click();
  const textOnly = await estimated(1);
  await row('random.bin').getByRole('checkbox').click();
  await row('text.txt').getByRole('checkbox').click();
  const randomOnly = await estimated(1);
  // 2 MiB of text compresses several times; 2 MiB of random bytes stays 2 MiB (plus the format's few bytes).
  assert.ok(textOnly < 1024 * 1024, `text estimated ${textOnly} B`);
  assert.ok(randomOnly >= 2 * 1024 * 1024 * 0.99 && randomOnly < 2.2 * 1024 * 1024, `random estimated ${randomOnly} B`);
  assert.ok(both > randomOnly && both < randomOnly + textOnly * 1.5, `both ${both} B, text ${textOnly} B, random ${randomOnly} B`);
  await wb.shot('webviews-builder-estimate');
});

test('the panels ran under their strict CSP without a single violation (and a violation would be seen)', async () => {
  assert.deepEqual(cspViolations, []);
  // Control: an image from elsewhere and an inline script are refused, and the refusal reaches this log.
  await frame.locator('body').evaluate((body) => {
    const img = document.createElement('img');
    img.src = 'https://example.invalid/x.png';
    body.appendChild(img);
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    body.appendChild(s);
  });
  await wb.page.waitForTimeout(1000);
  assert.ok(cspViolations.some((m) => /img-src|image/i.test(m)), `image refusal seen: ${cspViolations.join(' | ')}`);
  assert.equal(await frame.locator('body').evaluate(() => window.__inlineRan === true), false, 'inline script did not run');
});
