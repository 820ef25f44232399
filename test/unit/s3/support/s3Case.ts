/**
 * The set-up the S3 store's own cases share on either server (local endpoint, moto): a new bucket,
 * an S3Store on it with 12 MiB segments of 5 MiB parts, and a temp folder of random files.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Clients, type S3Clients, type S3Config } from '../../../../src/core/s3/clients';
import { MIB } from '../../../../src/core/s3/layout';
import { S3Store } from '../../../../src/core/s3/s3Store';

export interface S3Case {
  dir: string;
  clients: S3Clients;
  store: S3Store;
  /** A file of `size` random bytes in `dir`. */
  makeFile(name: string, size: number): Promise<{ file: string; data: Buffer }>;
  /** Closes the store and removes `dir` (the server is the caller's). */
  close(): Promise<void>;
}

export async function openS3Case(bucket: string, cfg: S3Config): Promise<S3Case> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-s3case-'));
  const clients = createS3Clients(cfg);
  await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const store = new S3Store({ clients, bucket, segmentSize: 12 * MIB, partSize: 5 * MIB, concurrency: 3 });
  return {
    dir, clients, store,
    async makeFile(name, size) {
      const data = randomBytes(size);
      const file = path.join(dir, name);
      await fs.writeFile(file, data);
      return { file, data };
    },
    async close() {
      store.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
