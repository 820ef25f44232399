import path from 'node:path';
import { parseJobDelays } from '../../core/endpoint';
import { startEmbeddedEndpoint } from '../../core/service/embeddedEndpoint';
import { str } from '../args';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';

export const endpointCommand: Command = {
  name: 'endpoint',
  usage: '--dir DIR [--port P] [--job-delays Expedited=0,Standard=2s,Bulk=5s]',
  summary: 'Run the local Glacier + SQS + SNS endpoint in the foreground (no AWS needed).',
  usesService: false,
  options: {
    dir: { type: 'string', arg: 'DIR' },
    port: { type: 'string', arg: 'P' },
    'job-delays': { type: 'string', arg: 'SPEC' },
  },
  details: [
    'Listens on 127.0.0.1 only. Prints the URL, the job-notification queue and topic to use with',
    '--endpoint URL --queue URL --topic ARN (one JSON line with --json). Stops on Ctrl-C / SIGTERM.',
  ],
  async run(ctx, args) {
    const dir = str(args.values.dir);
    if (!dir) throw new UsageError('Usage: freezer endpoint --dir DIR [--port P]');
    const portText = str(args.values.port) ?? '0';
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got "${portText}".`);
    let jobDelays;
    try {
      jobDelays = str(args.values['job-delays']) ? parseJobDelays(str(args.values['job-delays'])!) : undefined;
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    // Serving in the foreground means owning the folder: another process running it is an error here.
    const ep = await startEmbeddedEndpoint({ dir: path.resolve(dir), port, region: ctx.settings.region, share: false, ...(jobDelays ? { jobDelays } : {}) });
    const own = ep.endpoint!;
    const info = { url: own.url, port: own.port, region: own.region, queueUrl: ep.glacierConfigPatch.queueUrl, topicArn: ep.glacierConfigPatch.snsTopicArn, dir: path.resolve(dir) };
    if (ctx.out.json) ctx.out.line(JSON.stringify(info));
    else {
      ctx.out.line(`Local endpoint listening at ${info.url} (data in ${info.dir})`);
      ctx.out.line(`  use: --endpoint ${info.url} --queue ${info.queueUrl} --topic ${info.topicArn}`);
      ctx.out.line('Press Ctrl-C to stop.');
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await ep.close();
    ctx.log.info('Local endpoint stopped.');
  },
};
