/**
 * Test support: a local Glacier + S3 + SQS + SNS endpoint in a temp dir, with real AWS SDK v3 clients pointed
 * at it. Use from node:test either way:
 *
 *   const ep = withLocalEndpoint();            // inside describe(): starts in before(), closes in after()
 *   it('...', async () => { await ep.glacier.send(new CreateVaultCommand({ vaultName: 'v' })); });
 *
 *   const t = await startTestEndpoint({ jobDelays: { Standard: 500 } });  // you call t.close()
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { GlacierClient } from '@aws-sdk/client-glacier';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { startLocalEndpoint, type LocalEndpoint, type LocalEndpointOptions } from '../../src/core/endpoint';

export interface TestEndpointOptions extends Partial<LocalEndpointOptions> {
  /** SDK attempts per call (1 = no retries, to observe injected faults). SDK default when omitted. */
  maxAttempts?: number;
}

export interface TestEndpoint {
  endpoint: LocalEndpoint;
  url: string;
  /** Storage root (a temp dir removed on close, unless you passed `dir`). */
  dir: string;
  glacier: GlacierClient;
  /** Path-style S3 client with the SDK's default checksum behaviour. */
  s3: S3Client;
  sqs: SQSClient;
  sns: SNSClient;
  /** Stops the endpoint and starts it again on the same dir and port (the clients keep working). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** Dummy static credentials: the endpoint accepts any, the SDK needs some to sign. */
export const TEST_CREDENTIALS = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' } as const;

/** Client configuration for any AWS SDK v3 client talking to the endpoint at `url`. */
export function localClientConfig(url: string, opts: { region?: string; maxAttempts?: number } = {}) {
  return {
    endpoint: url,
    region: opts.region ?? 'us-east-1',
    credentials: TEST_CREDENTIALS,
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
  };
}

export async function startTestEndpoint(opts: TestEndpointOptions = {}): Promise<TestEndpoint> {
  const { maxAttempts, ...endpointOpts } = opts;
  const ownDir = !endpointOpts.dir;
  const dir = endpointOpts.dir ?? (await mkdtemp(path.join(os.tmpdir(), 'freezer-endpoint-')));
  let endpoint = await startLocalEndpoint({ ...endpointOpts, dir });
  const cfg = localClientConfig(endpoint.url, { region: endpoint.region, maxAttempts });
  const glacier = new GlacierClient(cfg);
  const s3 = new S3Client({ ...cfg, forcePathStyle: true });
  const sqs = new SQSClient(cfg);
  const sns = new SNSClient(cfg);
  const t: TestEndpoint = {
    endpoint, url: endpoint.url, dir, glacier, s3, sqs, sns,
    async restart() {
      const port = endpoint.port;
      await endpoint.close();
      endpoint = await startLocalEndpoint({ ...endpointOpts, dir, port });
      t.endpoint = endpoint;
    },
    async close() {
      glacier.destroy();
      s3.destroy();
      sqs.destroy();
      sns.destroy();
      await endpoint.close();
      if (ownDir) await rm(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * Registers before/after hooks in the current node:test suite (or file) that start and close an
 * endpoint; returns a handle whose fields are usable inside tests.
 */
export function withLocalEndpoint(opts: TestEndpointOptions = {}): TestEndpoint {
  let current: TestEndpoint | undefined;
  const get = (): TestEndpoint => {
    if (!current) throw new Error('withLocalEndpoint: the endpoint is only available inside tests (after before() ran)');
    return current;
  };
  before(async () => { current = await startTestEndpoint(opts); });
  after(async () => { await current?.close(); });
  return {
    get endpoint() { return get().endpoint; },
    get url() { return get().url; },
    get dir() { return get().dir; },
    get glacier() { return get().glacier; },
    get s3() { return get().s3; },
    get sqs() { return get().sqs; },
    get sns() { return get().sns; },
    restart: () => get().restart(),
    close: () => get().close(),
  };
}

/** Runs `fn` with a fresh endpoint and always closes it. */
export async function usingLocalEndpoint<T>(fn: (t: TestEndpoint) => Promise<T>, opts: TestEndpointOptions = {}): Promise<T> {
  const t = await startTestEndpoint(opts);
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}
