// User journey 7 in a real VS Code (code-server) and Chromium, with the `freezer` CLI beside it: restores
// started in VS Code finish while VS Code is closed. A standalone `freezer endpoint` plays AWS for the
// whole test (VS Code's own embedded endpoint would close with it). In VS Code: a bucket store, two
// folders frozen (encrypted, the key exported), both disconnected; Retrieve Archive on one, Restore File
// Version on the other; VS Code closed. `freezer daemon` on the extension's own catalogue and queue
// takes the S3 ObjectRestore:Completed events, downloads the archive and restores the file. VS Code
// reopened on the same profile shows the first archive `liquid` (its local copy); the second, whose
// segment the daemon's restore brought back, is `melted` at once when restored whole (with the date
// its restored copy expires), then `liquid` once downloaded.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { ListObjectsV2Command, RestoreObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkTmp } from '../../scripts/lib-code-server.mjs';
import { openWorkbench, root } from './support.mjs';
import { answerFileDialog, baseSettings } from './webviews/helpers.mjs';
import {
  chooseFolder, clearToasts, contextMenu, expandPane, expandRow, freezeFromExplorer, input, pick, sha, showContainer, toast, until, viewRow,
  widenSidebar, withFailureShot, writeRandomFiles,
} from './journeys/helpers.mjs';

const CLI = path.join(root, 'dist/cli.js');
const BUCKET = 'nightly-backups';
const STORE = `s3://${BUCKET}/laptop`;
const letter = randomBytes(200 * 1024);
let ep;
let epDir;
let wb;
let daemon;
const shot = (n) => wb.shot(`journey-daemon-${n}`);

/** A process's stdout/stderr lines, kept, with a wait for the first line matching. */
function lines(proc) {
  const seen = [];
  const waiters = new Set();
  for (const s of [proc.stdout, proc.stderr]) {
    readline.createInterface({ input: s }).on('line', (l) => {
      seen.push(l);
      for (const w of waiters) if (w.re.test(l)) { waiters.delete(w); w.resolve(l); }
    });
  }
  const exited = new Promise((r) => proc.once('exit', (code) => r(code)));
  return {
    seen,
    exited,
    // Resolves on the line; rejects if the process ends first, or after a generous bound (a hang, not a
    // slow machine), with everything it said.
    wait(re, what, timeout = 180000) {
      const hit = seen.find((l) => re.test(l));
      if (hit) return Promise.resolve(hit);
      let timer;
      return Promise.race([
        new Promise((resolve) => waiters.add({ re, resolve })),
        exited.then((code) => { throw new Error(`${what}: the process exited (${code}) first:\n${seen.join('\n')}`); }),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: not seen; the process said:\n${seen.join('\n')}`)), timeout); }),
      ]).finally(() => clearTimeout(timer));
    },
  };
}

before(async () => {
  epDir = mkTmp('fz-e2e-daemon-endpoint-');
  // Bulk restores wait an hour: none completes until the test asks for the faster Standard tier (which
  // S3 allows on a running restore), once the daemon listens, so completion comes only by the S3 event.
  const proc = spawn(process.execPath, [CLI, 'endpoint', '--dir', epDir, '--json', '--job-delay', 'Expedited=0,Standard=0,Bulk=3600000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  ep = { proc, out: lines(proc) };
  ep.info = JSON.parse(await ep.out.wait(/^\{"url"/, 'the endpoint\'s address'));
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern', {
      'freezer.endpoint': ep.info.url,
      'freezer.notificationQueueUrl': ep.info.queueUrl,
      'freezer.snsTopicArn': ep.info.topicArn,
      'freezer.threads': 2,
      // Restored copies kept 5 days instead of 3: the planner prices it and S3 is asked for it.
      'freezer.restoredCopyDays': 5,
      // Encrypted, as a user's backups are: the daemon needs the key export to restore the file.
      'freezer.allowUnencrypted': false,
    }),
    prepareWorkspace: (ws) => {
      writeRandomFiles(path.join(ws, 'photos'), 6, 256 * 1024, 'img');
      // The letter comes first in the tar and the archive spans several frames, so restoring it reads
      // only part of the archive: the archive stays melted (restored copy) rather than kept locally.
      writeRandomFiles(path.join(ws, 'letters'), 3, 3 * 1024 * 1024, 'old');
      fs.writeFileSync(path.join(ws, 'letters/a-letter.bin'), letter);
    },
  });
});

after(async () => {
  if (daemon && daemon.proc.exitCode === null) daemon.proc.kill('SIGKILL');
  await wb?.close();
  if (ep && ep.proc.exitCode === null) {
    ep.proc.kill('SIGTERM');
    await ep.out.exited;
  }
  if (epDir && !process.env.E2E_KEEP) fs.rmSync(epDir, { recursive: true, force: true });
});

/** The `freezer` CLI on the extension's catalogue, endpoint and queue (what a user's daemon unit says). */
function cliArgs(keys) {
  return ['--database', path.join(wb.globalStorage, 'freezer.db'), '--keys', keys, '--endpoint', ep.info.url, '--queue', ep.info.queueUrl, '--poll-time', '1'];
}

test('journey 7: restores started in VS Code are finished by the daemon from S3 events while VS Code is closed; reopened, it shows liquid and melted', () => withFailureShot(() => wb, 'journey-daemon', async () => {
  let page = wb.page;
  await showContainer(page, 'Freezer');
  await page.getByText('No stores yet').first().waitFor({ timeout: 30000 });
  await widenSidebar(page);
  await page.getByRole('button', { name: 'Create Bucket' }).first().click();
  await input(page).waitFor();
  await input(page).fill(`${BUCKET}/laptop`);
  await page.keyboard.press('Enter');
  await pick(page, 'DEEP_ARCHIVE');
  await viewRow(page, 'Stores', STORE).first().waitFor({ timeout: 30000 });
  await clearToasts(page);

  // The first freeze creates the key; its export is what the daemon decrypts with.
  await freezeFromExplorer(page, 'photos', STORE);
  await pick(page, 'DEEP_ARCHIVE');
  await page.getByRole('button', { name: 'Create Key Now' }).click();
  const offer = toast(page, /Created encryption key [0-9a-f]{16}/).first();
  await offer.waitFor();
  await toast(page, /Froze photos into .*encrypted/).first().waitFor({ timeout: 90000 });
  await offer.getByRole('button', { name: 'Save Export…' }).click();
  const exported = path.join(wb.scratch, 'key-export.json');
  await answerFileDialog(page, exported);
  await until(async () => fs.existsSync(exported) && fs.statSync(exported).size > 0, 15000, 'the key export');
  await clearToasts(page);
  await freezeFromExplorer(page, 'letters', STORE);
  await pick(page, 'DEEP_ARCHIVE');
  await toast(page, /Froze letters into .*encrypted/).first().waitFor({ timeout: 90000 });
  await clearToasts(page);

  await showContainer(page, 'Freezer');
  await expandRow(viewRow(page, 'Stores', STORE).first());
  for (const name of ['photos', 'letters']) {
    const liquid = viewRow(page, 'Stores', new RegExp(`^${name}.*liquid`)).first();
    await liquid.waitFor({ timeout: 30000 });
    // The store row's tooltip (the mouse rests there after expanding it) would take the right-click.
    await page.mouse.move(900, 700);
    await page.locator('.monaco-hover').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
    await contextMenu(page, liquid, 'Disconnect Archive');
    // The prompt says what getting it back takes for this store and class (no Glacier vault job here).
    await page.locator('.monaco-dialog-box', { hasText: /stays in s3:\/\/nightly-backups\/laptop in DEEP_ARCHIVE.*S3 restore \(Standard within 12 h, Bulk within 48 h\)/ }).waitFor();
    await page.getByRole('button', { name: 'Delete Local File' }).click();
    await viewRow(page, 'Stores', new RegExp(`^${name}.*frozen`)).first().waitFor({ timeout: 30000 });
  }

  // The whole photos archive, to keep locally (liquid)…
  await contextMenu(page, viewRow(page, 'Stores', /^photos.*frozen/).first(), 'Retrieve or Download Archive');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: /Restore photos-\S+: 1 of 1 segment object .* for 5 days/ }).waitFor();
  await pick(page, 'Bulk');
  await viewRow(page, 'Stores', /^photos.*melting/).first().waitFor({ timeout: 30000 });
  await clearToasts(page);
  // …and one letter into a folder (the archive stays melted: only its restored copy, until it expires).
  await expandPane(page, 'Frozen Files');
  await expandRow(viewRow(page, 'Frozen Files', /^workspace/).first());
  await expandRow(viewRow(page, 'Frozen Files', /^letters/).first());
  const file = viewRow(page, 'Frozen Files', /^a-letter\.bin/).first();
  await expandRow(file);
  const target = path.join(wb.scratch, 'restored');
  fs.mkdirSync(target);
  await contextMenu(page, viewRow(page, 'Frozen Files', /frozen/).first(), 'Restore File Version');
  await chooseFolder(page, target, 'Restore Here');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: /Restore a-letter\.bin/ }).waitFor();
  await pick(page, 'Bulk');
  await toast(page, /retrieval of only the part holding a-letter\.bin started \(Bulk\)/).first().waitFor({ timeout: 30000 });
  await showContainer(page, 'Freezer');
  // Only part of letters is being restored, so the archive as a whole stays frozen; the job shows it.
  await viewRow(page, 'Jobs', /^Retrieve letters.*in progress/).first().waitFor({ timeout: 30000 });
  await viewRow(page, 'Jobs', /^Retrieve photos.*in progress/).first().waitFor({ timeout: 30000 });
  await shot('1-melting-before-closing');
  await wb.close({ keep: true });

  // VS Code is closed. The user's daemon: the extension's catalogue, the same queue, the exported key.
  const keys = path.join(wb.scratch, 'daemon-keys.json');
  const imported = spawnSync(process.execPath, [CLI, 'keys', 'import', exported, ...cliArgs(keys)], { encoding: 'utf8' });
  assert.equal(imported.status, 0, imported.stderr);
  const proc = spawn(process.execPath, [CLI, 'daemon', ...cliArgs(keys)], { stdio: ['ignore', 'pipe', 'pipe'] });
  daemon = { proc, out: lines(proc) };
  await daemon.out.wait(/Listening for job notifications/, 'the daemon listening');
  assert.ok(!daemon.out.seen.some((l) => /is now Succeeded/.test(l)), 'nothing completed before the daemon listened');

  // S3 finishes the restores: asking for Standard on a running Bulk restore speeds it up, as on AWS.
  const s3 = new S3Client({ endpoint: ep.info.url, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'FREEZERLOCAL', secretAccessKey: 'freezer-local-endpoint' } });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'laptop/', OptionalObjectAttributes: ['RestoreStatus'] }));
  const restoring = (listed.Contents ?? []).filter((o) => o.RestoreStatus?.IsRestoreInProgress);
  assert.equal(restoring.length, 2, `one segment object of each archive is being restored: ${JSON.stringify(listed.Contents?.map((o) => [o.Key, o.RestoreStatus]))}`);
  for (const o of restoring) await s3.send(new RestoreObjectCommand({ Bucket: BUCKET, Key: o.Key, RestoreRequest: { Days: 5, GlacierJobParameters: { Tier: 'Standard' } } }));
  s3.destroy();

  await daemon.out.wait(/Downloaded archive \d+ from s3:\/\/nightly-backups\/laptop/, 'the daemon downloading photos');
  await daemon.out.wait(/restored 1 file(\(s\))? into .*restored/, 'the daemon restoring the letter');
  assert.equal(daemon.out.seen.filter((l) => /is now Succeeded \(restored copy until .*\) \(seen by S3 event\)/.test(l)).length, 2, daemon.out.seen.join('\n'));
  assert.equal(sha(fs.readFileSync(path.join(target, 'a-letter.bin'))), sha(letter), 'the letter, byte for byte');
  daemon.proc.kill('SIGTERM');
  assert.equal(await daemon.out.exited, 0, daemon.out.seen.join('\n'));

  // VS Code reopened on the same profile: what the daemon did is there.
  wb = await openWorkbench({ reopen: wb.scratch });
  page = wb.page;
  await showContainer(page, 'Freezer');
  await widenSidebar(page);
  await expandRow(viewRow(page, 'Stores', STORE).first());
  await viewRow(page, 'Stores', /^photos.*liquid/).first().waitFor({ timeout: 30000 });
  // One file's restore leaves its archive frozen as a whole; but the daemon's restore brought its one
  // segment object back, so restoring the whole archive now needs no wait (S3 answers 200): melted at
  // once, until the copy's expiry (the 5 days of the setting, to midnight UTC as S3 rounds it); then downloaded: liquid.
  await shot('2-reopened-photos-liquid');
  await contextMenu(page, viewRow(page, 'Stores', /^letters.*frozen/).first(), 'Retrieve or Download Archive');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: /Restore letters-\S+: 1 of 1 segment object/ }).waitFor();
  const midnight = (t) => new Date(Math.ceil((t + 5 * 86_400_000) / 86_400_000) * 86_400_000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  const before = Date.now();
  await pick(page, 'Bulk');
  const melted = await viewRow(page, 'Stores', /^letters.*melted until/).first().textContent({ timeout: 30000 });
  assert.ok([midnight(before), midnight(Date.now())].some((d) => melted.includes(`melted until ${d}`)), melted);
  await clearToasts(page);
  await shot('3-reopened-letters-melted');
  await contextMenu(page, viewRow(page, 'Stores', /^letters.*melted/).first(), 'Retrieve or Download Archive');
  await viewRow(page, 'Stores', /^letters.*liquid/).first().waitFor({ timeout: 60000 });
  await shot('4-reopened-both-liquid');
}));
