/** An S3 event about a restored copy, from a bucket's event notification (SQS, raw or via SNS). */
export interface S3RestoreEvent {
  kind: 'restore-started' | 'restore-completed' | 'restore-expired';
  bucket: string;
  /** The object key, URL-decoded. */
  key: string;
  eventTime?: string;
  /** `:Completed` only: when the restored copy goes away. */
  expires?: string;
  region?: string;
}

export type ParsedS3Notification = { ok: true; events: S3RestoreEvent[] } | { ok: false; reason: string };

const EVENTS: Record<string, S3RestoreEvent['kind']> = {
  'ObjectRestore:Post': 'restore-started',
  'ObjectRestore:Completed': 'restore-completed',
  'ObjectRestore:Delete': 'restore-expired',
};

const isObject = (o: unknown): o is Record<string, unknown> => typeof o === 'object' && o !== null && !Array.isArray(o);

/** S3 URL-encodes keys in events, with '+' for spaces. */
export function decodeEventKey(key: string): string {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return key;
  }
}

/**
 * Reads an SQS message body as S3 restore events: `{"Records":[…]}` raw or inside an SNS envelope.
 * `s3:TestEvent`, other event names and other services' records are left out; a message with no
 * restore event at all is `ok: false` (with why). Only `eventVersion`'s major number is checked. Never throws.
 */
export function parseS3Notification(body: string | undefined): ParsedS3Notification {
  if (!body) return { ok: false, reason: 'empty message' };
  let o: unknown;
  try {
    o = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (isObject(o) && o.Type === 'Notification' && typeof o.Message === 'string') {
    try {
      o = JSON.parse(o.Message);
    } catch {
      return { ok: false, reason: 'SNS message is not JSON' };
    }
  }
  if (!isObject(o)) return { ok: false, reason: 'not a JSON object' };
  if (o.Event === 's3:TestEvent') return { ok: false, reason: 'S3 test event' };
  if (!Array.isArray(o.Records)) return { ok: false, reason: 'no Records' };
  const events: S3RestoreEvent[] = [];
  for (const r of o.Records) {
    if (!isObject(r) || r.eventSource !== 'aws:s3') continue;
    if (typeof r.eventVersion !== 'string' || r.eventVersion.split('.')[0] !== '2') continue;
    const name = typeof r.eventName === 'string' ? r.eventName.replace(/^s3:/, '') : '';
    const kind = EVENTS[name];
    const s3 = isObject(r.s3) ? r.s3 : undefined;
    const bucket = s3 && isObject(s3.bucket) && typeof s3.bucket.name === 'string' ? s3.bucket.name : undefined;
    const key = s3 && isObject(s3.object) && typeof s3.object.key === 'string' ? s3.object.key : undefined;
    if (!kind || !bucket || key === undefined) continue;
    const g = isObject(r.glacierEventData) && isObject(r.glacierEventData.restoreEventData) ? r.glacierEventData.restoreEventData : undefined;
    const expires = g && typeof g.lifecycleRestorationExpiryTime === 'string' ? g.lifecycleRestorationExpiryTime : undefined;
    events.push({
      kind, bucket, key: decodeEventKey(key),
      ...(typeof r.eventTime === 'string' ? { eventTime: r.eventTime } : {}),
      ...(typeof r.awsRegion === 'string' ? { region: r.awsRegion } : {}),
      ...(expires ? { expires } : {}),
    });
  }
  return events.length ? { ok: true, events } : { ok: false, reason: 'no S3 restore event in the message' };
}
