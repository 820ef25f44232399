import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

/**
 * Faults that act after the request was handled: the handler runs to the end (its effect is
 * persisted, as every write is synced before a response), and only its answer is lost.
 *
 * - `apply-then-drop`: the connection is closed instead of sending the response.
 * - `cut-body`: the status line and headers go out, then half of the body, then the connection is
 *   closed. A response with an empty body is cut inside its header block instead, so the client never
 *   sees a complete answer either way.
 */
export function armAfterFault(req: IncomingMessage, res: ServerResponse, kind: 'apply-then-drop' | 'cut-body'): void {
  const destroy = (): void => { req.socket.destroy(); };
  if (kind === 'apply-then-drop') {
    res.writeHead = ((..._args: unknown[]) => { res.destroy(); destroy(); return res; }) as typeof res.writeHead;
    res.write = ((..._args: unknown[]) => { res.destroy(); destroy(); return false; }) as typeof res.write;
    res.end = ((..._args: unknown[]) => { res.destroy(); destroy(); return res; }) as typeof res.end;
    return;
  }
  const writeHead = res.writeHead.bind(res) as (status: number, ...rest: unknown[]) => ServerResponse;
  const write = res.write.bind(res) as (chunk: unknown, cb?: () => void) => boolean;
  let status = 200;
  let limit = 0;
  let sent = 0;
  let cut = false;
  const cutNow = (): void => { cut = true; res.destroy(); destroy(); };
  res.writeHead = ((code: number, ...rest: unknown[]) => {
    status = code;
    const headers = rest.find((r) => r && typeof r === 'object') as OutgoingHttpHeaders | undefined;
    const length = Number(headers?.['content-length'] ?? res.getHeader('content-length') ?? NaN);
    if (length === 0) {
      // Nothing to cut in the body: cut the header block.
      req.socket.write(`HTTP/1.1 ${status} `, cutNow);
      cut = true;
      return res;
    }
    limit = Number.isFinite(length) ? Math.floor(length / 2) : 1;
    return writeHead(code, ...rest);
  }) as typeof res.writeHead;
  const take = (chunk: unknown, cb?: () => void): boolean => {
    if (cut) return false;
    if (chunk === undefined || chunk === null) return true;
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    if (sent + buf.length < limit) {
      sent += buf.length;
      return write(buf, cb);
    }
    cut = true;
    write(buf.subarray(0, Math.max(0, limit - sent)), () => { res.destroy(); destroy(); });
    return false;
  };
  res.write = ((chunk: unknown, ...rest: unknown[]) => take(chunk, rest.find((r) => typeof r === 'function') as (() => void) | undefined)) as typeof res.write;
  res.end = ((chunk?: unknown) => {
    if (!res.headersSent && !cut) res.writeHead(status);
    if (typeof chunk !== 'function') take(chunk);
    if (!cut) { cut = true; res.destroy(); destroy(); }
    return res;
  }) as typeof res.end;
}
