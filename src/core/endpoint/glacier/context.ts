import type { IncomingMessage, ServerResponse } from 'node:http';
import { notFound } from '../awsError';
import type { ResolvedOptions } from '../options';
import type { Storage } from '../storage';
import type { GlacierStore, VaultState } from './glacierStore';
import type { JobRunner } from './jobRunner';
import { vaultArn } from './model';

/** What the SNS side offers Glacier: topic lookup for validation and publishing for job notifications. */
export interface TopicPublisher {
  topicExists(arn: string): boolean;
  publish(topicArn: string, message: string, subject?: string): Promise<void>;
}

export interface GlacierContext {
  opts: ResolvedOptions;
  storage: Storage;
  store: GlacierStore;
  jobs: JobRunner;
  topics: TopicPublisher;
}

export interface GlacierCall {
  req: IncomingMessage;
  res: ServerResponse;
  /** The account path segment as sent ('-' or the account id), echoed in Location headers. */
  account: string;
  query: URLSearchParams;
}

export function arnOf(ctx: GlacierContext, vault: string): string {
  return vaultArn(ctx.opts.region, ctx.opts.accountId, vault);
}

export function getVault(ctx: GlacierContext, name: string): VaultState {
  const v = ctx.store.vaults.get(name);
  if (!v) throw notFound(`Vault not found for ARN: ${arnOf(ctx, name)}`);
  return v;
}

export const nowIso = (): string => new Date().toISOString();
