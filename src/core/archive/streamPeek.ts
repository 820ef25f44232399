import { Readable } from 'node:stream';

/** Reads at least `n` bytes (fewer at end of stream) and returns them plus a stream that replays everything. */
export async function peekStream(src: Readable | AsyncIterable<Buffer>, n: number): Promise<[Buffer, Readable]> {
  const it = (src as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const chunks: Buffer[] = [];
  let len = 0;
  while (len < n) {
    const r = await it.next();
    if (r.done) break;
    chunks.push(r.value);
    len += r.value.length;
  }
  const head = Buffer.concat(chunks, len);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return [head, Readable.from(rest(), { objectMode: false, highWaterMark: 1 })];
}
