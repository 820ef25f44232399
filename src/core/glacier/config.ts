import { redact } from '../log';

/** Explicit AWS keys (the secret lives in secure storage and is handed in only when needed). */
export interface GlacierCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Everything the Glacier layer needs to reach AWS (or the local endpoint). */
export interface GlacierConfig {
  region: string;
  /** AWS account id, or '-' for the account owning the credentials. */
  accountId?: string;
  /** Custom endpoint URL, e.g. the local endpoint `http://127.0.0.1:port`. */
  endpoint?: string;
  /** Shared config/credentials profile; ignored when `credentials` are given. */
  profile?: string;
  credentials?: GlacierCredentials;
  snsTopicArn?: string;
  queueUrl?: string;
  /** SQS long-poll wait, 1–20 s (default 20). */
  pollTimeSeconds?: number;
  /** Parallel part uploads / range downloads (default 4). */
  threads?: number;
  /** Part size override in bytes (1 MiB × 2^n); chosen automatically when absent. */
  chunkSize?: number;
  /** A connection idle this long is dropped and the request retried (default 120 s). */
  socketTimeoutMs?: number;
}

export const DEFAULT_THREADS = 4;
export const DEFAULT_POLL_TIME_SECONDS = 20;

/** The config with its defaults filled in. */
export function resolveGlacierConfig(cfg: GlacierConfig): Required<Pick<GlacierConfig, 'region' | 'accountId' | 'threads' | 'pollTimeSeconds'>> & GlacierConfig {
  return {
    ...cfg,
    accountId: cfg.accountId || '-',
    threads: Math.max(1, Math.floor(cfg.threads ?? DEFAULT_THREADS)),
    pollTimeSeconds: Math.min(20, Math.max(1, Math.floor(cfg.pollTimeSeconds ?? DEFAULT_POLL_TIME_SECONDS))),
  };
}

/** A one-line description safe for logs: the secret key and session token are never included. */
export function describeConfig(cfg: GlacierConfig): string {
  const creds = cfg.credentials
    ? `explicit keys (access key ${redact(cfg.credentials.accessKeyId, 4)}, secret ${redact(cfg.credentials.secretAccessKey)})`
    : `credential chain${cfg.profile ? ` (profile ${cfg.profile})` : ''}`;
  return [
    `region=${cfg.region}`,
    `account=${cfg.accountId || '-'}`,
    cfg.endpoint ? `endpoint=${cfg.endpoint}` : undefined,
    `credentials=${creds}`,
    cfg.snsTopicArn ? `sns=${cfg.snsTopicArn}` : undefined,
    cfg.queueUrl ? `sqs=${cfg.queueUrl}` : undefined,
    `threads=${cfg.threads ?? DEFAULT_THREADS}`,
    cfg.chunkSize ? `chunkSize=${cfg.chunkSize}` : undefined,
  ].filter(Boolean).join(' ');
}
