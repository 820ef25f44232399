import { setTimeout as sleep } from 'node:timers/promises';
import { CancellationError } from '../errors';
import { Logger, nullLogger } from '../log';
import { GlacierClients } from './clients';
import { JobInfo, describeJob } from './jobs';
import { errText } from './multipartUploader';
import { backoffDelay } from './retry';

/**
 * Glacier jobs take minutes (Expedited) to hours (Standard, Bulk); polling faster only spends
 * requests. Used when no SQS queue is configured.
 */
export const DEFAULT_JOB_POLL_INTERVAL_MS = 15 * 60 * 1000;

export interface WaitForJobOptions {
  intervalMs?: number;
  signal?: AbortSignal;
  logger?: Logger;
  onPoll?: (job: JobInfo) => void;
}

/** Polls DescribeJob until the job completes (succeeded or failed) and returns its final state. */
export async function waitForJob(clients: GlacierClients, vault: string, jobId: string, opts: WaitForJobOptions = {}): Promise<JobInfo> {
  const log = opts.logger ?? nullLogger;
  const interval = opts.intervalMs ?? DEFAULT_JOB_POLL_INTERVAL_MS;
  let failures = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new CancellationError();
    let delay = interval;
    try {
      const job = await describeJob(clients, vault, jobId, opts.signal);
      failures = 0;
      opts.onPoll?.(job);
      if (job.completed || job.statusCode !== 'InProgress') return job;
    } catch (e) {
      if (opts.signal?.aborted) throw new CancellationError();
      if ((e as { name?: string }).name === 'ResourceNotFoundException') throw e;
      failures++;
      delay = Math.min(interval, 1000 + backoffDelay(failures, 1000, 60_000));
      log.warn('Checking job %s failed (%s); trying again', jobId, errText(e));
    }
    try {
      await sleep(delay, undefined, { signal: opts.signal });
    } catch {
      throw new CancellationError();
    }
  }
}
