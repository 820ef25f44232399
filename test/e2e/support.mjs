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
 * add files. Returns { page, cs, workspace, scratch, shot(name), runCommand(title), close() }.
 */
export async function openWorkbench({ settings = {}, prepareWorkspace, env = {} } = {}) {
  const scratch = mkTmp('fz-e2e-');
  const extensionsDir = path.join(scratch, 'extensions');
  fs.mkdirSync(extensionsDir, { recursive: true });
  await installVsix(path.join(root, 'freezer.vsix'), extensionsDir);
  const workspace = path.join(scratch, 'workspace');
  fs.mkdirSync(workspace);
  if (prepareWorkspace) await prepareWorkspace(workspace);
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
    shot: (name) => page.screenshot({ path: path.join(shotsDir, `${name}.png`) }),
    runCommand: (title) => runCommand(page, title),
    close: async () => {
      await browser.close();
      await cs.stop();
      if (!process.env.E2E_KEEP) fs.rmSync(scratch, { recursive: true, force: true });
    },
  };
}
