import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { createS3Clients, type S3Config } from '../../../src/core/s3/clients';
import { MIB } from '../../../src/core/s3/layout';
import { S3Store } from '../../../src/core/s3/s3Store';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer } from '../../support/motoServer';
import { storeContract } from './contract';

// Segments of 12 MiB in 5 MiB parts: the large archive is two segments, each a multipart upload.
// Run twice: with SHA-256 per part, and with the switch for S3-compatible servers (Content-MD5, no SDK checksums).
for (const checksums of ['default', 'when-required'] as const) {
  storeContract({
    name: `S3 bucket on moto_server (checksums: ${checksums})`,
    smallSize: 300 * 1024,
    largeSize: 20 * MIB + 4321,
    missingCodes: ['BucketNotFound'],
    async open() {
      const moto = await startMotoServer();
      const cfg: S3Config = { region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS, checksums };
      const admin = createS3Clients(cfg);
      await admin.s3.send(new CreateBucketCommand({ Bucket: 'freezer-contract' }));
      const make = (bucket: string) => new S3Store({ clients: createS3Clients(cfg), bucket, prefix: 'backups/laptop', segmentSize: 12 * MIB, partSize: 5 * MIB, concurrency: 3 });
      const store = make('freezer-contract');
      const missing = make('no-such-bucket-here');
      return {
        store, missing,
        async close() { store.close(); missing.close(); admin.destroy(); await moto.close(); },
      };
    },
  });
}
