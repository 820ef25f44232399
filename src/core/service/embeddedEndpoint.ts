import { CreateTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startLocalEndpoint, type LocalEndpoint, type LocalEndpointOptions } from '../endpoint';
import { createClients } from '../glacier/clients';
import type { GlacierConfig } from '../glacier/config';

/** Names of the notification topic and queue Freezer creates on the local endpoint. */
export const EMBEDDED_TOPIC = 'freezer-jobs';
export const EMBEDDED_QUEUE = 'freezer-jobs';

/**
 * Any value works: the local endpoint checks that requests are signed, not by whom. Not a secret,
 * and visibly not an AWS key.
 */
export const EMBEDDED_CREDENTIALS = { accessKeyId: 'FREEZERLOCAL', secretAccessKey: 'freezer-local-endpoint' } as const;

export interface EmbeddedEndpoint {
  endpoint: LocalEndpoint;
  /** Merge into the GlacierConfig to talk to this endpoint, with job notifications through SNS → SQS. */
  glacierConfigPatch: Required<Pick<GlacierConfig, 'endpoint' | 'region' | 'credentials' | 'snsTopicArn' | 'queueUrl'>>;
  close(): Promise<void>;
}

export type EmbeddedEndpointOptions = Pick<LocalEndpointOptions, 'dir' | 'port' | 'jobDelays' | 'faults' | 'region'>;

/**
 * Starts the local Glacier + SQS + SNS endpoint in this process ("Use the local endpoint", the CLI's
 * `--endpoint local`, tests) and makes sure a topic, a queue and the subscription between them exist
 * (idempotent: the endpoint keeps them in `dir` across restarts).
 */
export async function startEmbeddedEndpoint(opts: EmbeddedEndpointOptions): Promise<EmbeddedEndpoint> {
  const endpoint = await startLocalEndpoint(opts);
  try {
    const clients = createClients({ region: endpoint.region, endpoint: endpoint.url, credentials: { ...EMBEDDED_CREDENTIALS }, threads: 1 });
    try {
      const topic = await clients.sns.send(new CreateTopicCommand({ Name: EMBEDDED_TOPIC }));
      const queue = await clients.sqs.send(new CreateQueueCommand({ QueueName: EMBEDDED_QUEUE }));
      const attrs = await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queue.QueueUrl, AttributeNames: ['QueueArn'] }));
      const queueArn = attrs.Attributes?.QueueArn;
      if (!topic.TopicArn || !queue.QueueUrl || !queueArn) throw new Error('the local endpoint did not return the topic and queue it created');
      await clients.sns.send(new SubscribeCommand({ TopicArn: topic.TopicArn, Protocol: 'sqs', Endpoint: queueArn }));
      return {
        endpoint,
        glacierConfigPatch: {
          endpoint: endpoint.url,
          region: endpoint.region,
          credentials: { ...EMBEDDED_CREDENTIALS },
          snsTopicArn: topic.TopicArn,
          queueUrl: queue.QueueUrl,
        },
        close: () => endpoint.close(),
      };
    } finally {
      clients.destroy();
    }
  } catch (e) {
    await endpoint.close();
    throw e;
  }
}
