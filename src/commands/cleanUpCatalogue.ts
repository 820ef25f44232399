import * as vscode from 'vscode';
import { describeCleanUp, type CleanUpResult } from '../core/service/catalogueMaintenance';
import type { FreezerCommand } from './deps';

/** Database maintenance: drops files that are in no archive any more, and says what it removed. */
export const cleanUpCatalogue: FreezerCommand = {
  id: 'freezer.cleanUpCatalogue',
  async run(deps): Promise<CleanUpResult> {
    const result = await (await deps.host.ready()).cleanUpCatalogue();
    const text = describeCleanUp(result);
    deps.log.info(`Clean Up Catalogue: ${text}`);
    deps.files.refresh();
    void vscode.window.showInformationMessage(text);
    return result;
  },
};
