import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, sendGlacierError, sendSnsError, sendSqsError } from './awsError';
import type { FaultInjector } from './faults';
import type { GlacierContext } from './glacier/context';
import { handleGlacier, isGlacierPath } from './glacier/router';
import { parseAuthorization } from './sigv4';
import { handleSns } from './sns/snsProtocol';
import type { TopicService } from './sns/topicService';
import { handleSqs } from './sqs/sqsProtocol';
import type { QueueService } from './sqs/queueService';

type Protocol = 'glacier' | 'sqs' | 'sns';

export interface Services {
  glacier: GlacierContext;
  sqs: QueueService;
  sns: TopicService;
  faults: FaultInjector;
}

/** Which service a request is for, from its headers and path alone (before reading the body). */
function protocolOf(req: IncomingMessage, url: URL): Protocol | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSQS.')) return 'sqs';
  if (isGlacierPath(url.pathname)) return 'glacier';
  if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'sns';
  return undefined;
}

function sendError(protocol: Protocol | undefined, res: ServerResponse, e: AwsError): void {
  if (protocol === 'sqs') sendSqsError(res, e);
  else if (protocol === 'sns') sendSnsError(res, e);
  else sendGlacierError(res, e);
}

/** The fault's error in each service's own words; `undefined` for faults that are not an error response. */
function faultError(kind: string, protocol: Protocol | undefined): AwsError | undefined {
  switch (kind) {
    case '500': return new AwsError(500, protocol === 'sns' ? 'InternalError' : 'InternalFailure', 'Injected fault: internal server error.');
    case '503': return new AwsError(503, protocol === 'glacier' ? 'ServiceUnavailableException' : 'ServiceUnavailable', 'Injected fault: service unavailable.');
    case 'throttle': return new AwsError(400, protocol === 'sns' ? 'Throttled' : 'ThrottlingException', 'Injected fault: rate exceeded.');
    case 'timeout': return new AwsError(408, protocol === 'glacier' ? 'RequestTimeoutException' : 'RequestTimeout', 'Injected fault: request timed out.');
    default: return undefined;
  }
}

const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createEndpointServer(services: Services): http.Server {
  const server = http.createServer((req, res) => {
    void handle(services, req, res);
  });
  // Long polls last up to 20 s and uploads can be large: no server-side request timeout.
  server.requestTimeout = 0;
  server.keepAliveTimeout = 30_000;
  return server;
}

async function handle(s: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let protocol: Protocol | undefined;
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    protocol = protocolOf(req, url);
    const fault = s.faults.next();
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'slow') await delay(s.faults.slowMs);
    const injected = fault && faultError(fault, protocol);
    if (injected) throw injected;
    if (!protocol) throw new AwsError(400, 'UnknownOperationException', `${req.method} ${url.pathname} is not a Glacier, SQS or SNS request.`);
    parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    if (protocol === 'glacier') await handleGlacier(s.glacier, req, res, url);
    else if (protocol === 'sqs') await handleSqs(s.sqs, req, res);
    else await handleSns(s.sns, req, res);
  } catch (e) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const err = e instanceof AwsError ? e : new AwsError(500, 'InternalFailure', `Local endpoint error: ${(e as Error)?.message ?? String(e)}`);
    if (res.destroyed || req.socket.destroyed) return;
    sendError(protocol, res, err);
  }
}

export function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}
