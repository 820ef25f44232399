import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import { FreezerError, throwIfAborted } from '../errors';
import type { SegmentLayout } from '../storage/coldStore';
import { partsOf, segmentKey, type SegmentSpan } from './layout';

const READ = 4 * 1024 * 1024;
/** Ranged GETs are verified in blocks of this size, so a one-file restore reads little more than the file. */
export const BLOCK_SIZE = 1024 * 1024;

/**
 * One sequential read of the archive file before upload: each segment's SHA-256 and each part's
 * (what S3 verifies per request, and what a ranged download is checked against), and the whole
 * archive's. Kept in the upload session, so a resume does not read the file twice.
 */
export async function hashSegments(file: string, opts: { prefix: string; archiveId: string; spans: SegmentSpan[]; partSize: number; signal?: AbortSignal }): Promise<{ segments: SegmentLayout[]; sha256: string }> {
  const fh = await fs.open(file, 'r');
  const whole = createHash('sha256');
  const buf = Buffer.allocUnsafe(READ);
  const segments: SegmentLayout[] = [];
  try {
    for (let s = 0; s < opts.spans.length; s++) {
      const { offset, size, overlap } = opts.spans[s];
      // The overlap is the next segment's start too: it counts once in the archive's hash.
      const own = size - overlap;
      const seg = createHash('sha256');
      const partSha256: string[] = [];
      const blockSha256: string[] = [];
      let block = createHash('sha256');
      let inBlock = 0;
      for (const p of partsOf(size, opts.partSize)) {
        const part = createHash('sha256');
        for (let pos = p.start; pos < p.end;) {
          throwIfAborted(opts.signal);
          const want = Math.min(READ, p.end - pos);
          const { bytesRead } = await fh.read(buf, 0, want, offset + pos);
          if (bytesRead === 0) throw new FreezerError('FileChanged', `${file} became shorter while it was being hashed.`);
          const chunk = buf.subarray(0, bytesRead);
          part.update(chunk);
          seg.update(chunk);
          for (let at = 0; at < chunk.length;) {
            const take = Math.min(chunk.length - at, BLOCK_SIZE - inBlock);
            block.update(chunk.subarray(at, at + take));
            inBlock += take;
            at += take;
            if (inBlock === BLOCK_SIZE) {
              blockSha256.push(block.digest('base64'));
              block = createHash('sha256');
              inBlock = 0;
            }
          }
          if (pos < own) whole.update(chunk.subarray(0, Math.min(chunk.length, own - pos)));
          pos += bytesRead;
        }
        partSha256.push(part.digest('base64'));
      }
      if (inBlock > 0 || blockSha256.length === 0) blockSha256.push(block.digest('base64'));
      segments.push({ key: segmentKey(opts.prefix, opts.archiveId, s), offset, size, overlap, sha256: seg.digest('hex'), partSize: opts.partSize, partSha256, blockSize: BLOCK_SIZE, blockSha256 });
    }
  } finally {
    await fh.close();
  }
  return { segments, sha256: whole.digest('hex') };
}

/** S3's composite checksum of a multipart object: SHA-256 of the parts' digests, "-N". */
export function compositeSha256(partSha256: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of partSha256) h.update(Buffer.from(p, 'base64'));
  return `${h.digest('base64')}-${partSha256.length}`;
}
