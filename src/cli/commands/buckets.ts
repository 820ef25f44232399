import { isArchiveStorageClass } from '../../core/s3/storageClass';
import type { FreezerService } from '../../core/service/service';
import type { StorageClass } from '../../core/service/types';
import { str, type ParsedArgs } from '../args';
import type { Command } from '../command';
import type { CliContext } from '../context';
import { formatBytes, table } from '../output';
import { EXIT, UsageError, type ExitCode } from '../exitCodes';

export const STORAGE_CLASS_OPTION = { type: 'string', arg: 'DEEP_ARCHIVE|GLACIER|GLACIER_IR' } as const;

export function parseStorageClass(v: string | undefined): StorageClass | undefined {
  if (v === undefined) return undefined;
  const c = v.toUpperCase().replace(/-/g, '_');
  if (!isArchiveStorageClass(c)) throw new UsageError('--storage-class must be DEEP_ARCHIVE, GLACIER or GLACIER_IR.');
  return c;
}

export const bucketCommand: Command = {
  name: 'bucket',
  usage: 'create|add|remove|incomplete s3://BUCKET[/PREFIX] [--storage-class CLASS] [--delete [--older-than DAYS]]',
  summary: 'Create an S3 bucket as a store, add an existing one, or remove a store whose prefix is empty.',
  options: { 'storage-class': STORAGE_CLASS_OPTION, delete: { type: 'boolean' }, 'older-than': { type: 'string', arg: 'DAYS' } },
  details: [
    'Bucket stores are how AWS accounts opened since 2025-12-15 keep cold storage; older accounts may keep vaults beside them.',
    'PREFIX keeps Freezer\'s objects under a key prefix (several machines or users can share one bucket).',
    '--storage-class sets the store\'s default class (DEEP_ARCHIVE when not given; freeze --storage-class changes it).',
    'remove forgets the store only when Freezer\'s prefix holds nothing; the bucket itself is kept.',
    'incomplete lists uploads that never finished (segment objects without a manifest: billed, in no listing);',
    'with --delete it deletes those older than --older-than DAYS (default 7) that no catalogued upload can resume.',
    'Multipart uploads left open are S3\'s to clean: see the AbortIncompleteMultipartUpload lifecycle rule in the README.',
  ],
  async run(ctx, args) {
    const [, action, location, ...rest] = args.positionals;
    if (!location || rest.length || !['create', 'add', 'remove', 'incomplete'].includes(action ?? '')) throw new UsageError(`Usage: freezer ${this.usage}`);
    const svc = await ctx.service();
    if (action === 'incomplete') return incomplete(ctx, svc, location.startsWith('s3://') ? location : `s3://${location}`, args);
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

const DAY_MS = 86_400_000;

/** Lists a store's unfinished uploads; with --delete, deletes the old ones nothing can resume. */
async function incomplete(ctx: CliContext, svc: FreezerService, store: string, args: ParsedArgs): Promise<ExitCode> {
  const olderText = str(args.values['older-than']);
  if (olderText !== undefined && !args.values.delete) throw new UsageError('--older-than goes with --delete.');
  const days = olderText === undefined ? 7 : Number(olderText);
  if (!/^\d+(\.\d+)?$/.test(olderText ?? '7') || !(days >= 0)) throw new UsageError(`--older-than must be a number of days (0 or more), got "${olderText}".`);
  const deleted = args.values.delete ? await svc.deleteIncompleteUploads(store, days * DAY_MS, ctx.signal) : [];
  const left = await svc.listIncompleteUploads(store, ctx.signal);
  ctx.out.result({ deleted, incomplete: left }, () => [
    ...(args.values.delete ? [`Deleted ${deleted.length} incomplete upload(s) older than ${days} day(s) from ${store}${deleted.length ? `: ${formatBytes(deleted.reduce((n, u) => n + u.bytes, 0))} no longer billed` : ''}.`] : []),
    ...(left.length
      ? table(['S3 ARCHIVE ID', 'OBJECTS', 'SIZE', 'OLDEST', 'STATE'], left.map((u) => [u.id, String(u.objects), formatBytes(u.bytes), u.oldest?.slice(0, 19) ?? '', u.resumable ? 'resumable (freezer freeze --resume)' : 'abandoned']))
      : [`No incomplete uploads in ${store}.`]),
    ...(left.some((u) => !u.resumable) && !args.values.delete ? [`Delete the abandoned ones with: freezer bucket incomplete ${store} --delete [--older-than DAYS]`] : []),
  ]);
  return EXIT.ok;
}
