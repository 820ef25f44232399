import path from 'node:path';
import { endpointOptionsFrom, type EndpointOptionName, type LocalEndpointOptions } from '../../core/endpoint';
import { startEmbeddedEndpoint } from '../../core/service/embeddedEndpoint';
import { str } from '../args';
import type { Command } from '../command';
import { UsageError } from '../exitCodes';

const arg = (a: string) => ({ type: 'string' as const, arg: a });

export const endpointCommand: Command = {
  name: 'endpoint',
  usage: '--dir DIR [--port P] [--host H] [--job-delay Expedited=0,Standard=2s,Bulk=5s] [--account-id N] [--fault-rate R …]',
  summary: 'Run the local Glacier + SQS + SNS endpoint in the foreground (no AWS needed).',
  usesService: false,
  options: {
    dir: arg('DIR'),
    port: arg('P'),
    host: arg('H'),
    'job-delay': arg('SPEC'),
    'job-delays': arg('SPEC'),
    'account-id': arg('N'),
    'fault-rate': arg('R'),
    'fault-kinds': arg('K,…'),
    'fault-seed': arg('N'),
    'fault-slow-ms': arg('MS'),
    'fault-operations': arg('OP,…'),
    'fault-times': arg('N'),
  },
  details: [
    'Listens on 127.0.0.1 unless --host says otherwise. Prints the URL, the job-notification queue and topic to',
    'use with --endpoint URL --queue URL --topic ARN (one JSON line with --json). Stops on Ctrl-C / SIGTERM.',
    '--job-delay (or --job-delays) Tier=ms,…: how long retrieval jobs stay InProgress per tier (`2s` works too).',
    '--region R sets the region used in ARNs. Fault injection for testing (docs/LOCAL-ENDPOINT.md):',
    '--fault-rate R (0–1) with --fault-kinds 500,503,throttle,timeout,drop,slow,apply-then-drop,cut-body,',
    '--fault-seed N (replayable), --fault-slow-ms MS, --fault-operations CompleteMultipartUpload,… (only those),',
    '--fault-times N (only the next N faults).',
  ],
  async run(ctx, args) {
    let opts: LocalEndpointOptions;
    try {
      opts = endpointOptionsFrom((name: EndpointOptionName) => (name === 'region' ? ctx.settings.region : str(args.values[name])));
    } catch (e) {
      throw new UsageError((e as Error).message.split('\n')[0]);
    }
    const dir = path.resolve(opts.dir);
    // Serving in the foreground means owning the folder: another process running it is an error here.
    const ep = await startEmbeddedEndpoint({ ...opts, dir, port: opts.port ?? 0, share: false });
    const own = ep.endpoint!;
    const info = { url: own.url, port: own.port, region: own.region, queueUrl: ep.glacierConfigPatch.queueUrl, topicArn: ep.glacierConfigPatch.snsTopicArn, dir };
    if (ctx.out.json) ctx.out.line(JSON.stringify(info));
    else {
      ctx.out.line(`Local endpoint listening at ${info.url} (data in ${info.dir})`);
      ctx.out.line(`  use: --endpoint ${info.url} --queue ${info.queueUrl} --topic ${info.topicArn}`);
      if (opts.faults) ctx.out.line(`  injecting faults: ${JSON.stringify(opts.faults)}`);
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
