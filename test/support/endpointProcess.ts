/**
 * Test and bench support: the local endpoint as its own process (src/core/endpoint/standalone.ts), for
 * what an in-process endpoint cannot show: a SIGKILL, another process owning the folder, its own RSS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Starts it on `dir` (any free port) and resolves once it prints its URL. */
export async function spawnEndpointProcess(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src/core/endpoint/standalone.ts'), '--dir', dir, '--port', '0'], {
    cwd: root, stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /listening (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`endpoint exited early (${code})`)));
  });
  return { child, url };
}
