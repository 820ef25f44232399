import type { IncomingMessage, ServerResponse } from 'node:http';
import { readSmallBody, sendJson } from '../http';
import { checkAttributes, invalidValue, sqsError, type QueueService } from './queueService';

const JSON_TYPE = 'application/x-amz-json-1.0';
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;

type Input = Record<string, unknown>;

/** SQS accepts #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF. */
function validMessageChars(body: string): boolean {
  for (const ch of body) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return false;
  }
  return true;
}

function intIn(v: unknown, name: string, min: number, max: number, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw invalidValue(`Value ${String(v)} for parameter ${name} is invalid. Reason: must be an integer from ${min} to ${max}.`);
  }
  return v;
}

/** SQS over the AWS JSON 1.0 protocol (`X-Amz-Target: AmazonSQS.<Operation>`), as @aws-sdk/client-sqs speaks it. */
export async function handleSqs(sqs: QueueService, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.slice('AmazonSQS.'.length);
  const ct = String(req.headers['content-type'] ?? '');
  if (!ct.startsWith(JSON_TYPE)) throw sqsError('InvalidParameterValue', `Content-Type must be ${JSON_TYPE} for the SQS JSON protocol.`);
  const raw = (await readSmallBody(req, 2 * 1024 * 1024)).toString('utf8');
  let input: Input;
  try {
    input = JSON.parse(raw || '{}') as Input;
  } catch {
    throw sqsError('SerializationException', 'The request body is not valid JSON.');
  }
  const ok = (value: unknown): void => sendJson(res, 200, value, {}, JSON_TYPE);
  switch (op) {
    case 'CreateQueue': {
      const name = input.QueueName;
      if (typeof name !== 'string' || !QUEUE_NAME.test(name)) {
        throw invalidValue('Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length (FIFO queues are not supported locally).');
      }
      const attrs = checkAttributes((input.Attributes ?? {}) as Record<string, string>);
      const existing = sqs.queues.get(name);
      if (existing) {
        for (const [k, v] of Object.entries(attrs)) {
          if ((existing.attributes[k] ?? null) !== v) {
            throw sqsError('QueueNameExists', `A queue already exists with the same name and a different value for attribute ${k}.`, 'QueueAlreadyExists');
          }
        }
      } else {
        const now = Date.now();
        const q = { name, createdAt: now, modifiedAt: now, attributes: attrs, messages: [] };
        await sqs.save(q);
        sqs.queues.set(name, q);
      }
      return ok({ QueueUrl: sqs.url(name) });
    }
    case 'GetQueueUrl': {
      const name = input.QueueName;
      if (typeof name !== 'string' || !sqs.queues.has(name)) {
        throw sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
      }
      return ok({ QueueUrl: sqs.url(name) });
    }
    case 'ListQueues': {
      const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
      return ok({ QueueUrls: [...sqs.queues.keys()].filter((n) => n.startsWith(prefix)).sort().map((n) => sqs.url(n)) });
    }
    case 'DeleteQueue': {
      await sqs.remove(sqs.byUrl(input.QueueUrl));
      return ok({});
    }
    case 'GetQueueAttributes': {
      const q = sqs.byUrl(input.QueueUrl);
      const names = Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : [];
      const now = Date.now();
      const all: Record<string, string> = {
        QueueArn: sqs.arn(q.name),
        ApproximateNumberOfMessages: String(q.messages.filter((m) => m.visibleAt <= now).length),
        ApproximateNumberOfMessagesNotVisible: String(q.messages.filter((m) => m.visibleAt > now && m.receipt).length),
        ApproximateNumberOfMessagesDelayed: String(q.messages.filter((m) => m.visibleAt > now && !m.receipt).length),
        CreatedTimestamp: String(Math.floor(q.createdAt / 1000)),
        LastModifiedTimestamp: String(Math.floor(q.modifiedAt / 1000)),
        VisibilityTimeout: String(sqs.setting(q, 'VisibilityTimeout')),
        ReceiveMessageWaitTimeSeconds: String(sqs.setting(q, 'ReceiveMessageWaitTimeSeconds')),
        MessageRetentionPeriod: String(sqs.setting(q, 'MessageRetentionPeriod')),
        DelaySeconds: String(sqs.setting(q, 'DelaySeconds')),
        MaximumMessageSize: String(sqs.setting(q, 'MaximumMessageSize')),
        ...(q.attributes.Policy ? { Policy: q.attributes.Policy } : {}),
      };
      const out: Record<string, string> = {};
      for (const n of names) {
        if (n === 'All') Object.assign(out, all);
        else if (n in all) out[n] = all[n];
        else if (n !== 'Policy') throw sqsError('InvalidAttributeName', `Unknown attribute ${n}.`);
      }
      return ok(Object.keys(out).length ? { Attributes: out } : {});
    }
    case 'SetQueueAttributes': {
      const q = sqs.byUrl(input.QueueUrl);
      Object.assign(q.attributes, checkAttributes((input.Attributes ?? {}) as Record<string, string>));
      q.modifiedAt = Date.now();
      await sqs.save(q);
      return ok({});
    }
    case 'SendMessage': {
      const q = sqs.byUrl(input.QueueUrl);
      const body = input.MessageBody;
      if (typeof body !== 'string' || body.length === 0) throw sqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(body) > sqs.setting(q, 'MaximumMessageSize')) {
        throw invalidValue(`One or more parameters are invalid. Reason: Message must be shorter than ${sqs.setting(q, 'MaximumMessageSize')} bytes.`);
      }
      if (!validMessageChars(body)) {
        throw sqsError('InvalidMessageContents', 'Invalid characters found in the message body.');
      }
      const delay = intIn(input.DelaySeconds, 'DelaySeconds', 0, 900, sqs.setting(q, 'DelaySeconds'));
      const m = await sqs.send(q, body, delay);
      return ok({ MessageId: m.id, MD5OfMessageBody: m.md5 });
    }
    case 'ReceiveMessage': {
      const q = sqs.byUrl(input.QueueUrl);
      const max = intIn(input.MaxNumberOfMessages, 'MaxNumberOfMessages', 1, 10, 1);
      const visibility = intIn(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, sqs.setting(q, 'VisibilityTimeout'));
      const wait = intIn(input.WaitTimeSeconds, 'WaitTimeSeconds', 0, 20, sqs.setting(q, 'ReceiveMessageWaitTimeSeconds'));
      const wanted = new Set([
        ...(Array.isArray(input.AttributeNames) ? (input.AttributeNames as string[]) : []),
        ...(Array.isArray(input.MessageSystemAttributeNames) ? (input.MessageSystemAttributeNames as string[]) : []),
      ]);
      const abort = new AbortController();
      const onClose = (): void => abort.abort();
      res.on('close', onClose);
      try {
        const got = await sqs.receive(q, max, visibility, wait, abort.signal);
        if (!got.length) return ok({});
        return ok({
          Messages: got.map((m) => {
            const attrs: Record<string, string> = {
              SenderId: sqs.accountId,
              SentTimestamp: String(m.sentAt),
              ApproximateReceiveCount: String(m.receiveCount),
              ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt),
            };
            const picked = wanted.has('All') ? attrs : Object.fromEntries(Object.entries(attrs).filter(([k]) => wanted.has(k)));
            return {
              MessageId: m.id, ReceiptHandle: m.receipt, MD5OfBody: m.md5, Body: m.body,
              ...(Object.keys(picked).length ? { Attributes: picked } : {}),
            };
          }),
        });
      } finally {
        res.off('close', onClose);
      }
    }
    case 'DeleteMessage': {
      await sqs.delete(sqs.byUrl(input.QueueUrl), input.ReceiptHandle);
      return ok({});
    }
    case 'ChangeMessageVisibility': {
      const q = sqs.byUrl(input.QueueUrl);
      sqs.changeVisibility(q, input.ReceiptHandle, intIn(input.VisibilityTimeout, 'VisibilityTimeout', 0, 43200, 0));
      return ok({});
    }
    case 'PurgeQueue': {
      await sqs.purge(sqs.byUrl(input.QueueUrl));
      return ok({});
    }
    default:
      throw sqsError('UnsupportedOperation', `AmazonSQS.${op} is not an operation the local SQS endpoint supports.`, 'AWS.SimpleQueueService.UnsupportedOperation');
  }
}
