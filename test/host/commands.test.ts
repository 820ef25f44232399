import * as assert from 'assert';
import * as vscode from 'vscode';
import { vaultNameProblem } from '../../src/commands/createVault';
import { EXT_ID, freezerApi } from './support';

describe('Freezer commands', () => {
  it('registers every command package.json contributes', async () => {
    await freezerApi();
    const declared = (vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes.commands as { command: string }[]).map((c) => c.command);
    const all = new Set(await vscode.commands.getCommands(true));
    assert.deepStrictEqual(declared.filter((c) => !all.has(c)), [], 'declared but not registered');
    const own = [...all].filter((c) => c.startsWith('freezer.') && !c.includes('.focus') && !c.endsWith('.resetViewLocation') && !c.startsWith('freezer.vaults') && !c.startsWith('freezer.jobs') && !c.startsWith('freezer.files'));
    assert.deepStrictEqual(own.filter((c) => !declared.includes(c)).sort(), [], 'registered but not declared');
  });

  it('gives every command a category and an icon', () => {
    for (const c of vscode.extensions.getExtension(EXT_ID)!.packageJSON.contributes.commands as { command: string; category?: string; icon?: string }[]) {
      assert.strictEqual(c.category, 'Freezer', c.command);
      assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/, c.command);
    }
  });

  it('validates vault names as Glacier does', () => {
    assert.strictEqual(vaultNameProblem('photos-2024_v1.0'), undefined);
    assert.match(vaultNameProblem('bad name') ?? '', /space/);
    assert.match(vaultNameProblem('a/b') ?? '', /"\/"/);
    assert.match(vaultNameProblem('x'.repeat(256)) ?? '', /255/);
    assert.match(vaultNameProblem('') ?? '', /Enter/);
    assert.match(vaultNameProblem('taken', ['taken']) ?? '', /exists/);
  });
});
