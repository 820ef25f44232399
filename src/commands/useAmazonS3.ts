import * as vscode from 'vscode';
import { readSettings, updateSetting } from '../platform/settings';
import type { FreezerCommand } from './deps';

/**
 * Points Freezer at AWS for S3 buckets, the only cold storage AWS accounts opened since 2025-12-15
 * can use, and opens the settings panel for the region and credentials. A compatible endpoint URL
 * already set is kept (S3-compatible servers are used the same way).
 */
export const useAmazonS3: FreezerCommand = {
  id: 'freezer.useAmazonS3',
  async run(): Promise<boolean> {
    const current = readSettings().endpoint;
    if (current !== 'aws' && !/^https?:\/\//i.test(current)) await updateSetting('endpoint', 'aws');
    await vscode.commands.executeCommand('freezer.openSettings', 'aws');
    void vscode.window.showInformationMessage('Freezer uses Amazon S3: enter the region and credentials, then create a bucket or add an existing one in the Stores view. Older accounts keep their Glacier vaults beside it.');
    return true;
  },
};
