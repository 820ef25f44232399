/**
 * Test support: moto_server (the independent S3 peer, moto 5.2.1 on this image's Python) on a free
 * port, for the store contract tests. A missing moto_server fails the run loudly: it is never skipped.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before } from 'node:test';

export interface MotoServer {
  url: string;
  port: number;
  /** moto's state manager: restores stay in progress for `times` HEAD/GETs of each key (0: at once). */
  setRestoreProgression(times: number): Promise<void>;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startMotoServer(): Promise<MotoServer> {
  const which = spawnSync('sh', ['-c', 'command -v moto_server'], { encoding: 'utf8' });
  if (which.status !== 0 || !which.stdout.trim()) {
    throw new Error('moto_server is not installed: the S3 store contract tests need it (moto 5.2.1, `pip install "moto[server]==5.2.1"`). This run fails rather than skip the independent peer.');
  }
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => { stderr = (stderr + b.toString()).slice(-4000); });
  let exited = false;
  child.once('exit', () => { exited = true; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`moto_server exited before it answered:\n${stderr}`);
    try {
      const r = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(1000) });
      if (r.status < 500) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto_server did not answer on ${url} within 30 s:\n${stderr}`);
    }
    await sleep(150);
  }
  return {
    url, port,
    async setRestoreProgression(times) {
      const body = times > 0
        ? { model_name: 's3::keyrestore', transition: { progression: 'manual', times } }
        : { model_name: 's3::keyrestore', transition: { progression: 'immediate' } };
      const r = await fetch(`${url}/moto-api/state-manager/set-transition`, { method: 'POST', body: JSON.stringify(body) });
      if (!r.ok) throw new Error(`moto state manager refused the transition: ${r.status} ${await r.text()}`);
    },
    async close() {
      if (exited) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([gone, sleep(3000)]);
      if (!exited) child.kill('SIGKILL');
    },
  };
}

/** before()/after() hooks around one moto_server for the current suite; its fields are usable inside tests. */
export function withMotoServer(): MotoServer {
  let current: MotoServer | undefined;
  const get = (): MotoServer => {
    if (!current) throw new Error('withMotoServer: moto is only available inside tests (after before() ran)');
    return current;
  };
  before(async () => { current = await startMotoServer(); });
  after(async () => { await current?.close(); });
  return {
    get url() { return get().url; },
    get port() { return get().port; },
    setRestoreProgression: (t) => get().setRestoreProgression(t),
    close: () => get().close(),
  };
}
