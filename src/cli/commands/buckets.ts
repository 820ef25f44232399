import { isArchiveStorageClass } from '../../core/s3/storageClass';
import type { StorageClass } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import { EXIT, UsageError } from '../exitCodes';

export const STORAGE_CLASS_OPTION = { type: 'string', arg: 'DEEP_ARCHIVE|GLACIER|GLACIER_IR' } as const;

export function parseStorageClass(v: string | undefined): StorageClass | undefined {
  if (v === undefined) return undefined;
  const c = v.toUpperCase().replace(/-/g, '_');
  if (!isArchiveStorageClass(c)) throw new UsageError('--storage-class must be DEEP_ARCHIVE, GLACIER or GLACIER_IR.');
  return c;
}

export const bucketCommand: Command = {
  name: 'bucket',
  usage: 'create|add|remove s3://BUCKET[/PREFIX] [--storage-class CLASS]',
  summary: 'Create an S3 bucket as a store, add an existing one, or remove a store whose prefix is empty.',
  options: { 'storage-class': STORAGE_CLASS_OPTION },
  details: [
    'Bucket stores are how AWS accounts opened since 2025-12-15 keep cold storage; older accounts may keep vaults beside them.',
    'PREFIX keeps Freezer\'s objects under a key prefix (several machines or users can share one bucket).',
    '--storage-class sets the store\'s default class (DEEP_ARCHIVE when not given; freeze --storage-class changes it).',
    'remove forgets the store only when Freezer\'s prefix holds nothing; the bucket itself is kept.',
  ],
  async run(ctx, args) {
    const [, action, location, ...rest] = args.positionals;
    if (!location || rest.length || !['create', 'add', 'remove'].includes(action ?? '')) throw new UsageError(`Usage: freezer ${this.usage}`);
    const svc = await ctx.service();
    if (action === 'remove') {
      await svc.removeVault(location.startsWith('s3://') ? location : `s3://${location}`);
      ctx.out.result({ removed: location }, () => `Removed the store ${location} (the bucket itself is kept).`);
      return EXIT.ok;
    }
    const storageClass = parseStorageClass(str(args.values['storage-class']));
    const v = await svc.addBucket(location, { create: action === 'create', ...(storageClass ? { storageClass } : {}) });
    ctx.out.result(v, () => `${action === 'create' ? 'Created' : 'Added'} the store ${v.name} (${v.region}; new archives in ${v.storageClass ?? 'DEEP_ARCHIVE'}). Freeze into it with: freezer freeze PATH --store ${v.name}`);
    return EXIT.ok;
  },
};
