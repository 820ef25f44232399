import * as assert from 'assert';
import * as vscode from 'vscode';
import type { FreezerApi } from '../../src/extension';

const EXT_ID = 'freezer.freezer';

describe('Freezer activates in a real VS Code', () => {
  it('activates and hands back its API', async () => {
    const ext = vscode.extensions.getExtension<FreezerApi>(EXT_ID);
    assert.ok(ext, `extension ${EXT_ID} not found`);
    const api = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.strictEqual(api.log.name, 'Freezer');
  });

  it('contributes the Freezer container with its three views', async () => {
    const pkg = vscode.extensions.getExtension(EXT_ID)!.packageJSON;
    assert.deepStrictEqual(pkg.contributes.views.freezer.map((v: { id: string }) => v.id), ['freezer.vaults', 'freezer.jobs', 'freezer.files']);
    // Opening the container and focusing each view fails if VS Code did not register them.
    await vscode.commands.executeCommand('workbench.view.extension.freezer');
    for (const id of ['freezer.vaults', 'freezer.jobs', 'freezer.files']) await vscode.commands.executeCommand(`${id}.focus`);
  });

  it('registers its commands and runs one', async () => {
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('freezer.showLog'), 'freezer.showLog is not registered');
    await vscode.commands.executeCommand('freezer.showLog');
  });
});
