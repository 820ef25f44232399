import { createHash, randomUUID } from 'node:crypto';
import { AwsError } from '../awsError';
import type { Storage } from '../storage';

export interface StoredMessage {
  id: string;
  body: string;
  md5: string;
  sentAt: number;
  /** Epoch ms from which the message may be received (delay, then visibility timeout). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt: number | null;
  /** Receipt handle of the latest receive; only it deletes the message. */
  receipt: string | null;
}

export interface QueueRecord {
  name: string;
  createdAt: number;
  modifiedAt: number;
  attributes: Record<string, string>;
  messages: StoredMessage[];
}

export const sqsError = (code: string, message: string, queryCode = code, status = 400): AwsError =>
  new AwsError(status, code, message, 'Client', queryCode);
export const nonExistentQueue = (): AwsError =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
export const invalidValue = (message: string): AwsError => sqsError('InvalidParameterValue', message);

const SETTABLE: Record<string, { min: number; max: number; dflt: number } | null> = {
  VisibilityTimeout: { min: 0, max: 43200, dflt: 30 },
  ReceiveMessageWaitTimeSeconds: { min: 0, max: 20, dflt: 0 },
  MessageRetentionPeriod: { min: 60, max: 1209600, dflt: 345600 },
  DelaySeconds: { min: 0, max: 900, dflt: 0 },
  MaximumMessageSize: { min: 1024, max: 262144, dflt: 262144 },
  Policy: null,
};

export function checkAttributes(attrs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (!(k in SETTABLE)) throw sqsError('InvalidAttributeName', `Unknown or unsupported attribute ${k}.`);
    const range = SETTABLE[k];
    if (range && (!/^\d+$/.test(v) || Number(v) < range.min || Number(v) > range.max)) {
      throw sqsError('InvalidAttributeValue', `Invalid value for the parameter ${k}: must be an integer from ${range.min} to ${range.max}.`);
    }
    out[k] = String(v);
  }
  return out;
}

/**
 * SQS queues: standard (not FIFO) queues with visibility timeouts and long polling. Queues and their
 * messages are persisted (one JSON file per queue); in-flight state is not, so after a restart every
 * message is visible again, which at-least-once delivery allows.
 */
export class QueueService {
  readonly queues = new Map<string, QueueRecord>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private closed = false;

  constructor(private readonly storage: Storage, readonly region: string, readonly accountId: string, private readonly baseUrl: () => string) {}

  async load(): Promise<void> {
    for (const q of await this.storage.readAll<QueueRecord>(this.storage.meta('sqs'))) {
      for (const m of q.messages) { m.receipt = null; m.visibleAt = Math.min(m.visibleAt, Math.max(m.sentAt, Date.now())); }
      this.queues.set(q.name, q);
    }
  }

  arn(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  url(name: string): string {
    return `${this.baseUrl()}/${this.accountId}/${name}`;
  }

  setting(q: QueueRecord, name: keyof typeof SETTABLE): number {
    return Number(q.attributes[name] ?? SETTABLE[name]!.dflt);
  }

  save(q: QueueRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('sqs', `${q.name}.json`), q);
  }

  async remove(q: QueueRecord): Promise<void> {
    this.queues.delete(q.name);
    this.wake(q.name);
    await this.storage.remove(this.storage.meta('sqs', `${q.name}.json`));
  }

  /** Finds a queue from its URL (any host: only the account and name in the path count). */
  byUrl(queueUrl: unknown): QueueRecord {
    if (typeof queueUrl !== 'string' || !queueUrl) throw sqsError('MissingParameter', 'The request must contain the parameter QueueUrl.');
    let path: string;
    try {
      path = new URL(queueUrl).pathname;
    } catch {
      throw invalidValue(`Invalid QueueUrl "${queueUrl}".`);
    }
    const m = /^\/(\d{12})\/([^/]+)$/.exec(path);
    if (!m || m[1] !== this.accountId) throw nonExistentQueue();
    const q = this.queues.get(m[2]);
    if (!q) throw nonExistentQueue();
    return q;
  }

  byArn(arn: string): QueueRecord | undefined {
    const m = /^arn:aws:sqs:[^:]+:(\d{12}):(.+)$/.exec(arn);
    return m && m[1] === this.accountId ? this.queues.get(m[2]) : undefined;
  }

  /** Appends a message (used by SendMessage and by SNS deliveries). */
  async send(q: QueueRecord, body: string, delaySeconds?: number): Promise<StoredMessage> {
    const now = Date.now();
    const msg: StoredMessage = {
      id: randomUUID(), body, md5: createHash('md5').update(body, 'utf8').digest('hex'), sentAt: now,
      visibleAt: now + 1000 * (delaySeconds ?? this.setting(q, 'DelaySeconds')), receiveCount: 0, firstReceiveAt: null, receipt: null,
    };
    q.messages.push(msg);
    await this.save(q);
    this.wake(q.name);
    return msg;
  }

  /** ReceiveMessage with long polling: waits up to `waitSeconds` for a visible message. */
  async receive(q: QueueRecord, max: number, visibility: number, waitSeconds: number, abort: AbortSignal): Promise<StoredMessage[]> {
    const deadline = Date.now() + waitSeconds * 1000;
    for (;;) {
      const got = this.take(q, max, visibility);
      if (got.length || this.closed || abort.aborted || Date.now() >= deadline || !this.queues.has(q.name)) return got;
      const nextVisible = q.messages.reduce((t, m) => (m.visibleAt > Date.now() ? Math.min(t, m.visibleAt) : t), Infinity);
      await this.waitForChange(q.name, Math.min(deadline, nextVisible) - Date.now(), abort);
    }
  }

  private take(q: QueueRecord, max: number, visibility: number): StoredMessage[] {
    const now = Date.now();
    const retention = this.setting(q, 'MessageRetentionPeriod') * 1000;
    const before = q.messages.length;
    q.messages = q.messages.filter((m) => now - m.sentAt < retention);
    if (q.messages.length !== before) void this.save(q).catch(() => undefined);
    const out: StoredMessage[] = [];
    for (const m of q.messages) {
      if (out.length >= max) break;
      if (m.visibleAt > now) continue;
      m.receiveCount++;
      m.firstReceiveAt ??= now;
      m.receipt = Buffer.from(JSON.stringify({ q: q.name, m: m.id, r: randomUUID() })).toString('base64url');
      m.visibleAt = now + visibility * 1000;
      out.push(m);
    }
    return out;
  }

  /** Deletes by receipt handle; a stale handle of a message received again is accepted and ignored, like SQS. */
  async delete(q: QueueRecord, receipt: unknown): Promise<void> {
    const id = this.parseReceipt(q, receipt);
    const i = q.messages.findIndex((m) => m.id === id && m.receipt === receipt);
    if (i >= 0) {
      q.messages.splice(i, 1);
      await this.save(q);
    }
  }

  changeVisibility(q: QueueRecord, receipt: unknown, seconds: number): void {
    const id = this.parseReceipt(q, receipt);
    const m = q.messages.find((x) => x.id === id && x.receipt === receipt);
    if (!m || m.visibleAt <= Date.now()) throw sqsError('MessageNotInflight', 'The message referred to is not in flight.', 'AWS.SimpleQueueService.MessageNotInflight');
    m.visibleAt = Date.now() + seconds * 1000;
    this.wake(q.name);
  }

  async purge(q: QueueRecord): Promise<void> {
    q.messages = [];
    await this.save(q);
  }

  close(): void {
    this.closed = true;
    for (const name of this.waiters.keys()) this.wake(name);
  }

  private parseReceipt(q: QueueRecord, receipt: unknown): string {
    if (typeof receipt !== 'string' || !receipt) throw sqsError('MissingParameter', 'The request must contain the parameter ReceiptHandle.');
    try {
      const r = JSON.parse(Buffer.from(receipt, 'base64url').toString('utf8')) as { q?: unknown; m?: unknown };
      if (r.q === q.name && typeof r.m === 'string') return r.m;
    } catch {
      // fall through
    }
    throw sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receipt.slice(0, 60)}" is not a valid receipt handle.`, 'ReceiptHandleIsInvalid', 404);
  }

  private wake(name: string): void {
    const set = this.waiters.get(name);
    if (!set) return;
    this.waiters.delete(name);
    for (const w of set) w();
  }

  private waitForChange(name: string, ms: number, abort: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      let set = this.waiters.get(name);
      if (!set) this.waiters.set(name, (set = new Set()));
      const done = (): void => {
        clearTimeout(t);
        abort.removeEventListener('abort', done);
        set!.delete(done);
        resolve();
      };
      const t = setTimeout(done, Math.max(1, ms));
      abort.addEventListener('abort', done);
      set.add(done);
    });
  }
}
