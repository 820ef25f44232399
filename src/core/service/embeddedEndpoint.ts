import net from 'node:net';
import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { dropLockNaming, EndpointInUseError, liveOwner, startLocalEndpoint, type LocalEndpoint, type LocalEndpointOptions } from '../endpoint';
import { createClients } from '../glacier/clients';
import type { GlacierConfig } from '../glacier/config';
import { nullLogger, type Logger } from '../log';

/** Names of the notification topic and queue Freezer creates on the local endpoint. */
export const EMBEDDED_TOPIC = 'freezer-jobs';
export const EMBEDDED_QUEUE = 'freezer-jobs';

/**
 * Any value works: the local endpoint checks that requests are signed, not by whom. Not a secret,
 * and visibly not an AWS key.
 */
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'FREEZERLOCAL', secretAccessKey: 'freezer-local-endpoint' } as const;

export interface EmbeddedEndpoint {
  /** The base URL clients use: this process's endpoint, or the one it shares. */
  readonly url: string;
  /** This process's endpoint; undefined while another process owns the folder and this one shares it. */
  readonly endpoint: LocalEndpoint | undefined;
  /** Merge into the GlacierConfig to talk to this endpoint, with job notifications through SNS → SQS. */
  glacierConfigPatch: Required<Pick<GlacierConfig, 'endpoint' | 'region' | 'credentials' | 'snsTopicArn' | 'queueUrl'>>;
  close(): Promise<void>;
}

export interface EmbeddedEndpointOptions extends Pick<LocalEndpointOptions, 'dir' | 'port' | 'host' | 'jobDelays' | 'faults' | 'region' | 'accountId'> {
  /**
   * When another live process (a second window, the daemon) runs the folder's endpoint: true (default)
   * shares it, and takes it over on the same port when that process ends; false throws EndpointInUse.
   */
  share?: boolean;
  /** Tells about sharing and take-overs. */
  log?: Logger;
}

/** How often a sharing process checks that the folder's owner still runs. */
const OWNER_CHECK_MS = 500;

/**
 * Starts the local Glacier + SQS + SNS endpoint in this process ("Use the local endpoint", the CLI's
 * `--endpoint local`, tests) and makes sure a topic, a queue and the subscription between them exist
 * (idempotent: the endpoint keeps them in `dir` across restarts). When another process already runs
 * the folder's endpoint, shares it instead (see `share`).
 */
export async function startEmbeddedEndpoint(opts: EmbeddedEndpointOptions, attempt = 0): Promise<EmbeddedEndpoint> {
  const log = opts.log ?? nullLogger;
  let own: LocalEndpoint | undefined;
  let url: string;
  try {
    own = await startLocalEndpoint(opts);
    url = own.url;
  } catch (e) {
    if (!(e instanceof EndpointInUseError) || opts.share === false) throw e;
    url = e.owner.url;
    log.info('The local endpoint for %s runs in process %d: sharing it at %s', opts.dir, e.owner.pid, url);
  }
  let patch: EmbeddedEndpoint['glacierConfigPatch'];
  try {
    patch = await setUpNotifications(url, own?.region ?? opts.region ?? 'us-east-1');
  } catch (e) {
    await own?.close();
    // Nothing listens where the lock says (its process is ending, or the pid was reused): drop that lock, start again.
    if (!own && isConnectionRefused(e) && attempt < 3) {
      await dropLockNaming(opts.dir, url);
      return startEmbeddedEndpoint(opts, attempt + 1);
    }
    throw e;
  }
  if (own) return { url, endpoint: own, glacierConfigPatch: patch, close: () => own!.close() };
  return shared(opts, url, patch, log);
}

/** Shares another process's endpoint; when it ends, starts this process's own on the same port, so clients keep working. */
function shared(opts: EmbeddedEndpointOptions, url: string, patch: EmbeddedEndpoint['glacierConfigPatch'], log: Logger): EmbeddedEndpoint {
  let own: LocalEndpoint | undefined;
  let closed = false;
  let busy = false;
  const port = Number(new URL(url).port);
  const check = async (): Promise<void> => {
    if (busy || closed || own) return;
    busy = true;
    try {
      if (await liveOwnerAt(opts.dir, url)) return;
      const started = await startLocalEndpoint({ ...opts, port }).catch((e: unknown) => {
        // Another sharer took over first (on the same port, so our clients still reach it), or it failed.
        if (!(e instanceof EndpointInUseError)) log.error('Could not take over the local endpoint for %s on port %d: %s', opts.dir, port, (e as Error).message);
        return undefined;
      });
      if (!started) return;
      if (closed) {
        await started.close();
        return;
      }
      own = started;
      clearInterval(timer);
      log.info('The process that ran the local endpoint for %s ended: this one runs it now at %s', opts.dir, started.url);
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void check(), OWNER_CHECK_MS);
  timer.unref();
  // An open connection to the owner closes the moment its process dies: take over then, not at the next tick.
  let watch: net.Socket | undefined;
  const watchOwner = (): void => {
    if (closed || own) return;
    watch = net.connect({ host: new URL(url).hostname.replace(/^\[|\]$/g, ''), port });
    watch.unref();
    watch.on('error', () => undefined);
    watch.once('close', () => {
      void check().then(() => { if (!closed && !own) setTimeout(watchOwner, OWNER_CHECK_MS).unref(); });
    });
  };
  watchOwner();
  return {
    url,
    get endpoint() { return own; },
    glacierConfigPatch: patch,
    async close() {
      closed = true;
      clearInterval(timer);
      watch?.destroy();
      while (busy) await new Promise((r) => setTimeout(r, 20));
      await own?.close();
    },
  };
}

/** True while a live process owns `dir` and publishes `url`. */
async function liveOwnerAt(dir: string, url: string): Promise<boolean> {
  const owner = await liveOwner(dir);
  return owner !== undefined && (owner.url === url || owner.url === undefined);
}

function isConnectionRefused(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string }; name?: string } | undefined;
  return err?.code === 'ECONNREFUSED' || err?.cause?.code === 'ECONNREFUSED' || /ECONNREFUSED/.test(String((e as Error)?.message));
}

/** Creates (or finds) the topic, the queue and the subscription between them at `url`. */
async function setUpNotifications(url: string, region: string): Promise<EmbeddedEndpoint['glacierConfigPatch']> {
  const clients = createClients({ region, endpoint: url, credentials: { ...EMBEDDED_CREDENTIALS }, threads: 1 });
  try {
    const topic = await clients.sns.send(new CreateTopicCommand({ Name: EMBEDDED_TOPIC }));
    const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: EMBEDDED_QUEUE }));
    const attrs = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
    const queueArn = attrs.Attributes?.QueueArn;
    if (!topic.TopicArn || !queue.QueueUrl || !queueArn) throw new Error('the local endpoint did not return the topic and queue it created');
    await clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
    return {
      endpoint: url,
      region,
      credentials: { ...EMBEDDED_CREDENTIALS },
      snsTopicArn: topic.TopicArn,
      queueUrl: queue.QueueUrl,
    };
  } finally {
    clients.destroy();
  }
}
