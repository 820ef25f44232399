import type { ServerResponse } from 'node:http';
import { requestIds } from './s3Error';

export function sendXml(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), ...requestIds(), ...headers });
  res.end(body);
}

export function sendNoBody(res: ServerResponse, status: number, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'content-length': '0', ...requestIds(), ...headers });
  res.end();
}
