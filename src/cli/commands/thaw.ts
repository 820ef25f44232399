import fs from 'node:fs/promises';
import path from 'node:path';
import { thawArchive } from '../../core/archive/thaw';
import type { KeyMaterial } from '../../core/crypto/keys';
import { FreezerError } from '../../core/errors';
import { readKeys } from '../../core/service/fileKeyStore';
import { str } from '../args';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';
import { count, formatBytes } from '../output';
import { existingPolicy } from './restore';

export const thawCommand: Command = {
  name: 'thaw',
  usage: 'FILE --key KEYFILE [--description TEXT] --to DIR [--overwrite|--keep-both|--skip-existing]',
  summary: 'Thaw an archive file with only a key export: no catalogue, no AWS (calamity path).',
  usesService: false,
  options: {
    key: { type: 'string', arg: 'KEYFILE', multiple: true },
    description: { type: 'string', arg: 'TEXT' },
    to: { type: 'string', arg: 'DIR' },
    overwrite: { type: 'boolean' },
    'keep-both': { type: 'boolean' },
    'skip-existing': { type: 'boolean' },
  },
  details: [
    'KEYFILE holds one key export (ours or the original tool\'s JSON) or a list of them; give --key more than once',
    'to offer several keys. It must be private to you (chmod 600). Unencrypted archives need no --key.',
    'Archives of the original tool are encrypted without a header naming the cipher: give their Glacier',
    'description (e.g. --description photos.tar.bz2:AES-256-3) so the right key and cipher are used.',
  ],
  async run(ctx, args) {
    const [, file, ...rest] = args.positionals;
    const to = str(args.values.to);
    if (!file || !to || rest.length) throw new UsageError('Usage: freezer thaw FILE --key KEYFILE [--description TEXT] --to DIR');
    const keys: KeyMaterial[] = [];
    for (const kf of (args.values.key as string[] | undefined) ?? []) {
      const p = path.resolve(kf);
      await fs.access(p).catch((e: unknown) => { throw new FreezerError('KeyFileNotFound', `The key file ${p} does not exist.`, { cause: e }); });
      const found = await readKeys(p);
      if (!found.length) throw new FreezerError('InvalidKeyFile', `The key file ${p} holds no key.`);
      keys.push(...found);
    }
    const progress = ctx.out.progress('thaw');
    try {
      const restored = await thawArchive({
        input: path.resolve(file),
        to: path.resolve(to),
        keys,
        ...(str(args.values.description) ? { description: str(args.values.description) } : {}),
        onExisting: existingPolicy(args.values),
        signal: ctx.signal,
        onProgress: (p) => progress({ phase: 'restoring', ...p }),
      });
      progress.end();
      const files = restored.filter((r) => r.type === 'file');
      ctx.out.result(restored.map((r) => ({ path: r.path, target: r.target, type: r.type, size: r.size, sha256: r.sha256 })), () =>
        `Thawed ${count(files.length, 'file')}, ${formatBytes(files.reduce((n, f) => n + f.size, 0))}, into ${path.resolve(to)}.`);
    } finally {
      progress.end();
    }
  },
};
