import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { GlacierClient } from '@aws-sdk/client-glacier';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { treeHash } from '../hash/treeHash';
import { GlacierConfig, resolveGlacierConfig } from './config';

/** The SDK clients plus the account id every Glacier call needs. */
export interface GlacierClients {
  glacier: GlacierClient;
  sqs: SQSClient;
  sns: SNSClient;
  accountId: string;
  /** Closes the clients' sockets. */
  destroy(): void;
}

/**
 * SDK-level attempts per request. The SDK's standard strategy (exponential backoff with full jitter)
 * already retries throttling, 5xx, timeouts and dropped connections for requests whose body can be
 * re-sent — true for our parts, which are Buffers.
 */
export const SDK_MAX_ATTEMPTS = 5;

export function createClients(input: GlacierConfig): GlacierClients {
  const cfg = resolveGlacierConfig(input);
  const credentials = cfg.credentials
    ? { ...cfg.credentials }
    : fromNodeProviderChain(cfg.profile ? { profile: cfg.profile } : {});
  // Enough sockets for every parallel part plus SQS long-polls; idle sockets are closed by `destroy()`.
  const agentOpts = { keepAlive: true, maxSockets: Math.max(16, cfg.threads * 2) };
  const handler = () => new NodeHttpHandler({
    connectionTimeout: 10_000,
    // Idle socket timeout: a stalled transfer becomes a retryable TimeoutError instead of a hang.
    socketTimeout: cfg.socketTimeoutMs ?? 120_000,
    httpAgent: new http.Agent(agentOpts),
    httpsAgent: new https.Agent(agentOpts),
  });
  const common = {
    region: cfg.region,
    credentials,
    maxAttempts: SDK_MAX_ATTEMPTS,
    retryMode: 'standard' as const,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
  };
  const glacier = new GlacierClient({ ...common, requestHandler: handler() });
  useProvidedChecksums(glacier);
  const sqs = new SQSClient({ ...common, requestHandler: handler() });
  const sns = new SNSClient({ ...common, requestHandler: handler() });
  for (const c of [glacier, sqs, sns]) nameFailedOperation(c);
  return {
    glacier,
    sqs,
    sns,
    accountId: cfg.accountId,
    destroy() {
      glacier.destroy();
      sqs.destroy();
      sns.destroy();
    },
  };
}

/** A failed request's operation ("ListVaults"), so an error such as "socket hang up" can say what failed. */
export function failedOperation(e: unknown): string | undefined {
  const op = (e as { $operation?: unknown } | null)?.$operation;
  return typeof op === 'string' ? op : undefined;
}

function nameFailedOperation(client: GlacierClient | SQSClient | SNSClient): void {
  (client.middlewareStack as GlacierClient['middlewareStack']).add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (e) {
        const op = String(context.commandName ?? '').replace(/Command$/, '');
        if (e && typeof e === 'object' && op && !('$operation' in e)) Object.defineProperty(e, '$operation', { value: op, enumerable: false });
        throw e;
      }
    },
    { step: 'initialize', name: 'nameFailedOperationMiddleware', override: true },
  );
}

const hasHeader = (headers: Record<string, string>, name: string) =>
  Object.keys(headers).some((k) => k.toLowerCase() === name);

/**
 * The SDK's Glacier plugin re-hashes every body (SHA-256 and tree hash) even when the caller passes
 * `checksum`, and refuses streams that are not plain files. We already hash each part while reading
 * it, so this replacement computes only the headers that are missing, from in-memory bodies.
 */
function useProvidedChecksums(client: GlacierClient): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      if (request && request.headers && request.body !== undefined && request.body !== null) {
        const body = request.body;
        const needContent = !hasHeader(request.headers, 'x-amz-content-sha256');
        const needTree = !hasHeader(request.headers, 'x-amz-sha256-tree-hash');
        if (needContent || needTree) {
          const bytes = typeof body === 'string' ? Buffer.from(body) : ArrayBuffer.isView(body) ? Buffer.from(body.buffer, body.byteOffset, body.byteLength) : undefined;
          if (!bytes) throw new Error('Glacier request body must be a Buffer when its checksums are not provided');
          if (needContent) request.headers['x-amz-content-sha256'] = createHash('sha256').update(bytes).digest('hex');
          if (needTree) request.headers['x-amz-sha256-tree-hash'] = treeHash(bytes).toString('hex');
        }
      }
      return next(args);
    },
    { step: 'build', name: 'addChecksumHeadersMiddleware', tags: ['SET_CHECKSUM_HEADERS'], override: true },
  );
}
