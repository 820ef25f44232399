import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import type { ActivityProgress } from '../core/service/types';
import { activityFraction, formatActivity } from '../views/format';
import type { Transfer, Transfers } from '../views/transfers/transfers';

export interface ProgressSink {
  signal: AbortSignal;
  onProgress: (p: ActivityProgress) => void;
  transfer: Transfer;
}

/**
 * Runs a long operation under a cancellable progress notification ("file N of M", bytes, throughput,
 * ETA) and registers it as a running transfer for the status bar. Cancelling aborts the signal handed
 * to the core, which cleans up and throws a CancellationError (reported once by the command wrapper).
 */
export function runWithProgress<T>(
  transfers: Transfers,
  title: string,
  work: (sink: ProgressSink) => Promise<T>,
  opts: { archiveId?: number } = {},
): Promise<T> {
  return Promise.resolve(vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort(new CancellationError()));
      const transfer = transfers.start(title, opts.archiveId);
      let reported = 0;
      try {
        return await work({
          signal: abort.signal,
          transfer,
          onProgress: (p) => {
            transfers.update(transfer, p);
            // `increment` is relative: report only the growth since the last report.
            const pct = Math.floor(activityFraction(p) * 100);
            const increment = pct > reported ? pct - reported : undefined;
            if (increment) reported = pct;
            progress.report({ message: formatActivity(p), increment });
          },
        });
      } finally {
        sub.dispose();
        transfers.end(transfer);
      }
    },
  ));
}
