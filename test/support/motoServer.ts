/**
 * Test support: `moto_server` (an independent AWS server in Python, on the machine image) on a free port,
 * so the same API assertions can run against it and against Freezer's own endpoint. A missing
 * moto_server fails loudly: the suite must not silently skip the independent peer.
 *
 *   const moto = await startMotoServer();   // moto.url; await moto.close()
 *   await moto.setRestoreProgression(3);    // restores stay ongoing for 3 reads of the key
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { after, before } from 'node:test';

export interface MotoServer {
  url: string;
  child: ChildProcess;
  /**
   * Restores complete at once by default; with `times` > 0 a restored key stays ongoing until it has
   * been read (HEAD/GET) `times` times (moto's state manager, model `s3::keyrestore`).
   */
  setRestoreProgression(times: number): Promise<void>;
  /** Forgets every bucket, queue and object (moto's /moto-api/reset). */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export const MOTO_COMMAND = process.env.MOTO_SERVER ?? 'moto_server';

/** Throws with a clear message when moto_server cannot be run. */
export function requireMotoServer(): void {
  const r = spawnSync(MOTO_COMMAND, ['--help'], { encoding: 'utf8', timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`moto_server is required for the independent-peer tests but "${MOTO_COMMAND} --help" failed: ${r.error?.message ?? r.stderr}. ` +
      'Install moto[server] (pip) or set MOTO_SERVER to its path.');
  }
}

export async function startMotoServer(): Promise<MotoServer> {
  const child = spawn(MOTO_COMMAND, ['-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local', AWS_DEFAULT_REGION: 'us-east-1' },
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (b: Buffer): void => {
      out += b.toString();
      const m = /Running on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (e) => reject(new Error(`moto_server could not be started (${MOTO_COMMAND}): ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited before listening (code ${code}): ${out.slice(-2000)}`)));
    setTimeout(() => reject(new Error(`moto_server did not report its port within 60 s: ${out.slice(-2000)}`)), 60_000).unref();
  });
  // Keep draining its request log so the pipe never fills.
  child.stdout!.resume();
  child.stderr!.resume();
  const api = async (path: string, body?: unknown): Promise<void> => {
    const r = await fetch(`${url}${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`moto ${path}: HTTP ${r.status} ${await r.text()}`);
  };
  return {
    url,
    child,
    setRestoreProgression: (times) => api('/moto-api/state-manager/set-transition', {
      model_name: 's3::keyrestore',
      transition: times > 0 ? { progression: 'manual', times } : { progression: 'immediate' },
    }),
    reset: () => api('/moto-api/reset'),
    close: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}

/** before()/after() hooks around one moto_server for the current suite; fields usable inside tests. */
export function withMotoServer(): MotoServer {
  let current: MotoServer | undefined;
  const get = (): MotoServer => {
    if (!current) throw new Error('withMotoServer: moto is only available inside tests (after before() ran)');
    return current;
  };
  before(async () => { requireMotoServer(); current = await startMotoServer(); });
  after(async () => { await current?.close(); });
  return {
    get url() { return get().url; },
    get child() { return get().child; },
    setRestoreProgression: (t) => get().setRestoreProgression(t),
    reset: () => get().reset(),
    close: () => get().close(),
  };
}
