import type { IncomingMessage } from 'node:http';
import { invalidParameter, missingParameter } from '../awsError';

export function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function requireHeader(req: IncomingMessage, name: string): string {
  const v = header(req, name);
  if (v === undefined || v === '') throw missingParameter(`Required header or parameter ${name} is missing.`);
  return v;
}

/** A SHA-256 tree hash header: 64 hex characters. */
export function requireTreeHash(req: IncomingMessage, name = 'x-amz-sha256-tree-hash'): string {
  const v = requireHeader(req, name);
  if (!/^[0-9a-fA-F]{64}$/.test(v)) throw invalidParameter(`Invalid ${name} "${v.slice(0, 80)}": expected 64 hex characters.`);
  return v.toLowerCase();
}

/** Content-Length of a payload upload (Glacier needs the length up front; chunked bodies are refused). */
export function requireContentLength(req: IncomingMessage): number {
  const v = header(req, 'content-length');
  if (v === undefined) throw missingParameter('Content-Length is required for archive and part uploads.');
  if (!/^\d+$/.test(v)) throw invalidParameter(`Invalid Content-Length "${v}".`);
  return Number(v);
}

/** An archive description header, if any: decoded as sent (AWS takes it verbatim). */
export function descriptionHeader(req: IncomingMessage): string | undefined {
  return header(req, 'x-amz-archive-description');
}
