// Shared set-up for the end-to-end tests: Freezer installed from its .vsix into an offline code-server,
// driven by playwright-core in Debian's Chromium. Screenshots go to test-results/e2e (git-ignored).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { installVsix, launchChromium, mkTmp, startCodeServer } from '../../scripts/lib-code-server.mjs';
import { runCommand } from './webviews/helpers.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const shotsDir = path.resolve(process.env.FREEZER_SHOTS || path.join(root, 'test-results/e2e'));

/**
 * Starts VS Code with Freezer on a workspace. `settings` are user settings; `prepareWorkspace(dir)` may
 * add files. `reopen` (the `scratch` of a workbench closed with `keep`) starts VS Code again on the same
 * profile and workspace, as a user reopening it. Returns { page, cs, workspace, scratch, globalStorage,
 * shot(name), runCommand(title), close({ keep }) }.
 */
export async function openWorkbench({ settings = {}, prepareWorkspace, env = {}, reopen } = {}) {
  const scratch = reopen ?? mkTmp('fz-e2e-');
  const extensionsDir = path.join(scratch, 'extensions');
  const workspace = path.join(scratch, 'workspace');
  if (!reopen) {
    fs.mkdirSync(extensionsDir, { recursive: true });
    await installVsix(path.join(root, 'freezer.vsix'), extensionsDir);
    fs.mkdirSync(workspace);
    if (prepareWorkspace) await prepareWorkspace(workspace);
  }
  const cs = await startCodeServer({ root: path.join(scratch, 'cs'), extensionsDir, settings, env });
  const browser = await launchChromium();
  const page = browser.context.pages()[0] || await browser.context.newPage();
  page.setDefaultTimeout(30000);
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(workspace)}`);
  await page.locator('.monaco-workbench').waitFor();
  await page.locator('.activitybar').waitFor();
  await page.keyboard.press('Escape');
  fs.mkdirSync(shotsDir, { recursive: true });
  return {
    page, cs, workspace, scratch,
    // Where VS Code keeps the extension's data (its catalogue freezer.db): publisher.name.
    globalStorage: path.join(cs.dirs.userData, 'User/globalStorage/freezer.freezer'),
    shot: (name) => page.screenshot({ path: path.join(shotsDir, `${name}.png`) }),
    runCommand: (title) => runCommand(page, title),
    close: async ({ keep = false } = {}) => {
      await browser.close();
      await cs.stop();
      if (!keep && !process.env.E2E_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
