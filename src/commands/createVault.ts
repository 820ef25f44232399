import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import type { VaultInfo } from '../core/service/types';
import type { FreezerCommand } from './deps';

/** Glacier's rule: 1–255 characters from a–z, A–Z, 0–9, '_', '-' and '.'. */
export function vaultNameProblem(name: string, existing: readonly string[] = []): string | undefined {
  if (!name) return 'Enter a name.';
  if (name.length > 255) return `At most 255 characters (this is ${name.length}).`;
  const bad = [...new Set(name.replace(/[A-Za-z0-9_.-]/g, ''))];
  if (bad.length) return `Not allowed: ${bad.map((c) => (c === ' ' ? 'space' : `"${c}"`)).join(', ')}. Use letters, digits, "_", "-" and ".".`;
  if (existing.includes(name)) return `A vault named "${name}" exists already.`;
  return undefined;
}

export const createVault: FreezerCommand = {
  id: 'freezer.createVault',
  async run(deps, nameArg?: unknown): Promise<VaultInfo> {
    const svc = await deps.host.ready();
    const existing = (await svc.listVaults()).map((v) => v.name);
    let name: string | undefined = typeof nameArg === 'string' ? nameArg : undefined;
    if (name === undefined) {
      name = await vscode.window.showInputBox({
        title: 'Create Vault',
        prompt: `New Glacier vault in ${(await svc.listVaults())[0]?.region ?? 'the configured region'}`,
        placeHolder: 'e.g. photos-2024',
        validateInput: (v) => vaultNameProblem(v.trim(), existing),
      });
      if (name === undefined) throw new CancellationError();
      name = name.trim();
    }
    const problem = vaultNameProblem(name, existing);
    if (problem) throw new FreezerError('InvalidVaultName', `Vault name "${name}": ${problem}`);
    const vault = await svc.createVault(name);
    deps.log.info(`Created vault ${name}`);
    deps.vaults.refresh();
    return vault;
  },
};
