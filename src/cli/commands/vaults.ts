import { EXIT } from '../exitCodes';
import { UsageError } from '../exitCodes';
import type { Command } from '../command';
import { formatBytes, table } from '../output';

export const vaultsCommand: Command = {
  name: 'vaults',
  usage: '',
  summary: 'List the vaults (from Glacier, matched with the catalogue).',
  async run(ctx) {
    const vaults = await (await ctx.service()).listVaults();
    ctx.out.result(vaults, () => vaults.length
      ? table(['VAULT', 'ARCHIVES', 'IN CATALOGUE', 'SIZE', 'LAST INVENTORY'], vaults.map((v) => [
        v.name, v.remoteArchiveCount ?? '?', v.localArchiveCount, v.sizeBytes === undefined ? '?' : formatBytes(v.sizeBytes), v.lastInventory ?? '-',
      ]))
      : 'No vaults. Create one with: freezer vault create NAME');
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
  usage: 'VAULT',
  summary: 'Request a vault inventory; the daemon merges it into the catalogue.',
  async run(ctx, args) {
    const [, vault, ...rest] = args.positionals;
    if (!vault || rest.length) throw new UsageError('Usage: freezer inventory VAULT');
    const job = await (await ctx.service()).requestInventory(vault);
    ctx.out.result(job, () => `Inventory of ${vault} requested (job ${job.id}). It usually takes hours at AWS; the daemon merges it when it completes.`);
  },
};
