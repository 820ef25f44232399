import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteMessageCommand, Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { Logger, nullLogger } from '../log';
import { GlacierClients } from './clients';
import { DEFAULT_POLL_TIME_SECONDS } from './config';
import { JobInfo, toJobInfo } from './jobs';
import { errText } from './multipartUploader';
import { parseS3Notification, type S3RestoreEvent } from '../s3/notifications';
import { isRetryableError } from './retry';

/**
 * Deliveries of a message whose handling fails with an error another attempt cannot fix (a poison
 * message, e.g. a notification the catalogue cannot record) before it is logged with its content and
 * deleted. A job it announced is still found by the periodic DescribeJob check.
 */
export const POISON_MESSAGE_DELIVERIES = 5;
/** How much of a poison message's body is logged. */
const POISON_LOG_CHARS = 2000;

export type ParsedNotification = { ok: true; job: JobInfo; via: 'sns' | 'raw' } | { ok: false; reason: string };

const JOB_ACTIONS = new Set(['ArchiveRetrieval', 'InventoryRetrieval', 'Select']);

/**
 * Reads an SQS message body as a Glacier job notification, whether SNS wrapped it in its envelope
 * (`{"Type":"Notification","Message":"<json>"}`) or delivered it raw. Never throws.
 */
export function parseJobNotification(body: string | undefined): ParsedNotification {
  if (!body) return { ok: false, reason: 'empty message' };
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  let via: 'sns' | 'raw' = 'raw';
  if (isObject(o) && o.Type === 'Notification' && typeof o.Message === 'string') {
    via = 'sns';
    try {
      o = JSON.parse(o.Message);
    } catch {
      return { ok: false, reason: 'SNS message is not JSON' };
    }
  }
  if (!isObject(o)) return { ok: false, reason: 'not a JSON object' };
  if (typeof o.JobId !== 'string' || !o.JobId) return { ok: false, reason: 'no JobId' };
  if (typeof o.Action !== 'string' || !JOB_ACTIONS.has(o.Action)) return { ok: false, reason: `not a Glacier job action (${String(o.Action)})` };
  if (typeof o.VaultARN !== 'string' || !o.VaultARN.includes(':glacier:')) return { ok: false, reason: 'no Glacier VaultARN' };
  if (typeof o.StatusCode !== 'string') return { ok: false, reason: 'no StatusCode' };
  return { ok: true, job: toJobInfo(o), via };
}

const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

/** The vault name from a vault ARN (`arn:aws:glacier:region:account:vaults/name`). */
export function vaultNameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export interface NotificationListenerOptions {
  clients: GlacierClients;
  queueUrl: string;
  /**
   * Called for each job notification. Resolve to have the message deleted; throw to leave it for
   * redelivery after the queue's visibility timeout. Unknown jobs are the handler's to ignore.
   */
  onJob: (job: JobInfo) => Promise<void> | void;
  /** Called for S3 restore events on the same queue (bucket stores); without it they are ignored. */
  onS3Restore?: (events: S3RestoreEvent[]) => Promise<void> | void;
  logger?: Logger;
  waitTimeSeconds?: number;
  signal?: AbortSignal;
}

export interface NotificationListener {
  /** Stops after the current poll and resolves when the loop has ended. */
  stop(): Promise<void>;
  /** Resolves when the loop ends (stop or signal). */
  readonly done: Promise<void>;
}

/**
 * Long-polls an SQS queue subscribed to the vaults' SNS topic. Messages that are not Glacier job
 * notifications are logged and deleted; receive errors back off and the loop goes on.
 */
export function startNotificationListener(opts: NotificationListenerOptions): NotificationListener {
  const log = opts.logger ?? nullLogger;
  const stopper = new AbortController();
  const onAbort = () => stopper.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) stopper.abort();
  const signal = stopper.signal;

  const loop = async () => {
    let failures = 0;
    while (!signal.aborted) {
      let messages: Message[] = [];
      try {
        const out = await opts.clients.sqs.send(new ReceiveMessageCommand({
          QueueUrl: opts.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: opts.waitTimeSeconds ?? DEFAULT_POLL_TIME_SECONDS,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }), { abortSignal: signal });
        messages = out.Messages ?? [];
        failures = 0;
      } catch (e) {
        if (signal.aborted) break;
        failures++;
        const delay = Math.min(60_000, 500 * 2 ** Math.min(failures, 7));
        log.warn('Receiving job notifications from %s failed (%s); retrying in %d s', opts.queueUrl, errText(e), Math.round(delay / 1000));
        await sleep(delay, undefined, { signal }).catch(() => undefined);
        continue;
      }
      for (const m of messages) await handle(m);
    }
  };

  // Failed deliveries per message id: the queue's ApproximateReceiveCount when it gives one, else ours.
  const failed = new Map<string, number>();
  const handle = async (m: Message) => {
    const parsed = parseJobNotification(m.Body);
    if (!parsed.ok) {
      const s3 = opts.onS3Restore ? parseS3Notification(m.Body) : undefined;
      if (s3?.ok) {
        try {
          await opts.onS3Restore!(s3.events);
          await remove(m);
        } catch (e) {
          log.error('Handling S3 restore events (%s) failed (%s); they will be delivered again', s3.events.map((x) => x.key).join(', '), errText(e));
        }
        return;
      }
      log.warn('Ignoring SQS message %s: %s%s', m.MessageId ?? '?', parsed.reason, s3 && !s3.ok ? `; ${s3.reason}` : '');
      await remove(m);
      return;
    }
    const id = m.MessageId ?? m.ReceiptHandle ?? '?';
    try {
      await opts.onJob(parsed.job);
      failed.delete(id);
      await remove(m);
    } catch (e) {
      if (signal.aborted) return;
      const deliveries = Math.max(Number(m.Attributes?.ApproximateReceiveCount ?? 0) || 0, (failed.get(id) ?? 0) + 1);
      failed.set(id, deliveries);
      // Transient failures (network, throttling) are retried for as long as the queue keeps the message.
      if (!isRetryableError(e) && deliveries >= POISON_MESSAGE_DELIVERIES) {
        const body = m.Body ?? '';
        log.error('Deleting SQS message %s after %d failed deliveries (%s); it was: %s%s', id, deliveries, errText(e),
          body.slice(0, POISON_LOG_CHARS), body.length > POISON_LOG_CHARS ? ` … (${body.length} characters)` : '');
        failed.delete(id);
        await remove(m);
      } else if (deliveries === 1) {
        log.error('Handling notification for job %s failed (%s); it will be delivered again', parsed.job.jobId, errText(e));
      } else {
        log.debug('Handling notification for job %s failed again (%s, delivery %d)', parsed.job.jobId, errText(e), deliveries);
      }
    }
  };

  const remove = async (m: Message) => {
    if (!m.ReceiptHandle) return;
    try {
      await opts.clients.sqs.send(new DeleteMessageCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: m.ReceiptHandle }));
    } catch (e) {
      log.warn('Could not delete SQS message %s: %s', m.MessageId ?? '?', errText(e));
    }
  };

  const done = loop().finally(() => opts.signal?.removeEventListener('abort', onAbort));
  return {
    done,
    stop: async () => {
      stopper.abort();
      await done;
    },
  };
}
