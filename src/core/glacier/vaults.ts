import {
  CreateVaultCommand,
  DeleteVaultCommand,
  DescribeVaultCommand,
  DescribeVaultOutput,
  GetVaultNotificationsCommand,
  ListVaultsCommand,
  SetVaultNotificationsCommand,
} from '@aws-sdk/client-glacier';
import { FreezerError } from '../errors';
import { GlacierClients } from './clients';

export interface VaultInfo {
  name: string;
  arn: string;
  creationDate?: string;
  lastInventoryDate?: string;
  numberOfArchives: number;
  sizeInBytes: number;
}

const toInfo = (v: DescribeVaultOutput): VaultInfo => ({
  name: v.VaultName ?? '',
  arn: v.VaultARN ?? '',
  creationDate: v.CreationDate,
  lastInventoryDate: v.LastInventoryDate,
  numberOfArchives: v.NumberOfArchives ?? 0,
  sizeInBytes: v.SizeInBytes ?? 0,
});

/** Throws a clear error unless `name` is a valid vault name: 1–255 of A–Z a–z 0–9 _ - . */
export function checkVaultName(name: string): void {
  if (!/^[A-Za-z0-9_.-]{1,255}$/.test(name)) {
    throw new FreezerError('InvalidVaultName', `"${name}" is not a valid vault name: use 1 to 255 letters, digits, '_', '-' or '.'.`);
  }
}

/** All vaults of the account, following Glacier's paging markers. */
export async function listVaults(clients: GlacierClients, opts: { pageSize?: number; signal?: AbortSignal } = {}): Promise<VaultInfo[]> {
  const out: VaultInfo[] = [];
  for await (const page of listVaultPages(clients, opts)) out.push(...page);
  return out;
}

/** Vaults page by page, for views that load more on demand. */
export async function* listVaultPages(clients: GlacierClients, opts: { pageSize?: number; signal?: AbortSignal } = {}): AsyncGenerator<VaultInfo[]> {
  let marker: string | undefined;
  do {
    const page = await clients.glacier.send(new ListVaultsCommand({
      accountId: clients.accountId, marker, limit: opts.pageSize,
    }), { abortSignal: opts.signal });
    yield (page.VaultList ?? []).map(toInfo);
    marker = page.Marker ?? undefined;
  } while (marker);
}

export async function createVault(clients: GlacierClients, name: string): Promise<string> {
  checkVaultName(name);
  const out = await clients.glacier.send(new CreateVaultCommand({ accountId: clients.accountId, vaultName: name }));
  return out.location ?? '';
}

export async function describeVault(clients: GlacierClients, name: string): Promise<VaultInfo> {
  checkVaultName(name);
  try {
    return toInfo(await clients.glacier.send(new DescribeVaultCommand({ accountId: clients.accountId, vaultName: name })));
  } catch (e) {
    throw mapVaultError(e, name);
  }
}

/** Deletes an empty vault; Glacier refuses vaults holding archives (as of its last inventory). */
export async function deleteVault(clients: GlacierClients, name: string): Promise<void> {
  checkVaultName(name);
  try {
    await clients.glacier.send(new DeleteVaultCommand({ accountId: clients.accountId, vaultName: name }));
  } catch (e) {
    throw mapVaultError(e, name);
  }
}

export const JOB_COMPLETION_EVENTS = ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'];

export async function setVaultNotifications(clients: GlacierClients, name: string, snsTopicArn: string, events = JOB_COMPLETION_EVENTS): Promise<void> {
  checkVaultName(name);
  await clients.glacier.send(new SetVaultNotificationsCommand({
    accountId: clients.accountId, vaultName: name, vaultNotificationConfig: { SNSTopic: snsTopicArn, Events: events },
  }));
}

/** The vault's notification topic and events, or undefined when none is set. */
export async function getVaultNotifications(clients: GlacierClients, name: string): Promise<{ snsTopicArn: string; events: string[] } | undefined> {
  checkVaultName(name);
  try {
    const out = await clients.glacier.send(new GetVaultNotificationsCommand({ accountId: clients.accountId, vaultName: name }));
    const c = out.vaultNotificationConfig;
    return c?.SNSTopic ? { snsTopicArn: c.SNSTopic, events: c.Events ?? [] } : undefined;
  } catch (e) {
    if ((e as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw e;
  }
}

function mapVaultError(e: unknown, name: string): unknown {
  const err = e as { name?: string; message?: string };
  if (err.name === 'InvalidParameterValueException' && /not empty|archives/i.test(err.message ?? '')) {
    return new FreezerError('VaultNotEmpty', `Vault "${name}" still holds archives. Delete them first; Glacier only sees the deletions after its next inventory (about a day).`, { cause: e });
  }
  if (err.name === 'ResourceNotFoundException') {
    return new FreezerError('VaultNotFound', `Vault "${name}" does not exist in this account and region.`, { cause: e });
  }
  return e;
}
