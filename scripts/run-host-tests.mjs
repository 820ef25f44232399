#!/usr/bin/env node
// Layer 2: the test suite inside a real VS Code extension host, offline. code-server (VS Code 1.139) is
// opened in headless Chromium with a `payload` carrying extensionDevelopmentPath/extensionTestsPath as
// vscode-remote:// URIs (the way VS Code runs its own web integration tests, which code-server honours
// with --enable-smoke-test-driver); the exit code comes back through window.codeAutomationExit().
// usage: node scripts/run-host-tests.mjs [--grep PATTERN] [--workspace DIR] [--timeout MS]
import './lib-node.mjs'; // Node ≥ 22.15, else re-run under the private Node 24
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startCodeServer, launchChromium, mkTmp } from './lib-code-server.mjs';

export async function runExtensionTests({ extensionDevelopmentPath, extensionTestsPath, workspace, timeoutMs = 600000, env = {} }) {
  const devPaths = (Array.isArray(extensionDevelopmentPath) ? extensionDevelopmentPath : [extensionDevelopmentPath]).map((p) => path.resolve(p));
  const folder = workspace ? path.resolve(workspace) : mkTmp('ws-');
  const t0 = Date.now();
  // The extension host inherits code-server's environment: that is how test settings reach the suite.
  const cs = await startCodeServer({ extraArgs: ['--vscode-option', 'enable-smoke-test-driver'], env });
  console.log(`[host] code-server up at ${cs.url} in ${cs.startupMs} ms`);
  const browser = await launchChromium();
  let exitCode = 1;
  const page = browser.context.pages()[0] || await browser.context.newPage();
  try {
    const remote = (p) => `vscode-remote://127.0.0.1:${cs.port}${p}`;
    const done = new Promise((resolve) => {
      page.exposeFunction('codeAutomationLog', (type, args) => (console[type] || console.log)(...(Array.isArray(args) ? args : [args])));
      page.exposeFunction('codeAutomationExit', async (code) => resolve(code));
    });
    page.on('pageerror', (e) => console.error('[page error]', e.message));
    const payload = [
      ...devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]),
      ['extensionTestsPath', remote(path.resolve(extensionTestsPath).replace(/\.js$/, ''))],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(`${cs.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let timer;
    const timeout = new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`tests did not finish within ${timeoutMs} ms`)), timeoutMs); });
    try { exitCode = await Promise.race([done, timeout]); } finally { clearTimeout(timer); }
    console.log(`[host] extension tests finished with exit code ${exitCode} (total ${Date.now() - t0} ms)`);
  } catch (e) {
    console.error('[host] ERROR', e);
    const shot = path.join(cs.dirs.root, 'failure.png');
    await page.screenshot({ path: shot }).catch(() => {});
    console.error(fs.readFileSync(cs.dirs.log, 'utf8').slice(-4000));
    exitCode = 1;
  } finally {
    await browser.close();
    await cs.stop();
    if (!process.env.E2E_KEEP) fs.rmSync(cs.dirs.root, { recursive: true, force: true });
  }
  return exitCode;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const argv = process.argv.slice(2);
  const one = (n, d) => { const i = argv.indexOf(n); return i >= 0 ? argv[i + 1] : d; };
  const code = await runExtensionTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(root, 'out/test/host/index.js'),
    workspace: one('--workspace'),
    timeoutMs: Number(one('--timeout', '900000')),
    env: one('--grep') ? { FREEZER_TEST_GREP: one('--grep') } : {},
  });
  process.exit(code);
}
