import type { JobInfo } from '../glacier/jobs';
import { parseJobNotification } from '../glacier/notifications';
import { parseS3Notification, type S3RestoreEvent } from '../s3/notifications';

/** What one SQS message says to the stores: a vault job changed, or S3 restored copies changed. */
export type StoreNotification =
  | { ok: true; kind: 'vault-job'; job: JobInfo }
  | { ok: true; kind: 's3-restore'; events: S3RestoreEvent[] }
  | { ok: false; reason: string };

/**
 * One parser for the queue the daemon and the extension listen to: Glacier job notifications and S3
 * restore events may share it. Anything else (test events, other services, bad JSON) is `ok: false`,
 * to be logged and deleted. Never throws.
 */
export function parseStoreNotification(body: string | undefined): StoreNotification {
  const job = parseJobNotification(body);
  if (job.ok) return { ok: true, kind: 'vault-job', job: job.job };
  const s3 = parseS3Notification(body);
  if (s3.ok) return { ok: true, kind: 's3-restore', events: s3.events };
  return { ok: false, reason: `${job.reason}; ${s3.reason}` };
}
