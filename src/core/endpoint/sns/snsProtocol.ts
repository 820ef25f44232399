import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { xmlEscape } from '../awsError';
import { readSmallBody } from '../http';
import { snsError, type Subscription, type TopicService } from './topicService';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
const MAX_MESSAGE = 256 * 1024;

function sendXml(res: ServerResponse, action: string, result: string): void {
  const body =
    `<${action}Response xmlns="${NS}">${result ? `<${action}Result>${result}</${action}Result>` : ''}` +
    `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
  res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body), 'x-amzn-requestid': randomUUID() });
  res.end(body);
}

/** `Attributes.entry.N.key` / `.value` pairs of a query request. */
function entries(params: URLSearchParams, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; params.has(`${prefix}.entry.${i}.key`); i++) {
    out[params.get(`${prefix}.entry.${i}.key`)!] = params.get(`${prefix}.entry.${i}.value`) ?? '';
  }
  return out;
}

function rawFlag(value: string): boolean {
  if (value !== 'true' && value !== 'false') throw snsError(400, 'InvalidParameter', 'Invalid parameter: Attributes Reason: RawMessageDelivery: Invalid value [' + value + ']. Must be true or false.');
  return value === 'true';
}

const required = (params: URLSearchParams, name: string): string => {
  const v = params.get(name);
  if (v === null || v === '') throw snsError(400, 'InvalidParameter', `Invalid parameter: ${name}`);
  return v;
};

/** SNS over the query protocol (form-encoded `Action=...`, XML responses), as @aws-sdk/client-sns speaks it. */
export async function handleSns(sns: TopicService, req: IncomingMessage, res: ServerResponse, params?: URLSearchParams): Promise<void> {
  const p = params ?? new URLSearchParams((await readSmallBody(req, 2 * 1024 * 1024)).toString('utf8'));
  const action = p.get('Action') ?? '';
  switch (action) {
    case 'CreateTopic': {
      const name = required(p, 'Name');
      if (!TOPIC_NAME.test(name)) {
        throw snsError(400, 'InvalidParameter', 'Invalid parameter: Topic Name (1 to 256 letters, digits, hyphens and underscores; FIFO topics are not supported locally)');
      }
      const arn = sns.arnFor(name);
      if (!sns.topics.has(arn)) {
        const t = { name, arn, attributes: entries(p, 'Attributes'), subscriptions: [] };
        await sns.save(t);
        sns.topics.set(arn, t);
      }
      return sendXml(res, action, `<TopicArn>${xmlEscape(arn)}</TopicArn>`);
    }
    case 'DeleteTopic': {
      const t = sns.topics.get(required(p, 'TopicArn'));
      if (t) await sns.remove(t);
      return sendXml(res, action, '');
    }
    case 'ListTopics': {
      const members = [...sns.topics.keys()].sort().map((a) => `<member><TopicArn>${xmlEscape(a)}</TopicArn></member>`).join('');
      return sendXml(res, action, `<Topics>${members}</Topics>`);
    }
    case 'Subscribe': {
      const t = sns.get(required(p, 'TopicArn'));
      const protocol = required(p, 'Protocol');
      if (protocol !== 'sqs') throw snsError(400, 'InvalidParameter', `Invalid parameter: Protocol "${protocol}" (the local endpoint delivers to sqs only)`);
      const endpoint = required(p, 'Endpoint');
      if (!/^arn:aws:sqs:[^:]+:\d{12}:[A-Za-z0-9_-]{1,80}$/.test(endpoint)) throw snsError(400, 'InvalidParameter', 'Invalid parameter: SQS endpoint ARN');
      const attrs = entries(p, 'Attributes');
      for (const k of Object.keys(attrs)) {
        if (k !== 'RawMessageDelivery') throw snsError(400, 'InvalidParameter', `Invalid parameter: Attributes Reason: ${k} is not supported by the local endpoint`);
      }
      const raw = attrs.RawMessageDelivery === undefined ? false : rawFlag(attrs.RawMessageDelivery);
      let sub: Subscription | undefined = t.subscriptions.find((s) => s.endpoint === endpoint);
      if (sub && sub.raw !== raw) throw snsError(400, 'InvalidParameter', 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes');
      if (!sub) {
        sub = { arn: `${t.arn}:${randomUUID()}`, protocol: 'sqs', endpoint, raw };
        t.subscriptions.push(sub);
        await sns.save(t);
      }
      return sendXml(res, action, `<SubscriptionArn>${xmlEscape(sub.arn)}</SubscriptionArn>`);
    }
    case 'Unsubscribe': {
      const { topic, sub } = sns.findSubscription(required(p, 'SubscriptionArn'));
      topic.subscriptions = topic.subscriptions.filter((s) => s !== sub);
      await sns.save(topic);
      return sendXml(res, action, '');
    }
    case 'SetSubscriptionAttributes': {
      const { topic, sub } = sns.findSubscription(required(p, 'SubscriptionArn'));
      const name = required(p, 'AttributeName');
      if (name !== 'RawMessageDelivery') throw snsError(400, 'InvalidParameter', `Invalid parameter: AttributeName ${name} is not supported by the local endpoint`);
      sub.raw = rawFlag(p.get('AttributeValue') ?? '');
      await sns.save(topic);
      return sendXml(res, action, '');
    }
    case 'ListSubscriptionsByTopic': {
      const t = sns.get(required(p, 'TopicArn'));
      const members = t.subscriptions.map((s) =>
        `<member><TopicArn>${xmlEscape(t.arn)}</TopicArn><Protocol>sqs</Protocol><SubscriptionArn>${xmlEscape(s.arn)}</SubscriptionArn>` +
        `<Owner>${sns.accountId}</Owner><Endpoint>${xmlEscape(s.endpoint)}</Endpoint></member>`).join('');
      return sendXml(res, action, `<Subscriptions>${members}</Subscriptions>`);
    }
    case 'Publish': {
      const arn = p.get('TopicArn') ?? p.get('TargetArn');
      const t = sns.get(arn);
      const message = p.get('Message');
      if (message === null || message === '') throw snsError(400, 'InvalidParameter', 'Invalid parameter: Empty message');
      if (Buffer.byteLength(message) > MAX_MESSAGE) throw snsError(400, 'InvalidParameter', 'Invalid parameter: Message too long');
      const subject = p.get('Subject') ?? undefined;
      if (subject !== undefined && (subject.length > 100 || !/^[\x20-\x7e]+$/.test(subject))) {
        throw snsError(400, 'InvalidParameter', 'Invalid parameter: Subject');
      }
      const id = await sns.publish(t.arn, message, subject);
      return sendXml(res, action, `<MessageId>${id}</MessageId>`);
    }
    default:
      throw snsError(400, 'InvalidAction', `The action ${action || '(none)'} is not valid for the local SNS endpoint.`);
  }
}
