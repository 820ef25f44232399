import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

export const MIB = 1024 * 1024;

/** Deterministic, non-repeating-looking test bytes. */
export function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 4) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out.writeUInt32LE(x, i + 4 <= size ? i : 0);
  }
  for (let i = size - (size % 4); i < size; i++) out[i] = i & 0xff;
  return out;
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Asserts the promise rejects with the AWS error `name` (and HTTP status when given). */
export async function rejectsWith(p: Promise<unknown>, name: string, status?: number): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught, `expected ${name}, but the call succeeded`);
  const e = caught as Error & { $metadata?: { httpStatusCode?: number } };
  assert.equal(e.name, name, `expected ${name}, got ${e.name}: ${e.message}`);
  if (status !== undefined) assert.equal(e.$metadata?.httpStatusCode, status);
  return e;
}

export async function readAll(body: { transformToByteArray(): Promise<Uint8Array> } | undefined): Promise<Buffer> {
  assert.ok(body, 'missing body');
  return Buffer.from(await body.transformToByteArray());
}

/** Removes a header from one command's request after the SDK built it (to send what a broken client would). */
export function withoutHeader<C extends { middlewareStack: { add: (...a: any[]) => void } }>(command: C, name: string): C {
  command.middlewareStack.add(
    (next: (a: any) => Promise<any>) => async (args: any) => {
      delete args.request.headers[name];
      return next(args);
    },
    { step: 'build', priority: 'low' },
  );
  return command;
}

/** Replaces a header on one command's request after signing. */
export function withHeader<C extends { middlewareStack: { add: (...a: any[]) => void } }>(command: C, name: string, value: string): C {
  command.middlewareStack.add(
    (next: (a: any) => Promise<any>) => async (args: any) => {
      args.request.headers[name] = value;
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low' },
  );
  return command;
}
