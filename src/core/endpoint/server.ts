import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, sendGlacierError, sendSnsError, sendSqsError } from './awsError';
import type { FaultInjector } from './faults';
import type { GlacierContext } from './glacier/context';
import { handleGlacier, isGlacierPath } from './glacier/router';
import { parseAuthorization } from './sigv4';
import type { S3Context } from './s3/context';
import { s3Target } from './s3/operation';
import { handleS3, signedService } from './s3/router';
import { sendS3Error } from './s3/s3Error';
import { handleSns } from './sns/snsProtocol';
import type { TopicService } from './sns/topicService';
import { handleSqs } from './sqs/sqsProtocol';
import type { QueueService } from './sqs/queueService';

type Protocol = 'glacier' | 'sqs' | 'sns' | 's3';

export interface Services {
  glacier: GlacierContext;
  s3: S3Context;
  sqs: QueueService;
  sns: TopicService;
  faults: FaultInjector;
}

/** Which service a request is for, from its headers and path alone (before reading the body). */
function protocolOf(req: IncomingMessage, url: URL): Protocol | undefined {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith('AmazonSQS.')) return 'sqs';
  if (signedService(req, url) === 's3') return 's3';
  if (isGlacierPath(url.pathname)) return 'glacier';
  if (req.method === 'POST' && String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return 'sns';
  // Anything else (unsigned, presigned, another service) is answered in S3's words.
  return 's3';
}

function sendError(protocol: Protocol | undefined, req: IncomingMessage, res: ServerResponse, e: AwsError): void {
  if (protocol === 's3') sendS3Error(req, res, e);
  else if (protocol === 'sqs') sendSqsError(res, e);
  else if (protocol === 'sns') sendSnsError(res, e);
  else sendGlacierError(res, e);
}

/** The fault's error in each service's own words; `undefined` for faults that are not an error response. */
function faultError(kind: string, protocol: Protocol | undefined): AwsError | undefined {
  switch (kind) {
    case '500': return new AwsError(500, protocol === 'sns' || protocol === 's3' ? 'InternalError' : 'InternalFailure', 'Injected fault: internal server error.');
    case '503': return new AwsError(503, protocol === 'glacier' ? 'ServiceUnavailableException' : 'ServiceUnavailable', 'Injected fault: service unavailable.');
    // S3 throttles with 503 SlowDown and times out with 400 RequestTimeout.
    case 'throttle': return protocol === 's3' ? new AwsError(503, 'SlowDown', 'Injected fault: please reduce your request rate.')
      : new AwsError(400, protocol === 'sns' ? 'Throttled' : 'ThrottlingException', 'Injected fault: rate exceeded.');
    case 'timeout': return protocol === 's3' ? new AwsError(400, 'RequestTimeout', 'Injected fault: your socket connection to the server was not read from or written to within the timeout period.')
      : new AwsError(408, protocol === 'glacier' ? 'RequestTimeoutException' : 'RequestTimeout', 'Injected fault: request timed out.');
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
    if (protocol === 's3') return await handleS3(s.s3, req, res, url, s3Target(req, url));
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
    if (res.destroyed || !req.socket || req.socket.destroyed) return;
    sendError(protocol, req, res, err);
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
