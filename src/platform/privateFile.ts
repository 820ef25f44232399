import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';

/**
 * Writes a file only its owner can read (key exports hold key bytes). On disk it is created 0600,
 * and an existing file the user chose to replace is made 0600 before the bytes go in.
 */
export async function writePrivateFile(uri: vscode.Uri, text: string): Promise<void> {
  if (uri.scheme !== 'file') {
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    return;
  }
  const fh = await fsp.open(uri.fsPath, 'w', 0o600);
  try {
    await fh.chmod(0o600);
    await fh.writeFile(text, 'utf8');
  } finally {
    await fh.close();
  }
}
