import http from 'node:http';

/**
 * Sends a hand-built S3 request (for bodies no SDK call produces: malformed or signed aws-chunked
 * bodies, cut bodies). The Authorization header is well-formed SigV4; the endpoint accepts any signature.
 */
export async function rawS3(url: string, method: string, path: string, headers: Record<string, string>, body: Buffer | string | Buffer[] = ''):
  Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(path, url);
  const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const all = {
    host: u.host, 'x-amz-date': date,
    authorization: `AWS4-HMAC-SHA256 Credential=AKIDLOCAL/${date.slice(0, 8)}/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=${'0'.repeat(64)}`,
    ...headers,
  };
  return new Promise((resolve, reject) => {
    const req = http.request(u, { method, headers: all }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    for (const piece of Array.isArray(body) ? body : [body]) req.write(piece);
    req.end();
  });
}

/** An aws-chunked body: `size;chunk-signature=…` headers when `signed`, then the trailer lines. */
export function awsChunked(data: Buffer, chunkSize: number, trailers: Record<string, string>, signed = false): Buffer {
  const sig = (): string => (signed ? `;chunk-signature=${'a'.repeat(64)}` : '');
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const c = data.subarray(i, i + chunkSize);
    out.push(Buffer.from(`${c.length.toString(16)}${sig()}\r\n`), c, Buffer.from('\r\n'));
  }
  out.push(Buffer.from(`0${sig()}\r\n`));
  for (const [k, v] of Object.entries(trailers)) out.push(Buffer.from(`${k}:${v}\r\n`));
  if (signed && Object.keys(trailers).length) out.push(Buffer.from(`x-amz-trailer-signature:${'b'.repeat(64)}\r\n`));
  out.push(Buffer.from('\r\n'));
  return Buffer.concat(out);
}

export const errorCode = (xml: string): string | undefined => /<Code>([^<]+)<\/Code>/.exec(xml)?.[1];
