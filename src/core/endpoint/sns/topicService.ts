import { randomUUID } from 'node:crypto';
import { AwsError } from '../awsError';
import type { QueueService } from '../sqs/queueService';
import type { Storage } from '../storage';

export interface Subscription {
  arn: string;
  protocol: 'sqs';
  endpoint: string;
  raw: boolean;
}

export interface TopicRecord {
  name: string;
  arn: string;
  attributes: Record<string, string>;
  subscriptions: Subscription[];
}

export const snsError = (status: number, code: string, message: string): AwsError => new AwsError(status, code, message);
export const topicNotFound = (): AwsError => snsError(404, 'NotFound', 'Topic does not exist');

/**
 * SNS topics with SQS subscriptions. Publish delivers into the subscribed local queues right away,
 * wrapped in the standard SNS notification envelope unless the subscription asks for raw delivery.
 */
export class TopicService {
  readonly topics = new Map<string, TopicRecord>();

  constructor(
    private readonly storage: Storage,
    private readonly sqs: QueueService,
    readonly region: string,
    readonly accountId: string,
    private readonly baseUrl: () => string,
  ) {}

  async load(): Promise<void> {
    for (const t of await this.storage.readAll<TopicRecord>(this.storage.meta('sns'))) this.topics.set(t.arn, t);
  }

  arnFor(name: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${name}`;
  }

  topicExists(arn: string): boolean {
    return this.topics.has(arn);
  }

  get(arn: unknown): TopicRecord {
    if (typeof arn !== 'string' || !arn) throw snsError(400, 'InvalidParameter', 'Invalid parameter: TopicArn');
    const t = this.topics.get(arn);
    if (!t) throw topicNotFound();
    return t;
  }

  save(t: TopicRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('sns', `${t.name}.json`), t);
  }

  async remove(t: TopicRecord): Promise<void> {
    this.topics.delete(t.arn);
    await this.storage.remove(this.storage.meta('sns', `${t.name}.json`));
  }

  findSubscription(arn: unknown): { topic: TopicRecord; sub: Subscription } {
    for (const topic of this.topics.values()) {
      const sub = topic.subscriptions.find((s) => s.arn === arn);
      if (sub) return { topic, sub };
    }
    throw snsError(404, 'NotFound', 'Subscription does not exist');
  }

  /** Publishes to every subscription; returns the message id. */
  async publish(topicArn: string, message: string, subject?: string): Promise<string> {
    const topic = this.get(topicArn);
    const messageId = randomUUID();
    for (const sub of topic.subscriptions) {
      const q = this.sqs.byArn(sub.endpoint);
      if (!q) continue; // like SNS: a delivery to a missing queue is lost, the publish still succeeds
      const body = sub.raw ? message : JSON.stringify(this.envelope(topic, sub, messageId, message, subject));
      await this.sqs.send(q, body, 0);
    }
    return messageId;
  }

  private envelope(topic: TopicRecord, sub: Subscription, messageId: string, message: string, subject?: string): Record<string, string> {
    return {
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      ...(subject ? { Subject: subject } : {}),
      Message: message,
      Timestamp: new Date().toISOString(),
      SignatureVersion: '1',
      // The local endpoint does not sign; the field is kept so envelope parsers find what they expect.
      Signature: Buffer.from(`local:${messageId}`).toString('base64'),
      SigningCertURL: `${this.baseUrl()}/SimpleNotificationService-local.pem`,
      UnsubscribeURL: `${this.baseUrl()}/?Action=Unsubscribe&SubscriptionArn=${encodeURIComponent(sub.arn)}`,
    };
  }
}
