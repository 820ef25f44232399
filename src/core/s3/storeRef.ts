import { FreezerError } from '../errors';
import { checkBucketName, normalizePrefix } from './bucketName';

/** A store as the user names it: a vault by its name, an S3 bucket as s3://bucket/prefix. */
export type StoreRef = { kind: 'vault'; name: string } | { kind: 's3'; bucket: string; prefix: string };

export const S3_SCHEME = 's3://';

/** Parses "s3://bucket", "s3://bucket/some/prefix" or a vault name. */
export function parseStoreRef(text: string): StoreRef {
  const t = text.trim();
  if (!t.toLowerCase().startsWith(S3_SCHEME)) {
    if (!t) throw new FreezerError('InvalidStore', 'No store named: give a vault name or s3://bucket/prefix.');
    return { kind: 'vault', name: t };
  }
  const rest = t.slice(S3_SCHEME.length);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  checkBucketName(bucket);
  return { kind: 's3', bucket, prefix: normalizePrefix(slash < 0 ? '' : rest.slice(slash + 1)) };
}

/** The canonical name of a store: the vault's name, or s3://bucket/prefix (prefix without its last '/'). */
export function formatStoreRef(ref: StoreRef): string {
  return ref.kind === 'vault' ? ref.name : `${S3_SCHEME}${ref.bucket}${ref.prefix ? `/${ref.prefix.replace(/\/$/, '')}` : ''}`;
}

export const isS3StoreName = (name: string): boolean => name.toLowerCase().startsWith(S3_SCHEME);
