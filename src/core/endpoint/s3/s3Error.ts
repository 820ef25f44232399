import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, xmlEscape } from '../awsError';

/** An S3 error: code and message plus the extra elements S3 puts in its `<Error>` (Key, BucketName, …). */
export class S3Error extends AwsError {
  constructor(status: number, code: string, message: string, readonly extra: Record<string, string | number> = {}) {
    super(status, code, message);
  }
}

export const s3Error = (status: number, code: string, message: string, extra?: Record<string, string | number>): S3Error =>
  new S3Error(status, code, message, extra);

export const noSuchBucket = (bucket: string): S3Error => s3Error(404, 'NoSuchBucket', 'The specified bucket does not exist', { BucketName: bucket });
export const noSuchKey = (key: string): S3Error => s3Error(404, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
export const noSuchUpload = (uploadId: string): S3Error =>
  s3Error(404, 'NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', { UploadId: uploadId });
export const invalidArgument = (message: string, name?: string, value?: string): S3Error =>
  s3Error(400, 'InvalidArgument', message, name ? { ArgumentName: name, ArgumentValue: value ?? '' } : {});
export const invalidRequest = (message: string): S3Error => s3Error(400, 'InvalidRequest', message);
export const malformedXml = (): S3Error =>
  s3Error(400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');

export const requestIds = (): Record<string, string> => ({
  'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase(),
  'x-amz-id-2': randomBytes(48).toString('base64'),
});

/** S3's REST-XML error body; a HEAD answer carries no body, as on AWS (clients go by the status). */
export function sendS3Error(req: IncomingMessage, res: ServerResponse, e: AwsError): void {
  const ids = requestIds();
  const extra = e instanceof S3Error ? e.extra : {};
  const body = req.method === 'HEAD' ? '' :
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' +
    `<Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message>` +
    Object.entries(extra).map(([k, v]) => `<${k}>${xmlEscape(String(v))}</${k}>`).join('') +
    `<RequestId>${ids['x-amz-request-id']}</RequestId><HostId>${ids['x-amz-id-2']}</HostId></Error>`;
  res.writeHead(e.status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...ids });
  res.end(body);
}
