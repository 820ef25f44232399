import { EXIT } from '../exitCodes';
import { UsageError } from '../exitCodes';
import type { Command } from '../command';
import { formatBytes, table } from '../output';

export const vaultsCommand: Command = {
  name: 'vaults',
  aliases: ['stores'],
  usage: '',
  summary: 'List the stores: Glacier vaults (from Glacier, matched with the catalogue) and S3 bucket stores.',
  async run(ctx) {
    const vaults = await (await ctx.service()).listVaults();
    ctx.out.result(vaults, () => vaults.length
      ? table(['STORE', 'KIND', 'ARCHIVES', 'IN CATALOGUE', 'SIZE', 'CLASS', 'LAST INVENTORY'], vaults.map((v) => [
        v.name, v.kind === 'bucket' ? 'bucket' : 'vault', v.remoteArchiveCount ?? (v.kind === 'bucket' ? '-' : '?'), v.localArchiveCount,
        v.sizeBytes === undefined ? (v.kind === 'bucket' ? '-' : '?') : formatBytes(v.sizeBytes), v.storageClass ?? '-', v.lastInventory ?? '-',
      ]))
      : 'No stores. Add an S3 bucket with: freezer bucket create s3://BUCKET (or, on an older AWS account, freezer vault create NAME)');
  },
};

export const vaultCommand: Command = {
  name: 'vault',
  usage: 'create|remove NAME',
  summary: 'Create a vault, or remove an empty one.',
  async run(ctx, args) {
    const [, action, name, ...rest] = args.positionals;
    if (!name || rest.length || (action !== 'create' && action !== 'remove')) throw new UsageError('Usage: freezer vault create|remove NAME');
    const svc = await ctx.service();
    if (action === 'create') {
      // CreateVault succeeds on an existing vault too: say which it was.
      const existed = (await svc.listVaults()).some((v) => v.name === name);
      const v = await svc.createVault(name);
      ctx.out.result({ ...v, existed }, () => `${existed ? 'Vault already exists:' : 'Created vault'} ${v.name}${v.arn ? ` (${v.arn})` : ''}.`);
    } else {
      await svc.removeVault(name);
      ctx.out.result({ removed: name }, () => `Removed vault ${name}.`);
    }
    return EXIT.ok;
  },
};

export const inventoryCommand: Command = {
  name: 'inventory',
  usage: 'VAULT|s3://BUCKET/PREFIX',
  summary: 'Request a vault inventory (the daemon merges it), or list a bucket store and reconcile it at once.',
  async run(ctx, args) {
    const [, vault, ...rest] = args.positionals;
    if (!vault || rest.length) throw new UsageError('Usage: freezer inventory VAULT');
    const job = await (await ctx.service()).requestInventory(vault);
    ctx.out.result(job, () => job.status === 'Succeeded'
      ? `Listed ${vault}: ${job.statusMessage ?? 'done'}`
      : `Inventory of ${vault} requested (job ${job.id}). It usually takes hours at AWS; the daemon merges it when it completes.`);
  },
};
