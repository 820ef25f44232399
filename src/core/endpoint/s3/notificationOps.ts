import { randomUUID } from 'node:crypto';
import { header } from '../glacier/headers';
import { readSmallBody } from '../http';
import { getBucket, type S3Call, type S3Context } from './context';
import type { NotificationTarget } from './model';
import { sendNoBody, sendXml } from './respond';
import { invalidArgument, malformedXml, s3Error } from './s3Error';
import { child, childrenNamed, el, parseXml, t, textOf, xmlDoc, type XmlNode } from './xml';

/** The events the local endpoint can send (and the wildcards covering them). */
export const SUPPORTED_EVENTS = [
  's3:ObjectCreated:*', 's3:ObjectCreated:Put', 's3:ObjectCreated:Post', 's3:ObjectCreated:Copy', 's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*', 's3:ObjectRemoved:Delete',
  's3:ObjectRestore:*', 's3:ObjectRestore:Post', 's3:ObjectRestore:Completed', 's3:ObjectRestore:Delete',
];

const family = (e: string): string => e.split(':').slice(0, 2).join(':');
const eventsOverlap = (a: string, b: string): boolean =>
  a === b || (family(a) === family(b) && (a.endsWith(':*') || b.endsWith(':*')));
const affixOverlap = (x = '', y = '', suffix = false): boolean =>
  suffix ? x.endsWith(y) || y.endsWith(x) : x.startsWith(y) || y.startsWith(x);

function parseTarget(n: XmlNode, kind: 'Queue' | 'Topic'): NotificationTarget {
  const arn = textOf(n, kind);
  if (!arn) throw malformedXml();
  const events = childrenNamed(n, 'Event').map((e) => e.text.trim());
  if (!events.length) throw malformedXml();
  for (const e of events) if (!SUPPORTED_EVENTS.includes(e)) throw invalidArgument('The event is not supported for notifications', 'Event', e);
  const target: NotificationTarget = { id: textOf(n, 'Id') || randomUUID(), kind, arn, events: [...new Set(events)] };
  for (const rule of childrenNamed(child(child(n, 'Filter'), 'S3Key'), 'FilterRule')) {
    const name = textOf(rule, 'Name')?.toLowerCase();
    const value = textOf(rule, 'Value') ?? '';
    if (name !== 'prefix' && name !== 'suffix') throw invalidArgument('filter rule name must be either prefix or suffix', 'FilterRule', name ?? '');
    if (target[name] !== undefined) throw invalidArgument(`Cannot specify more than one ${name} rule in a filter.`, 'FilterRule', name);
    target[name] = value;
  }
  return target;
}

/**
 * PutBucketNotificationConfiguration for SQS queues and SNS topics of this endpoint. Destinations are
 * validated (unless x-amz-skip-destination-validation), overlapping configurations refused, and each
 * destination gets an s3:TestEvent, as on S3. Lambda and EventBridge destinations are not supported.
 */
export async function putBucketNotification(ctx: S3Context, call: S3Call): Promise<void> {
  const b = getBucket(ctx, call.bucket);
  const body = (await readSmallBody(call.req, 256 * 1024)).toString('utf8').trim();
  const root = parseXml(body || '<NotificationConfiguration/>');
  if (root.name !== 'NotificationConfiguration') throw malformedXml();
  for (const c of root.children) {
    if (c.name !== 'QueueConfiguration' && c.name !== 'TopicConfiguration') {
      throw s3Error(501, 'NotImplemented', `${c.name} is not supported by the local endpoint: use QueueConfiguration or TopicConfiguration.`);
    }
  }
  const targets = [
    ...childrenNamed(root, 'QueueConfiguration').map((n) => parseTarget(n, 'Queue')),
    ...childrenNamed(root, 'TopicConfiguration').map((n) => parseTarget(n, 'Topic')),
  ];
  const skip = header(call.req, 'x-amz-skip-destination-validation') === 'true';
  const ids = new Set<string>();
  for (const [i, x] of targets.entries()) {
    if (ids.has(x.id)) throw invalidArgument('Configuration Ids must be unique', 'Id', x.id);
    ids.add(x.id);
    const exists = x.kind === 'Queue' ? !!ctx.sqs.byArn(x.arn) : ctx.topics.topicExists(x.arn);
    if (!skip && !exists) throw invalidArgument('Unable to validate the following destination configurations', x.arn, 'The destination does not exist');
    for (const y of targets.slice(0, i)) {
      if (x.events.some((e) => y.events.some((f) => eventsOverlap(e, f))) && affixOverlap(x.prefix, y.prefix) && affixOverlap(x.suffix, y.suffix, true)) {
        throw invalidArgument('Configurations overlap. Configurations on the same bucket cannot share a common event type.', 'Event', x.events.join(','));
      }
    }
  }
  b.record.notifications = targets;
  await ctx.store.saveBucket(b.record);
  for (const x of targets) await ctx.events.test(b.record.name, x);
  sendNoBody(call.res, 200);
}

export function getBucketNotification(ctx: S3Context, call: S3Call): void {
  const b = getBucket(ctx, call.bucket);
  const render = (x: NotificationTarget): string => {
    const rules = (['prefix', 'suffix'] as const).filter((k) => x[k] !== undefined)
      .map((k) => el('FilterRule', t('Name', k) + t('Value', x[k]))).join('');
    return el(`${x.kind}Configuration`, t('Id', x.id) + t(x.kind, x.arn) + x.events.map((e) => t('Event', e)).join('') +
      (rules ? el('Filter', el('S3Key', rules)) : ''));
  };
  sendXml(call.res, 200, xmlDoc('NotificationConfiguration', b.record.notifications.map(render).join('')));
}
