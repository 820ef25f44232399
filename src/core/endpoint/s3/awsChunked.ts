import { Transform, type TransformCallback } from 'node:stream';
import { s3Error } from './s3Error';

/**
 * Decodes an `aws-chunked` body (what today's SDKs and the AWS CLI send by default with a trailing
 * checksum): `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` … `0[;…]\r\n<trailer lines>\r\n`.
 * Passes the data through and keeps the trailer headers. Chunk signatures are parsed, not verified:
 * the endpoint accepts any credentials.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private state: 'size' | 'data' | 'crlf' | 'trailer' | 'done' = 'size';
  private line = '';
  private remaining = 0;
  private pendingCrlf = '';
  decodedLength = 0;

  constructor(private readonly signed: boolean) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      let i = 0;
      while (i < chunk.length) {
        if (this.state === 'data') {
          const n = Math.min(this.remaining, chunk.length - i);
          this.push(chunk.subarray(i, i + n));
          this.decodedLength += n;
          this.remaining -= n;
          i += n;
          if (this.remaining === 0) this.state = 'crlf';
        } else if (this.state === 'crlf') {
          this.pendingCrlf += String.fromCharCode(chunk[i++]);
          if (this.pendingCrlf.length === 2) {
            if (this.pendingCrlf !== '\r\n') throw this.malformed('a chunk is not followed by CRLF');
            this.pendingCrlf = '';
            this.state = 'size';
          }
        } else if (this.state === 'done') {
          throw this.malformed('data after the final chunk and trailer');
        } else {
          const nl = chunk.indexOf(0x0a, i);
          const end = nl < 0 ? chunk.length : nl + 1;
          this.line += chunk.subarray(i, end).toString('latin1');
          i = end;
          if (this.line.length > 8192) throw this.malformed('a chunk header or trailer line is too long');
          if (nl >= 0) this.onLine(this.line.endsWith('\r\n') ? this.line.slice(0, -2) : this.line.slice(0, -1));
        }
      }
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.state !== 'done') return cb(s3Error(400, 'IncompleteBody', 'The request body ended before its final aws-chunked chunk and trailer.'));
    cb();
  }

  private onLine(line: string): void {
    this.line = '';
    if (this.state === 'size') {
      const m = /^([0-9a-fA-F]{1,16})((?:;[^;=]+=[^;]*)*)$/.exec(line);
      if (!m) throw this.malformed(`invalid chunk header "${line.slice(0, 80)}"`);
      if (this.signed && !/;chunk-signature=[0-9a-f]{64}/.test(m[2])) throw this.malformed('a signed chunk has no chunk-signature');
      this.remaining = parseInt(m[1], 16);
      this.state = this.remaining === 0 ? 'trailer' : 'data';
      return;
    }
    // Trailer section: header lines until an empty one.
    if (line === '') {
      this.state = 'done';
      return;
    }
    const c = line.indexOf(':');
    if (c <= 0) throw this.malformed(`invalid trailer line "${line.slice(0, 80)}"`);
    this.trailers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }

  private malformed(why: string): Error {
    return s3Error(400, 'InvalidRequest', `Malformed aws-chunked body: ${why}.`);
  }
}
