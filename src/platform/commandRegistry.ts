import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';

/**
 * Registers a command through one wrapper that logs it and shows any error once, so command files
 * contain only their own logic and never their own try/catch boilerplate.
 */
export function registerCommand(
  log: vscode.LogOutputChannel,
  id: string,
  fn: (...args: any[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    log.debug(`command ${id}`);
    try {
      return await fn(...args);
    } catch (e) {
      if (CancellationError.is(e)) {
        log.info(`${id} cancelled`);
        return undefined;
      }
      const message = e instanceof Error ? e.message : String(e);
      log.error(`${id} failed: ${message}`);
      void vscode.window.showErrorMessage(`Freezer: ${message}`, 'Show Log').then((pick) => {
        if (pick) log.show();
      });
      return undefined;
    }
  });
}
