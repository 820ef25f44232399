import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import type { ArchiveInfo, ArchiveState, FileVersion, RetrievalEstimate, Tier, VaultInfo } from '../core/service/types';
import { FileVersionNode, FrozenFileNode, FrozenFolderNode } from '../views/files/frozenNodes';
import { formatBytes, formatDate, formatUsd, STATE_LABELS } from '../views/format';
import { ArchiveNode } from '../views/vaults/archiveNode';
import { VaultNode } from '../views/vaults/vaultNode';
import type { CommandDeps } from './deps';
import { pickFrozenPath } from './frozenPathPicker';

/** Resolves an argument (tree node, name, nothing) to a vault, asking when there is none. */
export async function resolveVault(deps: CommandDeps, arg: unknown, placeHolder = 'Choose a vault'): Promise<VaultInfo> {
  const svc = await deps.host.ready();
  if (arg instanceof VaultNode) return arg.vault;
  const vaults = await svc.listVaults();
  const name = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && 'name' in arg && 'localArchiveCount' in arg ? String((arg as VaultInfo).name) : undefined;
  if (name !== undefined) {
    const v = vaults.find((x) => x.name === name);
    if (!v) throw new FreezerError('VaultNotFound', `There is no vault named "${name}".`);
    return v;
  }
  if (!vaults.length) {
    const create = await vscode.window.showInformationMessage('There are no stores yet. Create an S3 bucket (or, on an older AWS account, a vault)?', 'Create Bucket', 'Create Vault');
    const created = create ? await vscode.commands.executeCommand<VaultInfo | undefined>(create === 'Create Bucket' ? 'freezer.createBucket' : 'freezer.createVault') : undefined;
    if (!created) throw new CancellationError();
    return created;
  }
  const pick = await vscode.window.showQuickPick(
    vaults.map((v) => ({
      label: v.name,
      description: `${v.kind === 'bucket' ? `S3 bucket · ${v.storageClass ?? 'DEEP_ARCHIVE'} · ` : ''}${v.localArchiveCount} archive${v.localArchiveCount === 1 ? '' : 's'}`,
      detail: v.region, vault: v,
    })),
    { placeHolder, matchOnDescription: true },
  );
  if (!pick) throw new CancellationError();
  return pick.vault;
}

/** Resolves an argument (tree node, id, ArchiveInfo, nothing) to a fresh ArchiveInfo, asking when there is none. */
export async function resolveArchive(deps: CommandDeps, arg: unknown, states?: readonly ArchiveState[], placeHolder = 'Choose an archive'): Promise<ArchiveInfo> {
  const svc = await deps.host.ready();
  const id = arg instanceof ArchiveNode ? arg.archive.id
    : arg instanceof FileVersionNode ? arg.version.archiveId
      : typeof arg === 'number' ? arg
        : arg && typeof arg === 'object' && typeof (arg as ArchiveInfo).id === 'number' ? (arg as ArchiveInfo).id : undefined;
  if (id !== undefined) {
    const a = await svc.getArchive(id);
    if (!a) throw new FreezerError('ArchiveNotFound', `Archive ${id} is not in the catalogue (any more).`);
    return a;
  }
  const vault = await resolveVault(deps, undefined, 'Choose the vault of the archive');
  const { items } = await svc.listArchives(vault.name, { offset: 0, limit: 1000 });
  const fit = items.filter((a) => !states || states.includes(a.state));
  if (!fit.length) throw new FreezerError('NoArchives', `Vault ${vault.name} has no archive this command applies to${states ? ` (${states.join(', ')})` : ''}.`);
  const pick = await vscode.window.showQuickPick(
    fit.map((a) => ({ label: a.name, description: `${STATE_LABELS[a.state]} · ${formatBytes(a.size)} · ${a.fileCount} files`, detail: formatDate(a.createdAt), archive: a })),
    { placeHolder, matchOnDescription: true },
  );
  if (!pick) throw new CancellationError();
  return pick.archive;
}

/** A folder to restore into: the argument when given, else an Open dialog. */
export async function resolveTargetFolder(arg: unknown, title: string): Promise<string> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string' && arg) return arg;
  const picked = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title, openLabel: 'Restore Here', defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri });
  if (!picked?.length) throw new CancellationError();
  return picked[0].fsPath;
}

const TIERS: readonly Tier[] = ['Expedited', 'Standard', 'Bulk'];

/** The retrieval tier: the argument when valid, else a pick showing size, cost and typical time. */
export async function resolveTier(deps: CommandDeps, archive: ArchiveInfo, arg: unknown, member?: string): Promise<Tier> {
  if (typeof arg === 'string') {
    if (!TIERS.includes(arg as Tier)) throw new FreezerError('InvalidArgument', `Unknown retrieval tier "${arg}"; use ${TIERS.join(', ')}.`);
    return arg as Tier;
  }
  const est = await (await deps.host.ready()).estimateRetrieval(archive.id, { member });
  if (est.plan) return pickPlannedTier(est, archive, member);
  const qp = vscode.window.createQuickPick<vscode.QuickPickItem & { tier: Tier }>();
  qp.title = est.archiveBytes
    ? `Retrieve ${formatBytes(est.sizeBytes)} of ${archive.name} (${formatBytes(est.archiveBytes)}): only the part holding ${member?.split('/').pop()}`
    : `Retrieve ${archive.name} (${formatBytes(est.sizeBytes)})`;
  qp.placeholder = 'Choose how fast Glacier should thaw it (faster costs more)';
  qp.items = est.tiers.map((t) => ({
    label: t.tier,
    description: `${formatUsd(t.costUsd)} · typically ${t.typicalHours}`,
    detail: `${formatBytes(est.sizeBytes)} from ${est.region}, prices as of ${est.pricesAsOf}`,
    tier: t.tier,
  }));
  // Standard is the usual trade-off; Expedited costs several times more.
  qp.activeItems = qp.items.filter((i) => i.tier === 'Standard');
  const tier = await new Promise<Tier | undefined>((resolve) => {
    qp.onDidAccept(() => resolve(qp.selectedItems[0]?.tier ?? qp.activeItems[0]?.tier));
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!tier) throw new CancellationError();
  return tier;
}

/**
 * The restore planner's estimate for a bucket archive, shown before anything is requested: what is
 * restored (segment objects, bytes, for how many days) and downloaded, each tier's wait and cost,
 * tiers not offered and why, and whether the estimate is approximate.
 */
async function pickPlannedTier(est: RetrievalEstimate, archive: ArchiveInfo, member?: string): Promise<Tier> {
  const plan = est.plan!;
  type Item = vscode.QuickPickItem & { tier?: Tier };
  const qp = vscode.window.createQuickPick<Item>();
  const what = member ? member.split('/').pop() : archive.name;
  qp.title = `Restore ${what}: ${plan.objects} of ${plan.archiveObjects} segment object${plan.archiveObjects === 1 ? '' : 's'} (${formatBytes(plan.restoreBytes)}) for ${plan.days} days, then download ${formatBytes(plan.downloadBytes)}`;
  const priced = `${plan.approximate ? 'approximate estimate' : 'estimate'}, ${est.region} prices as of ${est.pricesAsOf}`;
  qp.placeholder = `Choose the restore tier (${priced})`;
  const items: Item[] = est.tiers.map((t) => ({
    label: t.tier,
    description: `${formatUsd(t.costUsd)} · ${t.typicalHours}`,
    detail: `${plan.storageClass}: requests + retrieval + the restored copy × ${plan.days} days + transfer out of ${formatBytes(plan.downloadBytes)} · ${priced}`,
    tier: t.tier,
  }));
  // A tier the class does not have is listed, greyed by its icon and saying why, so the user does not
  // wonder where it went; picking it keeps the pick open.
  for (const u of plan.unavailable) items.push({ label: `$(circle-slash) ${u.tier}`, description: u.reason, detail: `${plan.storageClass} objects cannot be restored with ${u.tier}; choose another tier.` });
  qp.items = items;
  qp.activeItems = items.filter((i) => i.tier === 'Standard');
  const tier = await new Promise<Tier | undefined>((resolve) => {
    qp.onDidAccept(() => {
      const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
      if (chosen && !chosen.tier) {
        qp.activeItems = items.filter((i) => i.tier === 'Standard');
        return;
      }
      resolve(chosen?.tier);
    });
    qp.onDidHide(() => resolve(undefined));
    qp.show();
  });
  qp.dispose();
  if (!tier) throw new CancellationError();
  return tier;
}

/** Resolves a file-version argument, or lets the user browse the frozen files down to a version. */
export async function resolveFileVersion(deps: CommandDeps, arg: unknown): Promise<FileVersion> {
  if (arg instanceof FileVersionNode) return arg.version;
  const svc = await deps.host.ready();
  if (arg && typeof arg === 'object' && 'memberPath' in arg && 'archiveId' in arg) return arg as FileVersion;
  let path = arg instanceof FrozenFileNode ? arg.path : typeof arg === 'string' ? arg : undefined;
  if (path === undefined) path = await pickFrozenPath(svc, 'file');
  const versions = (await svc.listVersions(path)).sort((a, b) => b.frozenAt.localeCompare(a.frozenAt));
  if (!versions.length) throw new FreezerError('NotFound', `No frozen version of ${path}.`);
  if (versions.length === 1) return versions[0];
  const pick = await vscode.window.showQuickPick(
    versions.map((v) => ({ label: formatDate(v.frozenAt), description: `${v.archiveName} · ${formatBytes(v.size)} · ${STATE_LABELS[v.archiveState]}`, detail: `sha256 ${v.sha256.slice(0, 16)}…`, v })),
    { title: `Versions of ${path}`, placeHolder: 'Choose the version to restore' },
  );
  if (!pick) throw new CancellationError();
  return pick.v;
}

/** A frozen folder path from the argument, or by browsing. */
export async function resolveFrozenFolder(deps: CommandDeps, arg: unknown): Promise<string> {
  if (arg instanceof FrozenFolderNode) return arg.path;
  if (typeof arg === 'string') return arg;
  return pickFrozenPath(await deps.host.ready(), 'folder');
}
