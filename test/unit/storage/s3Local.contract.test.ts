import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Clients, type S3Config } from '../../../src/core/s3/clients';
import { MIB } from '../../../src/core/s3/layout';
import { S3Store } from '../../../src/core/s3/s3Store';
import { startTestEndpoint, TEST_CREDENTIALS } from '../../support/localEndpoint';
import { storeContract } from './contract';

// The same contract as on moto, against the local endpoint (strict like AWS: checksums verified, aws-chunked bodies).
for (const checksums of ['default', 'when-required'] as const) {
  storeContract({
    name: `S3 bucket on the local endpoint (checksums: ${checksums})`,
    smallSize: 300 * 1024,
    largeSize: 20 * MIB + 4321,
    missingCodes: ['BucketNotFound'],
    async open() {
      const ep = await startTestEndpoint();
      await ep.s3.send(new CreateBucketCommand({ Bucket: 'freezer-contract' }));
      const cfg: S3Config = { region: ep.endpoint.region, endpoint: ep.url, credentials: TEST_CREDENTIALS, checksums };
      // One key per listing page: the inventory and deletions must follow continuation tokens.
      const make = (bucket: string) => new S3Store({ clients: createS3Clients(cfg), bucket, prefix: 'backups/laptop', segmentSize: 12 * MIB, partSize: 5 * MIB, concurrency: 3, listPageSize: 1 });
      const store = make('freezer-contract');
      const missing = make('no-such-bucket-here');
      return { store, missing, async close() { store.close(); missing.close(); await ep.close(); } };
    },
  });
}
