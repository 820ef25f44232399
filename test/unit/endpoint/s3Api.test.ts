import { describe } from 'node:test';
import { S3Client } from '@aws-sdk/client-s3';
import { localClientConfig, withLocalEndpoint } from '../../support/localEndpoint';
import { s3ApiCases } from './s3ApiCases';

describe('local endpoint S3 API (SDK default checksums)', () => {
  const ep = withLocalEndpoint();
  s3ApiCases(() => ({ s3: ep.s3, local: true }));
});

describe("local endpoint S3 API (requestChecksumCalculation 'WHEN_REQUIRED')", () => {
  const ep = withLocalEndpoint();
  let client: S3Client | undefined;
  s3ApiCases(() => {
    client ??= new S3Client({
      ...localClientConfig(ep.url), forcePathStyle: true, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
    });
    return { s3: client, local: true };
  });
});
