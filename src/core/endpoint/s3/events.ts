import type { TopicPublisher } from '../glacier/context';
import type { QueueService } from '../sqs/queueService';
import { isoDate } from './context';
import type { NotificationTarget, ObjectRecord } from './model';
import { requestIds } from './s3Error';
import type { BucketState } from './s3Store';

export type S3EventName =
  | 'ObjectCreated:Put' | 'ObjectCreated:Post' | 'ObjectCreated:Copy' | 'ObjectCreated:CompleteMultipartUpload'
  | 'ObjectRemoved:Delete' | 'ObjectRestore:Post' | 'ObjectRestore:Completed' | 'ObjectRestore:Delete';

/** Does a configured event (`s3:ObjectCreated:*`, `s3:ObjectRestore:Completed`, …) cover this one? */
export function eventMatches(configured: string, event: S3EventName): boolean {
  const c = configured.replace(/^s3:/, '');
  return c.endsWith(':*') ? event.startsWith(c.slice(0, -1)) : c === event;
}

/** S3 URL-encodes keys in event messages, with '+' for spaces. */
const eventKey = (key: string): string => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

/**
 * Delivers S3 event notifications (the `Records` JSON AWS sends) to the bucket's configured SQS queues
 * and SNS topics on this endpoint. Like S3, a delivery to a destination that has gone is dropped and
 * never fails the request that caused it.
 */
export class S3Events {
  private seq = 0;

  constructor(
    private readonly sqs: QueueService,
    private readonly topics: TopicPublisher,
    private readonly region: string,
  ) {}

  async emit(b: BucketState, event: S3EventName, o: ObjectRecord): Promise<void> {
    const targets = b.record.notifications.filter((n) => n.events.some((e) => eventMatches(e, event)) &&
      (!n.prefix || o.key.startsWith(n.prefix)) && (!n.suffix || o.key.endsWith(n.suffix)));
    for (const n of targets) await this.deliver(n, JSON.stringify({ Records: [this.record(b, n, event, o)] }));
  }

  /** The s3:TestEvent S3 sends to a destination when a configuration naming it is set. */
  async test(bucket: string, n: NotificationTarget): Promise<void> {
    const ids = requestIds();
    await this.deliver(n, JSON.stringify({
      Service: 'Amazon S3', Event: 's3:TestEvent', Time: isoDate(Date.now()), Bucket: bucket,
      RequestId: ids['x-amz-request-id'], HostId: ids['x-amz-id-2'],
    }));
  }

  private record(b: BucketState, n: NotificationTarget, event: S3EventName, o: ObjectRecord): Record<string, unknown> {
    const ids = requestIds();
    const sequencer = (BigInt(Date.now()) * 1000n + BigInt(this.seq++ % 1000)).toString(16).toUpperCase().padStart(18, '0');
    const removed = event.startsWith('ObjectRemoved');
    const rec: Record<string, unknown> = {
      eventVersion: event === 'ObjectRestore:Delete' ? '2.3' : '2.1',
      eventSource: 'aws:s3',
      awsRegion: this.region,
      eventTime: isoDate(Date.now()),
      eventName: event,
      userIdentity: { principalId: event.startsWith('ObjectRestore:') && event !== 'ObjectRestore:Post' ? 'AmazonCustomer:local' : 'AWS:local' },
      requestParameters: { sourceIPAddress: '127.0.0.1' },
      responseElements: { 'x-amz-request-id': ids['x-amz-request-id'], 'x-amz-id-2': ids['x-amz-id-2'] },
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: n.id,
        bucket: { name: b.record.name, ownerIdentity: { principalId: 'local' }, arn: `arn:aws:s3:::${b.record.name}` },
        object: removed
          ? { key: eventKey(o.key), sequencer }
          : { key: eventKey(o.key), size: o.size, eTag: o.etag.replace(/"/g, ''), sequencer },
      },
    };
    if (event === 'ObjectRestore:Completed' && o.restore?.expiresAt !== undefined) {
      rec.glacierEventData = {
        restoreEventData: { lifecycleRestorationExpiryTime: isoDate(o.restore.expiresAt), lifecycleRestoreStorageClass: o.storageClass },
      };
    }
    return rec;
  }

  private async deliver(n: NotificationTarget, message: string): Promise<void> {
    try {
      if (n.kind === 'Queue') {
        const q = this.sqs.byArn(n.arn);
        if (q) await this.sqs.send(q, message, 0);
      } else if (this.topics.topicExists(n.arn)) {
        await this.topics.publish(n.arn, message, 'Amazon S3 Notification');
      }
    } catch {
      // Delivery is best effort, as on S3: the request that caused the event has already succeeded.
    }
  }
}
