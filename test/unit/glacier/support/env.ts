import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateVaultCommand, GetJobOutputCommand } from '@aws-sdk/client-glacier';
import { startLocalEndpoint, type LocalEndpoint, type LocalEndpointOptions } from '../../../../src/core/endpoint';
import { GlacierClients, createClients } from '../../../../src/core/glacier/clients';
import { downloadJobOutput } from '../../../../src/core/glacier/jobOutputDownloader';
import { waitForJob } from '../../../../src/core/glacier/jobPoller';
import { initiateArchiveRetrieval } from '../../../../src/core/glacier/retrieval';

export const CREDENTIALS = { accessKeyId: 'AKIDFREEZERTEST', secretAccessKey: 'freezer-test-secret-never-logged' };

/** A local endpoint in a temp dir, real SDK clients pointed at it, and cleanup. */
export interface TestEnv {
  dir: string;
  endpoint: LocalEndpoint;
  clients: GlacierClients;
  vault: string;
  /** Writes a file of `size` pseudo-random bytes in the temp dir. */
  makeFile(name: string, size: number): Promise<string>;
  close(): Promise<void>;
}

export async function startEnv(opts: Partial<LocalEndpointOptions> = {}): Promise<TestEnv> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-glacier-'));
  const endpoint = await startLocalEndpoint({ dir: path.join(dir, 'endpoint'), port: 0, ...opts });
  const clients = createClients({ region: endpoint.region, endpoint: endpoint.url, credentials: CREDENTIALS, socketTimeoutMs: 10_000 });
  const vault = `v-${randomBytes(4).toString('hex')}`;
  await clients.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: vault }));
  return {
    dir, endpoint, clients, vault,
    async makeFile(name, size) {
      const p = path.join(dir, name);
      await fs.writeFile(p, randomBytes(size));
      return p;
    },
    async close() {
      clients.destroy();
      await endpoint.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** Retrieves an archive through a real job and the verified downloader; returns the file's path. */
export async function retrieve(env: TestEnv, archiveId: string, size: number, treeHash: string, dest: string, rangeSize = 1024 * 1024): Promise<string> {
  const { jobId } = await initiateArchiveRetrieval(env.clients, { vault: env.vault, archiveId, tier: 'Expedited' });
  const job = await waitForJob(env.clients, env.vault, jobId, { intervalMs: 20 });
  if (job.statusCode !== 'Succeeded') throw new Error(`job ${jobId} ${job.statusCode}`);
  await downloadJobOutput({ clients: env.clients, vault: env.vault, jobId, size, expectedTreeHash: treeHash, dest, rangeSize, concurrency: 4 });
  return dest;
}

export { GetJobOutputCommand };
