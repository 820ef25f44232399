/**
 * Runs the local endpoint as its own process: `tsx src/core/endpoint/standalone.ts --dir D --port P`.
 * Prints `listening <url>` once ready; stops cleanly on SIGINT/SIGTERM.
 */
import { parseEndpointArgs } from './endpointArgs';
import { startLocalEndpoint } from './index';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseEndpointArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const endpoint = await startLocalEndpoint(opts);
  process.stdout.write(`listening ${endpoint.url}\n`);
  const stop = (): void => {
    void endpoint.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`endpoint failed to start: ${(e as Error)?.message ?? String(e)}\n`);
  process.exit(1);
});
