import http from 'node:http';
import https from 'node:https';
import { S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { SDK_MAX_ATTEMPTS } from '../glacier/clients';
import type { GlacierCredentials } from '../glacier/config';
import { redact } from '../log';

/** How to reach S3 (or an S3-compatible server, or the local endpoint). */
export interface S3Config {
  region: string;
  /** Custom endpoint URL; path-style addressing is then used (`forcePathStyle`). */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Shared config/credentials profile; ignored when `credentials` are given. */
  profile?: string;
  credentials?: GlacierCredentials;
  /**
   * `when-required`: the SDK adds no checksum of its own (`requestChecksumCalculation` and
   * `responseChecksumValidation: WHEN_REQUIRED`), for S3-compatible servers that reject its default
   * CRC32 trailers. Freezer then sends Content-MD5 per part instead, and still checks what it reads.
   */
  checksums?: 'default' | 'when-required';
  /** Parallel part uploads / range downloads (default 4). */
  threads?: number;
  socketTimeoutMs?: number;
}

export interface S3Clients {
  s3: S3Client;
  /**
   * The same, without SDK retries: for writes whose lost answer must be settled (HEAD) before they
   * are sent again — a re-sent PUT or CompleteMultipartUpload could store a second billed copy.
   */
  once: S3Client;
  compat: boolean;
  destroy(): void;
}

export function createS3Clients(cfg: S3Config): S3Clients {
  const credentials = cfg.credentials ? { ...cfg.credentials } : fromNodeProviderChain(cfg.profile ? { profile: cfg.profile } : {});
  const agentOpts = { keepAlive: true, maxSockets: Math.max(16, (cfg.threads ?? 4) * 2) };
  const compat = cfg.checksums === 'when-required';
  const make = (maxAttempts: number) => new S3Client({
    region: cfg.region,
    credentials,
    maxAttempts,
    retryMode: 'standard',
    ...(cfg.endpoint ? { endpoint: cfg.endpoint } : {}),
    forcePathStyle: cfg.forcePathStyle ?? cfg.endpoint !== undefined,
    ...(compat ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const } : {}),
    requestHandler: new NodeHttpHandler({
      connectionTimeout: 10_000,
      socketTimeout: cfg.socketTimeoutMs ?? 120_000,
      httpAgent: new http.Agent(agentOpts),
      httpsAgent: new https.Agent(agentOpts),
    }),
  });
  const s3 = make(SDK_MAX_ATTEMPTS);
  const once = make(1);
  return { s3, once, compat, destroy() { s3.destroy(); once.destroy(); } };
}

/** One line safe for logs: the secret and session token never appear. */
export function describeS3Config(cfg: S3Config): string {
  const creds = cfg.credentials ? `explicit keys (access key ${redact(cfg.credentials.accessKeyId, 4)}, secret ${redact(cfg.credentials.secretAccessKey)})` : `credential chain${cfg.profile ? ` (profile ${cfg.profile})` : ''}`;
  return [`region=${cfg.region}`, cfg.endpoint ? `endpoint=${cfg.endpoint}` : undefined, `credentials=${creds}`, cfg.checksums === 'when-required' ? 'checksums=when-required' : undefined]
    .filter(Boolean).join(' ');
}
