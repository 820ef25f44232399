import path from 'node:path';
import type { Compression } from '../../core/archive/description';
import { FreezerError } from '../../core/errors';
import { changedFilesWarning } from '../../core/service/changedFilesWarning';
import type { ArchiveInfo } from '../../core/service/types';
import { str } from '../args';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';
import { count, formatBytes, table } from '../output';
import { allArchives, resolveArchive } from '../resolveArchive';
import { parseStorageClass, STORAGE_CLASS_OPTION } from './buckets';

const COMPRESSIONS: readonly Compression[] = ['zstd', 'gzip', 'bzip2', 'none'];

export function archiveRows(items: ArchiveInfo[]): string[] {
  const classes = items.some((a) => a.storageClass);
  return table(['ID', 'NAME', 'STATE', 'SIZE', 'FILES', 'CREATED', 'ENCRYPTION', ...(classes ? ['CLASS'] : [])], items.map((a) => [
    a.id, a.name, a.restoredUntil ? `${a.state} until ${a.restoredUntil.slice(0, 16).replace('T', ' ')}` : a.state, formatBytes(a.size), a.fileCount,
    a.createdAt.slice(0, 19).replace('T', ' '),
    a.encryption ? `${a.encryption.format}${a.encryption.keyId ? ` ${a.encryption.keyId}` : ''}` : 'none',
    ...(classes ? [a.storageClass ?? '-'] : []),
  ]));
}

export const archivesCommand: Command = {
  name: 'archives',
  usage: 'VAULT | --vault V',
  summary: 'List the archives of a vault and their state (frozen, melting, melted, liquid…).',
  options: { vault: { type: 'string', arg: 'V' } },
  async run(ctx, args) {
    const [, given, ...rest] = args.positionals;
    const opt = str(args.values.vault);
    if (given && opt && given !== opt) throw new UsageError(`Two vaults given ("${given}" and --vault ${opt}): give one.`);
    const vault = given ?? opt;
    if (!vault || rest.length) throw new UsageError('Usage: freezer archives VAULT (or --vault V)');
    const svc = await ctx.service();
    const items = await allArchives(svc, vault);
    if (!items.length && !(await svc.listVaults()).some((v) => v.name === vault)) {
      throw new FreezerError('VaultNotFound', `There is no vault "${vault}". List them with: freezer vaults`);
    }
    ctx.out.result(items, () => (items.length ? archiveRows(items) : `No archives in ${vault}.`));
  },
};

export const freezeCommand: Command = {
  name: 'freeze',
  usage: 'PATH… --vault V|--store s3://BUCKET/PREFIX [--storage-class CLASS] [--compression zstd|gzip|bzip2|none] [--key ID|none] [--description TEXT] [--name NAME] [--exclude REGEX]',
  summary: 'Pack files and folders into an archive (tar, compressed, encrypted) and upload it to a vault or a bucket store.',
  options: {
    vault: { type: 'string', arg: 'V' },
    store: { type: 'string', arg: 's3://BUCKET/PREFIX' },
    'storage-class': STORAGE_CLASS_OPTION,
    compression: { type: 'string', arg: 'zstd|gzip|bzip2|none' },
    key: { type: 'string', arg: 'ID', multiple: true },
    description: { type: 'string', arg: 'TEXT' },
    name: { type: 'string', arg: 'NAME' },
    resume: { type: 'boolean' },
    exclude: { type: 'string', arg: 'REGEX', multiple: true },
    'skip-frozen': { type: 'boolean' },
    'no-filters': { type: 'boolean' },
  },
  details: [
    '--key ID encrypts with that key (default: the default key; `--key none` for no encryption).',
    '--store s3://BUCKET/PREFIX freezes into a bucket store (same as --vault with that name); --storage-class',
    'picks its S3 class (default: the store\'s last one, else DEEP_ARCHIVE) and is remembered for the store.',
    '--resume first finishes uploads an earlier run left unfinished (and alone does only that).',
    'Filters: backup and generated files (~, .o, .pyc, .bak, .P/.Po, #…#) and the exclusion paths stored in the',
    'catalogue are left out; --exclude REGEX (full path, repeatable) adds one; --skip-frozen leaves out files',
    'already in an archive (name, size and SHA-256 match); --no-filters packs everything given.',
  ],
  async run(ctx, args) {
    const paths = args.positionals.slice(1);
    const svc = await ctx.service();
    if (args.values.resume) {
      const resumed = await svc.resumeUploads(ctx.signal);
      ctx.out.note(`Resumed ${count(resumed.length, 'unfinished upload')}.`);
      if (!paths.length) {
        ctx.out.result(resumed, () => (resumed.length ? archiveRows(resumed) : 'Nothing to resume.'));
        return;
      }
    }
    const vault = str(args.values.store) ?? str(args.values.vault);
    if (!paths.length || !vault) throw new UsageError('Usage: freezer freeze PATH… --vault V|--store s3://BUCKET/PREFIX');
    const storageClass = parseStorageClass(str(args.values['storage-class']));
    const compression = str(args.values.compression) as Compression | undefined;
    if (compression && !COMPRESSIONS.includes(compression)) throw new UsageError(`--compression must be one of ${COMPRESSIONS.join(', ')}.`);
    const keys = args.values.key as string[] | undefined;
    const key = keys?.[keys.length - 1];
    const excludes = (args.values.exclude as string[] | undefined) ?? [];
    const filters = args.values['no-filters']
      ? { filterBackup: false, filterExclusionPaths: false, filterManual: false, filterAlreadyFrozen: false }
      : { ...(excludes.length ? { exclusionPaths: excludes } : {}), ...(args.values['skip-frozen'] ? { filterAlreadyFrozen: true } : {}) };
    const progress = ctx.out.progress('freeze');
    try {
      const a = await svc.freeze({
        vault,
        filters,
        sources: paths.map((p) => path.resolve(p)),
        ...(str(args.values.name) ? { name: str(args.values.name) } : {}),
        ...(str(args.values.description) ? { description: str(args.values.description) } : {}),
        ...(compression ? { compression } : {}),
        ...(storageClass ? { storageClass } : {}),
        ...(key !== undefined ? { keyId: key === 'none' ? null : key } : {}),
        signal: ctx.signal,
        onProgress: progress,
      });
      progress.end();
      if (!a.encryption) {
        ctx.out.note(`Archive ${a.id} is NOT encrypted: whoever can read the ${a.storageClass ? 'bucket' : 'vault'} can read its files.${key === 'none' ? '' : ' Create a key with `freezer keys create` (the first key becomes the default), then freeze again.'}`, true);
      }
      ctx.out.result(a, () => `Froze ${count(a.fileCount, 'file')} into archive ${a.id} "${a.name}" in ${a.vault} (${formatBytes(a.size)}, ${a.state}${a.storageClass ? `, ${a.storageClass}` : ''}, ${a.encryption ? 'encrypted' : 'not encrypted'}${a.glacierId ? `, ${a.storageClass ? 'S3' : 'Glacier'} id ${a.glacierId.slice(0, 16)}…` : ''}).`);
      const torn = changedFilesWarning(a, 20);
      if (torn) ctx.out.note(`Warning: ${torn}`, true);
    } finally {
      progress.end();
    }
  },
};

export const archiveCommand: Command = {
  name: 'archive',
  usage: 'disconnect|remove ARCHIVE [--yes]',
  summary: 'Delete an archive\'s local file (disconnect), or the archive itself (remove --yes).',
  options: { yes: { type: 'boolean' }, vault: { type: 'string', arg: 'V' } },
  async run(ctx, args) {
    const [, action, ref, ...rest] = args.positionals;
    if (!ref || rest.length || (action !== 'disconnect' && action !== 'remove')) throw new UsageError('Usage: freezer archive disconnect|remove ARCHIVE');
    const svc = await ctx.service();
    const a = await resolveArchive(svc, ref, str(args.values.vault));
    if (action === 'disconnect') {
      const after = await svc.disconnectArchive(a.id);
      ctx.out.result(after, () => `Deleted the local file of archive ${a.id} "${a.name}"; it is now ${after.state}.`);
      return;
    }
    const early = await svc.estimateRemoval(a.id);
    if (!args.values.yes) throw new UsageError(`Removing archive ${a.id} "${a.name}" deletes it from ${a.vault} for good${early ? `. ${early.text}` : ''}: add --yes to confirm.`);
    if (early?.earlyDeletionUsd) ctx.out.note(early.text);
    await svc.removeArchive(a.id);
    ctx.out.result({ removed: a.id }, () => `Removed archive ${a.id} "${a.name}" from ${a.vault}.`);
  },
};
