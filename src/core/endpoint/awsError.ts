import type { ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';

/**
 * An error the endpoint answers with, in AWS's terms: HTTP status, error code, message and whether the
 * sender or the server is at fault. Each protocol renders it the way the real service does.
 */
export class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fault: 'Client' | 'Server' = status >= 500 ? 'Server' : 'Client',
    /** SQS's query-compatible code (x-amzn-query-error), when it differs from `code`. */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = code;
  }
}

export const notFound = (message: string): AwsError => new AwsError(404, 'ResourceNotFoundException', message);
export const invalidParameter = (message: string): AwsError => new AwsError(400, 'InvalidParameterValueException', message);
export const missingParameter = (message: string): AwsError => new AwsError(400, 'MissingParameterValueException', message);

/** Glacier (REST JSON): `{"code","message","type"}`. */
export function sendGlacierError(res: ServerResponse, e: AwsError): void {
  const body = JSON.stringify({ code: e.code, message: e.message, type: e.fault });
  res.writeHead(e.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
  });
  res.end(body);
}

/** SQS (AWS JSON 1.0, query compatible): `__type` plus the `x-amzn-query-error` header. */
export function sendSqsError(res: ServerResponse, e: AwsError): void {
  const body = JSON.stringify({ __type: `com.amazonaws.sqs#${e.code}`, message: e.message });
  res.writeHead(e.status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': randomUUID(),
    'x-amzn-query-error': `${e.queryCode ?? e.code};${e.fault === 'Client' ? 'Sender' : 'Receiver'}`,
  });
  res.end(body);
}

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** SNS (query protocol): an XML ErrorResponse. */
export function sendSnsError(res: ServerResponse, e: AwsError): void {
  const body =
    `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${e.fault === 'Client' ? 'Sender' : 'Receiver'}</Type>` +
    `<Code>${xmlEscape(e.code)}</Code><Message>${xmlEscape(e.message)}</Message></Error>` +
    `<RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(e.status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
