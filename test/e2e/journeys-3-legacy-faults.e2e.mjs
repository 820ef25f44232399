// User journeys 5 and 7 in a real VS Code (code-server) and Chromium: an AWS Freezer (original tool)
// database is imported and its legacy archive restores byte for byte; and an upload meets a faulty
// endpoint that then stops: the user sees a clear error, and once the endpoint is back the upload
// resumes (parts already sent are not sent again) and the archive restores byte for byte.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { openWorkbench, root } from './support.mjs';
import { answerFileDialog, baseSettings, createVault, openFreezer, runCommand } from './webviews/helpers.mjs';
import {
  chooseFolder, clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, pick, sha, showContainer, until, viewRow, widenSidebar, notification, writeRandomFiles, withFailureShot,
} from './journeys/helpers.mjs';

let wb;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fz-journey-'));
const shot = (n) => wb.shot(`journey-${n}`);
after(async () => {
  await wb?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('journey 5: import an AWS Freezer database → vaults, archives, files appear; a legacy file restores', () => withFailureShot(() => wb, 'journey-5', async () => {
  const dir = path.join(tmp, 'legacy');
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'test/e2e/journeys/legacyFixture.ts', dir], { cwd: root, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const fixture = JSON.parse(r.stdout.trim().split('\n').pop());
  wb = await openWorkbench({ settings: baseSettings('Default Dark Modern', { 'freezer.localEndpointFolder': path.join(dir, 'endpoint') }) });
  const { page } = wb;
  await openFreezer(page);
  await widenSidebar(page);

  await runCommand(page, 'Freezer: Import AWS Freezer Database…');
  await answerFileDialog(page, fixture.db, 'Import');
  const vault = viewRow(page, 'Stores', fixture.vault).first();
  await vault.waitFor({ timeout: 30000 });
  // An existing vault when Freezer already listed it from the endpoint before the import.
  await notification(page, /Imported 1 archive, 3 files and 1 key into 1 (new|existing) vault\./);
  await expandRow(vault);
  const archive = viewRow(page, 'Stores', /^holiday.*frozen/).first();
  await archive.waitFor();
  await expandPane(page, 'Frozen Files');
  await expandRow(viewRow(page, 'Frozen Files', /^ann/).first());
  await expandRow(viewRow(page, 'Frozen Files', /^photos/).first());
  const beach = viewRow(page, 'Frozen Files', /^beach\.jpg/).first();
  await beach.waitFor();
  await viewRow(page, 'Frozen Files', /^hills\.jpg/).first().waitFor();
  await shot('5-imported');
  await clearToasts(page);

  const target = path.join(wb.scratch, 'legacy-restore');
  fs.mkdirSync(target);
  await contextMenu(page, beach, 'Restore File Version');
  // The archive is frozen: after the target folder, the retrieval tier (with size and cost);
  // Glacier thaws it and Freezer restores when it is ready.
  await chooseFolder(page, target, 'Restore Here');
  await page.locator('.quick-input-widget', { hasText: 'Retrieve holiday' }).waitFor();
  await shot('5-tier');
  await pick(page, 'Expedited');
  const restored = path.join(target, 'beach.jpg');
  await until(() => Promise.resolve(fs.existsSync(restored) && fs.statSync(restored).size === 60_000), 90000, 'the legacy file restored');
  assert.equal(sha(fs.readFileSync(restored)), fixture.files['/home/ann/photos/beach.jpg']);
  await viewRow(page, 'Stores', /^holiday.*liquid/).first().waitFor({ timeout: 30000 });
  await shot('5-restored');
  await wb.close();
  wb = undefined;
}));

async function freePort() {
  const srv = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => srv.once('listening', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** The local endpoint as its own process, so the test can make it fail and stop. */
async function startEndpoint(dir, port, faults = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/core/endpoint/standalone.ts', '--dir', dir, '--port', String(port), ...faults], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; if (out.includes('listening')) resolve(); });
    child.once('exit', (code) => reject(new Error(`endpoint exited (${code})`)));
  });
  return child;
}

test('journey 7: faults, then the endpoint stops: a clear error; back again, the upload resumes and nothing is lost', () => withFailureShot(() => wb, 'journey-7', async () => {
  const dir = path.join(tmp, 'endpoint');
  const port = await freePort();
  // 500s, 503s, throttling and slow answers on a third of the requests; a seed makes the run repeatable.
  let ep = await startEndpoint(dir, port, ['--fault-rate', '0.3', '--fault-kinds', '500,503,throttle,slow', '--fault-seed', '7', '--fault-slow-ms', '400']);
  try {
    wb = await openWorkbench({
      settings: baseSettings('Default Dark Modern', { 'freezer.endpoint': `http://127.0.0.1:${port}`, 'freezer.chunkSizeMiB': 1, 'freezer.threads': 1 }),
      // A URL endpoint takes credentials from the usual AWS chain; the local endpoint accepts any.
      env: { AWS_ACCESS_KEY_ID: 'FREEZERLOCAL', AWS_SECRET_ACCESS_KEY: 'freezer-local-endpoint' },
      prepareWorkspace: (ws) => writeRandomFiles(path.join(ws, 'videos'), 20, 1024 * 1024, 'clip'),
    });
    const { page } = wb;
    await openFreezer(page);
    await widenSidebar(page);
    await createVault(page, 'videos-vault');
    await freezeFromExplorer(page, 'videos', 'videos-vault');
    await showContainer(page, 'Freezer');
    await expandRow(viewRow(page, 'Stores', 'videos-vault').first());
    // Uploading through the faults (retried); stop the endpoint part-way.
    const uploading = viewRow(page, 'Stores', /uploading · Uploading · [1-9][\d.]* MiB of/).first();
    await uploading.waitFor({ timeout: 60000 });
    await shot('7-uploading-with-faults');
    ep.kill('SIGKILL');
    await new Promise((r) => ep.once('exit', r));
    ep = undefined;
    const message = await notification(page, /could not|cannot|unreachable|ECONNREFUSED|connect/i, 90000);
    assert.match(message, /127\.0\.0\.1|endpoint|connect/i, message);
    await shot('7-error');
    const stuck = viewRow(page, 'Stores', /^videos-/).first();
    assert.doesNotMatch(await stuck.textContent(), /liquid/);
    await clearToasts(page);

    // The endpoint comes back (same data, no faults); a new window resumes the unfinished upload.
    ep = await startEndpoint(dir, port);
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForEvent('load', { timeout: 30000 }).catch(() => undefined);
    await page.locator('.monaco-workbench').waitFor();
    await openFreezer(page);
    await expandRow(viewRow(page, 'Stores', 'videos-vault').first());
    await viewRow(page, 'Stores', /^videos-.*liquid/).first().waitFor({ timeout: 90000 });
    await runCommand(page, 'Freezer: Show Log');
    // The log tells the resume: only the missing parts were sent.
    // (The output view renders spaces as no-break spaces.)
    const logText = await until(async () => {
      const t = (await page.locator('.part.panel').first().textContent()).replace(/\u00a0/g, ' ');
      return /Resumed 1 unfinished upload/.test(t) && t;
    }, 15000, 'the log line of the resume');
    const [, parts, sent] = /\((\d+) parts, (\d+) sent by this run\)/.exec(logText) ?? [];
    assert.ok(Number(sent) >= 1 && Number(sent) < Number(parts), `resumed, not restarted: ${sent} of ${parts} parts sent after the restart`);
    await shot('7-resumed');

    // Nothing lost: from Glacier only, retrieved and restored, every byte matches.
    const row = viewRow(page, 'Stores', /^videos-.*liquid/).first();
    await contextMenu(page, row, 'Disconnect');
    await page.getByRole('button', { name: 'Delete Local File' }).click();
    const target = path.join(wb.scratch, 'restored-videos');
    fs.mkdirSync(target);
    await contextMenu(page, viewRow(page, 'Stores', /^videos-.*frozen/).first(), 'Restore Whole Archive');
    await chooseFolder(page, target, 'Restore Here');
    await pick(page, 'Expedited');
    // No notification queue on this endpoint URL: the user asks Glacier with Refresh Jobs (Jobs title bar).
    const count = () => fs.readdirSync(target, { recursive: true }).filter((f) => /clip\d+\.bin$/.test(f)).length;
    for (let i = 0; i < 20 && count() < 20; i++) {
      await runCommand(page, 'Freezer: Refresh Jobs');
      await page.waitForTimeout(3000);
    }
    await until(() => Promise.resolve(count() === 20), 60000, 'all files restored');
    for (const f of fs.readdirSync(target, { recursive: true }).filter((x) => /clip\d+\.bin$/.test(x))) {
      await until(() => Promise.resolve(fs.statSync(path.join(target, f)).size === 1024 * 1024), 30000, f);
      assert.equal(sha(fs.readFileSync(path.join(target, f))), sha(fs.readFileSync(path.join(wb.workspace, 'videos', path.basename(f)))), f);
    }
  } finally {
    ep?.kill('SIGTERM');
  }
}));
