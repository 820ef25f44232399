import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import { legacyImportSummary } from '../core/service/legacyImportSummary';
import type { FreezerService } from '../core/service/service';
import type { FreezerCommand } from './deps';
import { count } from '../core/words';

type ImportResult = Awaited<ReturnType<FreezerService['importLegacyDatabase']>>;

/** Imports the original AWS Freezer tool's database: vaults, archives, files, jobs and keys. */
export const importLegacyDatabase: FreezerCommand = {
  id: 'freezer.importLegacyDatabase',
  async run(deps, fileArg?: unknown): Promise<ImportResult> {
    let file = fileArg instanceof vscode.Uri ? fileArg.fsPath : typeof fileArg === 'string' ? fileArg : undefined;
    if (!file) {
      const picked = await vscode.window.showOpenDialog({
        title: 'Import AWS Freezer Database', openLabel: 'Import', canSelectMany: false,
        filters: { 'AWS Freezer database': ['db', 'sqlite', 'sqlite3'], 'All files': ['*'] },
      });
      if (!picked?.length) throw new CancellationError();
      file = picked[0].fsPath;
    }
    const svc = await deps.host.ready();
    const chosen = file;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Importing ${chosen}` },
      () => svc.importLegacyDatabase(chosen),
    );
    deps.log.info(`Imported ${chosen}: ${result.vaults} new and ${count(result.vaultsMerged, 'existing vault')}, ${count(result.archives, 'archive')}, ${count(result.files, 'file')}, ${count(result.jobs, 'job')}, ${count(result.keys, 'key')}`);
    for (const p of result.problems) deps.log.warn(`Import: ${p}`);
    deps.vaults.refresh();
    deps.files.refresh();
    deps.jobs.refresh();
    const summary = legacyImportSummary(result);
    const extra = [
      result.problems.length === 1 ? '1 problem was logged.' : result.problems.length ? `${result.problems.length} problems were logged.` : '',
      result.legacySecretKeyFound ? 'The database held an AWS secret key: it was not copied; enter your credentials in Freezer settings (kept in secure storage).' : '',
    ].filter(Boolean).join(' ');
    void vscode.window.showInformationMessage(`${summary}${extra ? ` ${extra}` : ''}`, ...(result.problems.length ? ['Show Log'] : [])).then((pick) => {
      if (pick) deps.log.show();
    });
    return result;
  },
};
