import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsError, sendGlacierError, sendSnsError, sendSqsError } from './awsError';
import type { FaultInjector } from './faults';
import type { GlacierContext } from './glacier/context';
import { glacierOperation, handleGlacier, isGlacierPath } from './glacier/router';
import { readSmallBody } from './http';
import { armAfterFault } from './responseFaults';
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
  /** Called when a response is finished or its connection closed (tests count requests per operation). */
  observe?: (r: ObservedRequest) => void;
}

/** One request as the endpoint saw it. */
export interface ObservedRequest {
  operation: string;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  /** HTTP status sent; undefined when no complete response went out (dropped or cut). */
  status?: number;
  /** The fault injected into this request, if any. */
  fault?: string;
}

/**
 * A request recognised as one API operation: its AWS name (what fault rules and observers key on)
 * and how to handle it. Every API the endpoint serves names its operations here, so every fault kind
 * applies to it.
 */
interface Route {
  operation: string;
  run: () => Promise<void>;
}

async function routeOf(s: Services, protocol: Protocol, req: IncomingMessage, res: ServerResponse, url: URL): Promise<Route> {
  if (protocol === 'glacier') return { operation: glacierOperation(req.method, url), run: () => handleGlacier(s.glacier, req, res, url) };
  if (protocol === 'sqs') return { operation: String(req.headers['x-amz-target']).slice('AmazonSQS.'.length), run: () => handleSqs(s.sqs, req, res) };
  if (protocol === 'sns') {
    // The action is in the (small, form-encoded) body: read it first to name the operation.
    const params = new URLSearchParams((await readSmallBody(req, 2 * 1024 * 1024)).toString('utf8'));
    return { operation: params.get('Action') ?? 'Unknown', run: () => handleSns(s.sns, req, res, params) };
  }
  const target = s3Target(req, url);
  return { operation: target.operation, run: () => handleS3(s.s3, req, res, url, target) };
}

/** Which service a request is for, from its headers and path alone (before reading the body). */
function protocolOf(req: IncomingMessage, url: URL): Protocol {
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
  let operation = 'Unknown';
  let fault: string | undefined;
  if (s.observe) {
    const observe = s.observe;
    let seen = false;
    const lost = () => fault === 'cut-body' || fault === 'apply-then-drop';
    const report = (complete: boolean) => {
      if (seen) return;
      seen = true;
      observe({ operation, method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, status: complete ? res.statusCode : undefined, fault });
    };
    res.once('finish', () => report(!lost()));
    res.once('close', () => report(res.writableFinished && !lost()));
  }
  try {
    const url = new URL(req.url ?? '/', 'http://localhost');
    protocol = protocolOf(req, url);
    const route = await routeOf(s, protocol, req, res, url);
    operation = route.operation;
    const f = s.faults.next(operation);
    fault = f?.kind;
    if (f?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (f?.kind === 'slow') await delay(f.slowMs);
    // Armed before the handler runs, acting when it answers: its effect is persisted by then.
    if (f?.kind === 'apply-then-drop' || f?.kind === 'cut-body') armAfterFault(req, res, f.kind);
    const injected = f && faultError(f.kind, protocol);
    if (injected) throw injected;
    // S3 checks its own signatures (presigned URLs, anonymous requests).
    if (protocol !== 's3') parseAuthorization(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
    await route.run();
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
