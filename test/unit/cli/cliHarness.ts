/**
 * Test support for the `freezer` binary: builds src/cli/main.ts once per test process into a temp
 * folder (with sql-wasm.wasm beside it, as in dist/), runs it as a child process, and sets up the
 * home folder and embedded endpoint most binary tests share (`startCliHome`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from 'esbuild';
import { startEmbeddedEndpoint, type EmbeddedEndpoint, type EmbeddedEndpointOptions } from '../../../src/core/service/embeddedEndpoint';

const root = path.resolve(__dirname, '../../..');
let built: Promise<string> | undefined;

/** Path of the built CLI bundle (built on first call). */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-cli-build-'));
    const outfile = path.join(dir, 'cli.js');
    await build({
      entryPoints: [path.join(root, 'src/cli/main.ts')], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node22',
      external: ['vscode'], banner: { js: '#!/usr/bin/env node' }, logLevel: 'error', absWorkingDir: root,
    });
    fs.copyFileSync(path.join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), path.join(dir, 'sql-wasm.wasm'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    return outfile;
  })();
  return built;
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  timeoutMs?: number;
}

/** Environment without the developer's AWS settings, so tests never reach AWS by accident. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(AWS_|FREEZER_)/.test(k)) env[k] = v;
  return { ...env, AWS_EC2_METADATA_DISABLED: 'true', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', ...extra };
}

/** Runs `freezer ARGS…` to completion. */
export async function runCli(args: string[], opts: RunOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, opts);
  child.stdin!.end(opts.input ?? '');
  const timeoutMs = opts.timeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      child.process.kill('SIGKILL');
      const o = child.output();
      reject(new Error(`freezer ${args.join(' ')} timed out after ${timeoutMs} ms\nstdout:\n${o.stdout}\nstderr:\n${o.stderr}`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([child.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SpawnedCli {
  process: ChildProcess;
  stdin: NodeJS.WritableStream | null;
  /** Everything written so far. */
  output(): { stdout: string; stderr: string };
  /** Resolves when stdout+stderr contain a match (or rejects after timeoutMs). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the result when the process exits. */
  exited: Promise<CliResult>;
}

export function spawnCli(args: string[], opts: RunOptions = {}): SpawnedCli {
  const bin = builtPath();
  const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd, env: opts.env ?? cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; for (const w of waiters) w(); });
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; for (const w of waiters) w(); });
  const exited = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => { for (const w of waiters) w(); resolve({ code, signal, stdout, stderr }); }));
  return {
    process: child,
    stdin: child.stdin,
    output: () => ({ stdout, stderr }),
    exited,
    waitFor: (re, timeoutMs = 30_000) => new Promise((resolve, reject) => {
      const check = () => {
        const m = (stdout + '\n' + stderr).match(re);
        if (m) {
          done();
          resolve(m);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`freezer ${args[0]} exited (${child.exitCode ?? child.signalCode}) before printing ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => { done(); reject(new Error(`timed out waiting for ${re}\nstdout:\n${stdout}\nstderr:\n${stderr}`)); }, timeoutMs);
      const done = () => { clearTimeout(timer); waiters.delete(check); };
      waiters.add(check);
      check();
    }),
  };
}

let builtFile: string | undefined;
function builtPath(): string {
  if (!builtFile) throw new Error('call `await buildCli()` (in before()) first');
  return builtFile;
}
/** Builds and remembers the bundle path for spawnCli/runCli. */
export async function prepareCli(): Promise<string> {
  builtFile = await buildCli();
  return builtFile;
}

/** A temp folder removed at process exit. */
const temps: string[] = [];
export function tempDir(prefix = 'freezer-cli-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (!temps.length) process.on('exit', () => { for (const t of temps) fs.rmSync(t, { recursive: true, force: true }); });
  temps.push(d);
  return d;
}

/** First file under dir (recursive) whose name matches. */
export function findFile(dir: string, re: RegExp): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      const f = findFile(p, re);
      if (f) return f;
    } else if (re.test(e.name)) return p;
  }
  return undefined;
}

/** The result's stdout as JSON, after checking the command succeeded (its output otherwise). */
export function okJson<T = any>(r: CliResult): T {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface CliHome {
  /** Temp folder holding `home` and the endpoint's data (removed at exit). */
  root: string;
  /** The binary's working folder, with its freezer.conf. */
  home: string;
  ep: EmbeddedEndpoint;
  /** Runs `freezer ARGS…` in `cwd` (default `home`). */
  cli(args: string[], cwd?: string): Promise<CliResult>;
  close(): Promise<void>;
}

/**
 * The set-up most binary tests share: the CLI built, an embedded endpoint in this process, and a home
 * folder whose freezer.conf points at it with its queue and topic and 1 s polls (`config` adds to it).
 */
export async function startCliHome(o: { endpoint?: Omit<EmbeddedEndpointOptions, 'dir'>; config?: Record<string, string | number>; timeoutMs?: number } = {}): Promise<CliHome> {
  await prepareCli();
  const root = tempDir();
  const ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint'), ...o.endpoint });
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const p = ep.glacierConfigPatch;
  fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: p.endpoint, queue: p.queueUrl, snsTopicArn: p.snsTopicArn, 'poll-time': 1, ...o.config }));
  return {
    root, home, ep,
    cli: (args, cwd = home) => runCli(args, { cwd, ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}) }),
    close: () => ep.close(),
  };
}
