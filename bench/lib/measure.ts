// Running peers and Freezer as whole commands: wall time and peak RSS from GNU time (wait4's
// ru_maxrss: the largest process of the command), the Debian tools the comparison needs, and a
// byte-for-byte check of restored trees.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

export interface Timed { seconds: number; peakRss: number }

/** Runs `cmd args` (or a bash pipeline with cmd === 'bash') and returns its wall time and peak RSS. */
export function timed(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Timed {
  const out = path.join(os.tmpdir(), `freezer-bench-time-${process.pid}.txt`);
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', out, cmd, ...args], {
    env: { ...process.env, ...opts.env }, cwd: opts.cwd, encoding: 'utf8', maxBuffer: 64 << 20,
  });
  const seconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${(r.stderr || '').slice(-2000)}`);
  const kb = Number(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
  fs.rmSync(out, { force: true });
  return { seconds, peakRss: kb * 1024 };
}

/** The median run of `n` by wall time; `prepare` runs untimed before each. */
export function medianOf(n: number, run: (i: number) => Timed, prepare?: (i: number) => void): Timed {
  const runs: Timed[] = [];
  for (let i = 0; i < n; i++) {
    prepare?.(i);
    runs.push(run(i));
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  return runs[Math.floor(runs.length / 2)];
}

/** Installs the Debian packages the comparison runs (as root, or with sudo), once. */
export function ensureTools(): void {
  const want: Record<string, string> = { restic: 'restic', pigz: 'pigz', zstd: 'zstd', openssl: 'openssl', '/usr/bin/time': 'time' };
  const missing = Object.entries(want).filter(([bin]) => spawnSync('bash', ['-c', `command -v ${bin}`]).status !== 0).map(([, pkg]) => pkg);
  if (!missing.length) return;
  console.log(`installing ${missing.join(' ')} (Debian packages)…`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  execFileSync('bash', ['-c', `${sudo.join(' ')} apt-get update -qq && ${sudo.join(' ')} env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${missing.join(' ')}`], { stdio: 'inherit' });
}

export function duBytes(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  let n = 0;
  for (const e of fs.readdirSync(p)) n += duBytes(path.join(p, e));
  return n;
}

/** SHA-256 over every file's relative path and bytes, in sorted order. */
export function treeDigest(root: string): string {
  const h = createHash('sha256');
  const walk = (dir: string, rel: string): void => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const st = fs.lstatSync(p);
      if (st.isDirectory()) walk(p, `${rel}${name}/`);
      else { h.update(`${rel}${name}\0`); h.update(fs.readFileSync(p)); }
    }
  };
  walk(root, '');
  return h.digest('hex');
}

/** A Node that can run the `freezer` CLI (≥ 22.15 has zstd): this one, or the private one setup installs. */
export function cliNode(): string {
  const [maj, min] = process.versions.node.split('.').map(Number);
  if (maj > 22 || (maj === 22 && min >= 15)) return process.execPath;
  const env = path.join(process.env.VSCODE_E2E_TOOLS || '/opt/vscode-e2e-tools', 'env.sh');
  const m = fs.existsSync(env) ? /^export NODE24='([^']*)'$/m.exec(fs.readFileSync(env, 'utf8')) : null;
  return process.env.NODE24 || m?.[1] || process.execPath;
}
