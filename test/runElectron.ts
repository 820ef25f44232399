// The same extension-host suite through @vscode/test-electron: on a machine with internet it downloads
// and runs desktop VS Code; offline, set FREEZER_OFFLINE=1 to run it through code-server instead.
import * as path from 'path';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const extensionDevelopmentPath = path.resolve(__dirname, '../..');
  const extensionTestsPath = path.resolve(__dirname, './host/index');
  const vscodeExecutablePath = process.env.VSCODE_EXECUTABLE_PATH
    ?? (process.env.FREEZER_OFFLINE ? path.join(extensionDevelopmentPath, 'scripts/code-shim.mjs') : undefined);
  const code = await runTests({ vscodeExecutablePath, extensionDevelopmentPath, extensionTestsPath, launchArgs: ['--disable-extensions'] });
  process.exit(code);
}

main().catch((err) => {
  console.error('Failed to run tests:', err);
  process.exit(1);
});
