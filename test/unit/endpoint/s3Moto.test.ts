import { after, describe } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { localClientConfig } from '../../support/localEndpoint';
import { withMotoServer } from '../../support/motoServer';
import { s3ApiCases } from './s3ApiCases';

// The same API assertions against an independent server: moto_server must be installed (it fails loudly if not).
describe('moto_server S3 API (the independent peer)', () => {
  const moto = withMotoServer();
  let client: S3Client | undefined;
  after(() => client?.destroy());
  s3ApiCases(() => {
    client ??= new S3Client({ ...localClientConfig(moto.url), forcePathStyle: true });
    return { s3: client, local: false };
  });
});
