import { FreezerError } from '../errors';
import { FaultInjector, type InjectedFault } from './faults';
import type { GlacierContext } from './glacier/context';
import { GlacierStore } from './glacier/glacierStore';
import { JobRunner } from './glacier/jobRunner';
import { S3Events } from './s3/events';
import { RestoreRunner } from './s3/restoreRunner';
import { S3Store } from './s3/s3Store';
import type { S3Context } from './s3/context';
import { acquireOwnerLock, type OwnerLock } from './ownerLock';
import { resolveOptions, type FaultKind, type FaultOptions, type LocalEndpointOptions } from './options';
import { createEndpointServer, listen, type ObservedRequest } from './server';
import { TopicService } from './sns/topicService';
import { QueueService } from './sqs/queueService';
import { Storage } from './storage';

export type { FaultKind, FaultOptions, LocalEndpointOptions, RetrievalTier } from './options';
export { AFTER_FAULT_KINDS, FAULT_KINDS } from './options';
export type { InjectedFault } from './faults';
export type { ObservedRequest } from './server';
export { parseJobDelays } from './options';
export { endpointOptionsFrom, parseEndpointArgs, ENDPOINT_OPTIONS, ENDPOINT_USAGE, type EndpointOptionName } from './endpointArgs';
export { dropLockNaming, EndpointInUseError, liveOwner, type EndpointOwner } from './ownerLock';

export interface LocalEndpoint {
  /** Base URL to give the AWS SDK clients as `endpoint`, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  /**
   * Switches fault injection on (or off with undefined) while running: one rule or a list (the first
   * rule that fires wins), each optionally limited to some operations and to its next N faults.
   */
  setFaults(faults: FaultOptions | readonly FaultOptions[] | undefined): void;
  /** How many faults of each kind were injected so far. */
  faultCounts(): Record<FaultKind, number>;
  /** Every fault injected so far, in order, with the operation it hit. */
  faultLog(): InjectedFault[];
  /** Calls `listener` for every request once its response is finished or lost; returns the unsubscribe. */
  onRequest(listener: (r: ObservedRequest) => void): () => void;
  /** S3 switches for tests: a bucket of another account (403 AccessDenied), Expedited capacity on or off (503). */
  readonly s3: {
    addForeignBucket(name: string): void;
    setExpeditedRetrievalAvailable(available: boolean): void;
  };
  /** Stops listening, ends open connections and long polls, and waits for pending writes. */
  close(): Promise<void>;
}

/**
 * Starts the local Glacier + S3 + SQS + SNS endpoint on one HTTP port. State lives in `options.dir` and is
 * reloaded on the next start.
 */
export async function startLocalEndpoint(options: LocalEndpointOptions): Promise<LocalEndpoint> {
  const opts = resolveOptions(options);
  const storage = new Storage(opts.dir);
  await storage.init();
  const lock = await acquireOwnerLock(opts.dir);
  try {
    return await startOwned(opts, options, storage, lock);
  } catch (e) {
    await lock.release();
    throw e;
  }
}

async function startOwned(opts: ReturnType<typeof resolveOptions>, options: LocalEndpointOptions, storage: Storage, lock: OwnerLock): Promise<LocalEndpoint> {
  let baseUrl = '';
  const sqs = new QueueService(storage, opts.region, opts.accountId, () => baseUrl);
  const sns = new TopicService(storage, sqs, opts.region, opts.accountId, () => baseUrl);
  const store = new GlacierStore(storage);
  const jobs = new JobRunner();
  const glacier: GlacierContext = {
    opts, storage, store, jobs,
    topics: { topicExists: (arn) => sns.topicExists(arn), publish: async (arn, msg, subject) => { await sns.publish(arn, msg, subject); } },
  };
  jobs.attach(glacier);
  const s3: S3Context = {
    opts, storage, store: new S3Store(storage), restores: new RestoreRunner(), sqs, topics: glacier.topics,
    events: new S3Events(sqs, glacier.topics, opts.region),
    controls: { foreignBuckets: new Set(options.foreignBuckets ?? []), expeditedAvailable: true },
  };
  s3.restores.attach(s3);
  await Promise.all([sqs.load(), sns.load(), store.load(), s3.store.load()]);
  const faults = new FaultInjector(options.faults);
  const observers = new Set<(r: ObservedRequest) => void>();
  const observe = (r: ObservedRequest): void => { for (const o of observers) o(r); };
  const server = createEndpointServer({ glacier, s3, sqs, sns, faults, observe });
  const addr = await listen(server, opts.port, opts.host);
  const host = addr.family === 'IPv6' || addr.address.includes(':') ? `[${addr.address}]` : addr.address;
  baseUrl = `http://${host === '[::]' ? '[::1]' : host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  if (!(await lock.publish(baseUrl))) {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw new FreezerError('EndpointInUse', `Another process took the local endpoint folder ${opts.dir} while this one was starting.`);
  }
  jobs.resumeAll();
  s3.restores.resumeAll();
  let closing: Promise<void> | undefined;
  return {
    url: baseUrl,
    port: addr.port,
    region: opts.region,
    accountId: opts.accountId,
    setFaults: (f) => faults.set(f),
    faultCounts: () => ({ ...faults.counts }),
    faultLog: () => [...faults.injected],
    onRequest: (listener) => {
      observers.add(listener);
      return () => observers.delete(listener);
    },
    s3: {
      addForeignBucket: (name) => { s3.controls.foreignBuckets.add(name); },
      setExpeditedRetrievalAvailable: (available) => { s3.controls.expeditedAvailable = available; },
    },
    close: () => (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      sqs.close();
      server.closeAllConnections();
      await closed;
      await jobs.close();
      await s3.restores.close();
      await storage.flush();
      await lock.release();
    })()),
  };
}
