import type { Command } from '../command';
import { EXIT } from '../exitCodes';

export const daemonCommand: Command = {
  name: 'daemon',
  aliases: ['--no-gui'],
  usage: '[--once]',
  summary: 'Wait for completed jobs (SQS long polling); download, restore or merge them.',
  options: { once: { type: 'boolean' } },
  details: [
    'Completed retrievals are downloaded (ranged, parallel, tree-hash verified), decrypted with the',
    "archive's key from the --keys file, and stored in the upload folder, or restored into the folder",
    'the job was started for (retrieve --to / restore). Completed inventories are merged into the catalogue.',
    'The catalogue is shared with the extension: it is locked only while a change is written.',
    'SIGINT/SIGTERM: the current download is checkpointed and the daemon exits 0; a restart resumes it.',
    '--once handles the jobs that are already complete, then exits (for cron); exit 1 when one could not be applied.',
    'At start, uploads a killed run left unfinished resume (as `freeze --resume` does).',
  ],
  async run(ctx, args) {
    const log = ctx.log.child('daemon');
    const svc = await ctx.service();
    const cfg = await ctx.glacierConfig();
    log.info('Freezer daemon started (pid %d): catalogue %s, %s', process.pid, ctx.settings.database,
      cfg.queueUrl ? `queue ${cfg.queueUrl}, poll time ${ctx.settings.pollTime} s` : 'no --queue: asking Glacier about pending jobs periodically');

    // Uploads a killed run left go on here too (archives caught while packing were removed at start).
    const resuming = svc.resumeUploads(ctx.signal).then(
      (r) => { if (r.length) log.info('Resumed %d unfinished upload%s', r.length, r.length === 1 ? '' : 's'); },
      (e: unknown) => { if (!ctx.signal.aborted) log.warn('Resuming unfinished uploads failed: %s', (e as Error).message); },
    );
    if (args.values.once) await resuming;
    // What happens to each job is logged by the service (downloaded, restored, merged, not applied).
    // First the jobs that completed while no daemon ran, and downloads a stopped daemon left half done.
    const started = new Date().toISOString();
    try {
      await svc.refreshJobs();
    } catch (e) {
      if (ctx.signal.aborted) return EXIT.ok;
      if (args.values.once) throw e;
      log.warn('Checking pending jobs failed (%s); listening anyway.', (e as Error).message);
    }
    if (!args.values.once && !ctx.signal.aborted) {
      try {
        await svc.watchJobs(ctx.signal);
      } catch (e) {
        // A stop request may surface as a cancellation: that is the normal way out.
        if (!ctx.signal.aborted) throw e;
      }
    }
    log.info(ctx.signal.aborted ? 'Stopped on signal; unfinished downloads resume on the next start.' : 'Done.');
    if (args.values.once && !ctx.signal.aborted) {
      // For cron: a job that completed but could not be applied (its restore failed) is a failed run.
      const failed = (await svc.listJobs()).filter((j) => j.notApplied && j.executedAt && j.executedAt >= started);
      for (const j of failed) ctx.out.note(`freezer: job ${j.id} (${j.archiveName ?? j.vault}) was not applied: ${j.notApplied}`, true);
      if (failed.length) return EXIT.failure;
    }
    return EXIT.ok;
  },
};
