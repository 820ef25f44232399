/* global performance, requestAnimationFrame -- the scroll timing runs in the webview. */
// The archive builder's contents overview with 100,000 files: listed, scrolled end to end, filtered and
// clicked, with only the visible rows in the DOM. Prints the figures it measured.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { openWorkbench } from './support.mjs';
import { answerFileDialog, baseSettings, fill, openFreezer, runCommand, waitReady, webview } from './webviews/helpers.mjs';

const DIRS = 100;
const PER_DIR = 1000;
const TOTAL = DIRS * PER_DIR;
const pad = (n, w) => String(n).padStart(w, '0');

let wb;
let frame;
let big;
before(async () => {
  wb = await openWorkbench({
    settings: baseSettings('Default Dark Modern'),
    // Outside the workspace folder, so VS Code's file watcher does not crawl it.
    prepareWorkspace: (dir) => {
      big = path.join(dir, '..', 'big');
      const t0 = Date.now();
      for (let d = 0; d < DIRS; d++) {
        const sub = path.join(big, `d${pad(d, 3)}`);
        fs.mkdirSync(sub, { recursive: true });
        for (let f = 0; f < PER_DIR; f++) fs.writeFileSync(path.join(sub, `f${pad(f, 4)}.txt`), '');
      }
      console.log(`# generated ${TOTAL} files in ${Date.now() - t0} ms`);
    },
  });
  await openFreezer(wb.page);
});
after(async () => { await wb?.close(); });

const rowsInDom = () => frame.locator('.vrow').count();

test('100,000 files are listed with only the visible rows in the DOM', async () => {
  await runCommand(wb.page, 'Freezer: New Archive…');
  frame = webview(wb.page);
  await waitReady(frame);
  const t0 = Date.now();
  await frame.locator('#addFolders').click();
  await answerFileDialog(wb.page, big, 'Add Folders');
  await frame.locator('#summary', { hasText: /^100,000 of 100,000 files selected/ }).waitFor({ timeout: 120000 });
  console.log(`# listed ${TOTAL} files in ${Date.now() - t0} ms (dialog included)`);
  const n = await rowsInDom();
  assert.ok(n > 5 && n < 120, `only visible rows are rendered (got ${n})`);
  assert.equal(await frame.locator('#spacer').evaluate((el) => el.getBoundingClientRect().height), TOTAL * 22);
});

test('scrolling to the middle and the end shows the right rows at once', async () => {
  const list = frame.locator('#list');
  const frameMs = await list.evaluate(async (el) => {
    // Scroll through the list in 300 steps, one per frame, and time the frames.
    const steps = 300;
    const t0 = performance.now();
    for (let i = 1; i <= steps; i++) {
      el.scrollTop = (el.scrollHeight * i) / steps;
      await new Promise((r) => requestAnimationFrame(() => r(undefined)));
    }
    return (performance.now() - t0) / steps;
  });
  console.log(`# scrolled 100,000 rows end to end in 300 frames: ${frameMs.toFixed(1)} ms per frame`);
  await frame.locator(`.vrow[data-index="${TOTAL - 1}"]`).waitFor();
  assert.match(await frame.locator(`.vrow[data-index="${TOTAL - 1}"]`).getAttribute('title'), /d099\/f0999\.txt$/);
  await list.evaluate((el) => { el.scrollTop = 50_000 * 22; });
  await frame.locator('.vrow[data-index="50000"]').waitFor();
  assert.match(await frame.locator('.vrow[data-index="50000"]').getAttribute('title'), /d050\/f0000\.txt$/);
  assert.ok(await rowsInDom() < 120);
  await wb.shot('webviews-builder-100k-dark');
});

test('a regex filter over 100,000 files, then clicking, double-clicking and the keyboard still work', async () => {
  await fill(frame, 'regex', '/d0[0-4]\\d/');
  const t0 = Date.now();
  await frame.locator('#applyRegex').click();
  await frame.locator('#summary', { hasText: /^50,000 of 100,000 files selected/ }).waitFor({ timeout: 30000 });
  console.log(`# regex filter over ${TOTAL} files: ${Date.now() - t0} ms`);
  // Row 50,000 (d050/f0000) is still selected; double-click unselects it, a click on its box selects it again.
  const row = frame.locator('.vrow[data-index="50000"]');
  await row.locator('.c-path').dblclick();
  await frame.locator('#summary', { hasText: /^49,999 of 100,000/ }).waitFor();
  await row.locator('.c-check').click();
  await frame.locator('#summary', { hasText: /^50,000 of 100,000/ }).waitFor();
  // Home: row 0 (d000, unselected by the filter); Space selects it by hand.
  await frame.locator('#list').press('Home');
  await frame.locator('.vrow.active[data-index="0"]').waitFor();
  await frame.locator('#list').press('Space');
  await frame.locator('#summary', { hasText: /^50,001 of 100,000/ }).waitFor();
  assert.equal(await frame.locator('.vrow[data-index="0"]').getAttribute('aria-selected'), 'true');
  // End: the last row; Space unselects it.
  await frame.locator('#list').press('End');
  await frame.locator(`.vrow.active[data-index="${TOTAL - 1}"]`).waitFor();
  await frame.locator('#list').press('Space');
  await frame.locator('#summary', { hasText: /^50,000 of 100,000/ }).waitFor();
  assert.match(await frame.locator(`.vrow[data-index="${TOTAL - 1}"]`).textContent(), /manual/);
});
