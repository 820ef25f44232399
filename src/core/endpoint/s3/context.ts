import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResolvedOptions } from '../options';
import type { Storage } from '../storage';
import type { TopicPublisher } from '../glacier/context';
import type { QueueService } from '../sqs/queueService';
import type { S3Events } from './events';
import type { RestoreRunner } from './restoreRunner';
import { noSuchBucket, noSuchKey, s3Error } from './s3Error';
import type { BucketState, S3Store } from './s3Store';
import type { ObjectRecord } from './model';

/** Switches tests use to produce what only AWS would: another account's bucket, no Expedited capacity. */
export interface S3Controls {
  foreignBuckets: Set<string>;
  expeditedAvailable: boolean;
}

export interface S3Context {
  opts: ResolvedOptions;
  storage: Storage;
  store: S3Store;
  restores: RestoreRunner;
  events: S3Events;
  controls: S3Controls;
  sqs: QueueService;
  topics: TopicPublisher;
}

export interface S3Call {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  bucket: string;
  key: string;
  query: URLSearchParams;
}

export const accessDenied = (): Error => s3Error(403, 'AccessDenied', 'Access Denied');

/** The bucket, or 404 NoSuchBucket / 403 AccessDenied (another account's bucket). */
export function getBucket(ctx: S3Context, name: string): BucketState {
  if (ctx.controls.foreignBuckets.has(name)) throw accessDenied();
  const b = ctx.store.buckets.get(name);
  if (!b) throw noSuchBucket(name);
  return b;
}

export function getObject(ctx: S3Context, b: BucketState, key: string): ObjectRecord {
  const o = b.objects.get(key);
  if (!o) throw noSuchKey(key);
  return o;
}

export const httpDate = (ms: number): string => new Date(ms).toUTCString();
export const isoDate = (ms: number): string => new Date(ms).toISOString();
