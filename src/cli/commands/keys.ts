import fs from 'node:fs/promises';
import path from 'node:path';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../../core/crypto/keys';
import { FreezerError } from '../../core/errors';
import { str } from '../args';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';
import { table } from '../output';

export const keysCommand: Command = {
  name: 'keys',
  usage: 'list | create [--algorithm A] [--label L] [--default] | export ID [--legacy] [--out FILE] | import FILE [--label L] | default ID|none',
  summary: 'Manage encryption keys (their bytes live in the --keys file, not the catalogue).',
  options: {
    algorithm: { type: 'string', arg: 'ALG' },
    label: { type: 'string', arg: 'TEXT' },
    default: { type: 'boolean' },
    legacy: { type: 'boolean' },
    out: { type: 'string', arg: 'FILE' },
  },
  details: [
    `Algorithms: ${KEY_ALGORITHMS.join(', ')} (default AES-256; new archives use AES-256 fzr1).`,
    'export prints the key (with its bytes) on stdout, or writes it to --out FILE with mode 0600.',
    'import reads our export or the original tool\'s JSON {"algorithm","keysize","blocksize","keystring"}.',
  ],
  async run(ctx, args) {
    const [, action = 'list', arg, ...rest] = args.positionals;
    if (rest.length) throw new UsageError(`Usage: freezer keys ${keysCommand.usage}`);
    const svc = await ctx.service();
    switch (action) {
      case 'list': {
        const keys = await svc.listKeys();
        ctx.out.result(keys, () => (keys.length
          ? table(['ID', 'ALGORITHM', 'LABEL', 'CREATED', 'DEFAULT'], keys.map((k) => [k.id, k.algorithm, k.label + (k.legacy ? ' (legacy)' : ''), k.createdAt.slice(0, 10), k.isDefault ? '*' : '']))
          : 'No keys. Create one with: freezer keys create --default'));
        return;
      }
      case 'create': {
        const alg = str(args.values.algorithm) ?? 'AES-256';
        if (!KEY_ALGORITHMS.includes(alg as KeyAlgorithm)) throw new UsageError(`--algorithm must be one of ${KEY_ALGORITHMS.join(', ')}.`);
        const k = await svc.createKey(alg as KeyAlgorithm, str(args.values.label));
        if (args.values.default) await svc.setDefaultKey(k.id);
        const isDefault = Boolean(args.values.default) || k.isDefault;
        ctx.out.result({ ...k, isDefault }, () => [
          `Created ${k.algorithm} key ${k.id}${isDefault ? ' (default for new archives)' : ''}.`,
          `Keep a copy somewhere safe: freezer keys export ${k.id} --out FILE. Without it the archives cannot be read.`,
        ]);
        return;
      }
      case 'export': {
        if (!arg) throw new UsageError('Usage: freezer keys export ID [--legacy] [--out FILE]');
        const json = await svc.exportKey(arg, args.values.legacy ? 'legacy' : 'freezer');
        const out = str(args.values.out);
        if (!out) {
          process.stdout.write(json.endsWith('\n') ? json : `${json}\n`);
          return;
        }
        const file = path.resolve(out);
        const fh = await fs.open(file, 'wx', 0o600).catch((e: NodeJS.ErrnoException) => {
          throw e.code === 'EEXIST' ? new FreezerError('FileExists', `${file} exists already; choose another file.`) : e;
        });
        try {
          await fh.writeFile(json.endsWith('\n') ? json : `${json}\n`);
        } finally {
          await fh.close();
        }
        ctx.out.result({ id: arg, file }, () => `Exported key ${arg} to ${file} (mode 0600).`);
        return;
      }
      case 'import': {
        if (!arg) throw new UsageError('Usage: freezer keys import FILE [--label L]');
        const text = await fs.readFile(path.resolve(arg), 'utf8');
        const { alreadyHeld: already, ...k } = await svc.importKey(text, str(args.values.label));
        if (args.values.default) await svc.setDefaultKey(k.id);
        ctx.out.result({ ...k, alreadyThere: already }, () => (already
          ? `Key ${k.id} (${k.algorithm}) was already in the key store: nothing new imported.`
          : `Imported ${k.algorithm} key ${k.id}${k.legacy ? ' (original Freezer format)' : ''}.`));
        return;
      }
      case 'default': {
        if (!arg) throw new UsageError('Usage: freezer keys default ID|none');
        await svc.setDefaultKey(arg === 'none' ? null : arg);
        ctx.out.result({ default: arg === 'none' ? null : arg }, () => (arg === 'none' ? 'New archives will not be encrypted.' : `New archives are encrypted with key ${arg}.`));
        return;
      }
      default:
        throw new UsageError(`Unknown keys action "${action}". Usage: freezer keys ${keysCommand.usage}`);
    }
  },
};
