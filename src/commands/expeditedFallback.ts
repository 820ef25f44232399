import * as vscode from 'vscode';
import { CancellationError, FreezerError } from '../core/errors';
import type { Tier } from '../core/service/types';

/**
 * Runs a restore request with `tier`; when S3 has no Expedited capacity (503
 * GlacierExpeditedRetrievalNotAvailable, which only a GLACIER object meets), offers Standard in a pick
 * and runs it again with that. Returns the result and the tier that was used.
 */
export async function withStandardIfNoExpedited<T>(tier: Tier, request: (tier: Tier) => Promise<T>): Promise<{ result: T; tier: Tier }> {
  try {
    return { result: await request(tier), tier };
  } catch (e) {
    if (tier !== 'Expedited' || !FreezerError.is(e, 'ExpeditedUnavailable')) throw e;
    const items = [
      { label: 'Standard', description: 'typically 3–5 h', detail: 'Request the restore with the Standard tier now.', tier: 'Standard' as Tier },
      { label: 'Cancel', description: 'request nothing', detail: 'Try Expedited again later: S3 adds capacity as demand falls.' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'S3 has no Expedited capacity right now (503 GlacierExpeditedRetrievalNotAvailable)',
      placeHolder: 'Nothing was requested. Restore with Standard instead?',
      ignoreFocusOut: true,
    });
    if (!pick || !('tier' in pick)) throw new CancellationError();
    return { result: await request('Standard'), tier: 'Standard' };
  }
}
