import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

/**
 * An object's bytes: a directory under blobs/ holding one file per part (`<partNumber>.bin`; a simple
 * PUT is part 1). A completed multipart upload keeps its part files where they were uploaded, so
 * completing never copies the object. Reads stream part by part.
 */
export interface BlobRef {
  dir: string;
  parts: { n: number; size: number }[];
}

export const partFile = (blobsRoot: string, dir: string, n: number): string => path.join(blobsRoot, dir, `${n}.bin`);

/** Bytes [start, end] (inclusive) of a blob. */
export function readBlob(blobsRoot: string, blob: BlobRef, start: number, end: number): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const p of blob.parts) {
      const pStart = offset;
      const pEnd = offset + p.size - 1;
      offset += p.size;
      if (pEnd < start || p.size === 0) continue;
      if (pStart > end) break;
      const from = Math.max(start, pStart) - pStart;
      const to = Math.min(end, pEnd) - pStart;
      for await (const chunk of fs.createReadStream(partFile(blobsRoot, blob.dir, p.n), { start: from, end: to, highWaterMark: 256 * 1024 })) {
        yield chunk as Buffer;
      }
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

export async function removeBlobDir(blobsRoot: string, dir: string): Promise<void> {
  await fsp.rm(path.join(blobsRoot, dir), { recursive: true, force: true });
}
