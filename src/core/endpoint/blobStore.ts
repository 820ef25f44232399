import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MIB, TreeHasher, combineTreeHashes } from '../hash/treeHash';
import { AwsError, invalidParameter } from './awsError';
import { syncDir, writeFileAtomic } from './storage';

/**
 * Archive bytes: an archive is a directory of part files (`<index>.bin`, each with its 1 MiB leaf hashes
 * in `<index>.leaves`). A single-request upload is one part. Parts are streamed to disk as they arrive
 * and never held whole in memory; the leaf hashes let any MiB-aligned range be tree-hashed without
 * reading the data again.
 */
export interface BlobLayout {
  blobId: string;
  size: number;
  /** Size of every part but the last. */
  partSize: number;
  partCount: number;
}

export interface ReceivedPart {
  size: number;
  treeHash: string;
}

const partFile = (dir: string, index: number): string => path.join(dir, `${index}.bin`);
const leavesFile = (dir: string, index: number): string => path.join(dir, `${index}.leaves`);

/**
 * Streams a request body into part `index` of a blob, verifying its length, its SHA-256 tree hash and
 * (when the client sent one) its payload SHA-256. Nothing replaces an earlier copy of the part unless
 * the new one checks out.
 */
export async function receivePart(
  req: IncomingMessage,
  dir: string,
  index: number,
  expected: { length: number; treeHash: string; contentSha256?: string },
): Promise<ReceivedPart> {
  await fsp.mkdir(dir, { recursive: true });
  const tmp = `${partFile(dir, index)}.tmp-${randomBytes(6).toString('hex')}`;
  const tree = new TreeHasher();
  const sha = createHash('sha256');
  const hashing = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      tree.update(chunk);
      sha.update(chunk);
      cb(null, chunk);
    },
  });
  const out = fs.createWriteStream(tmp, { flags: 'w' });
  try {
    await pipeline(req, hashing, out);
    const fh = await fsp.open(tmp, 'r+');
    try { await fh.sync(); } finally { await fh.close(); }
    if (tree.length !== expected.length) {
      throw new AwsError(400, 'InvalidParameterValueException',
        `Received ${tree.length} bytes but Content-Length said ${expected.length}.`);
    }
    const content = sha.digest('hex');
    if (expected.contentSha256 && expected.contentSha256 !== 'UNSIGNED-PAYLOAD' && !expected.contentSha256.startsWith('STREAMING-')
        && expected.contentSha256.toLowerCase() !== content) {
      throw new AwsError(400, 'InvalidSignatureException',
        `x-amz-content-sha256 ${expected.contentSha256} does not match the SHA-256 of the payload (${content}).`);
    }
    const root = tree.digest().toString('hex');
    if (root !== expected.treeHash.toLowerCase()) {
      throw invalidParameter(`Checksum mismatch: x-amz-sha256-tree-hash is ${expected.treeHash} but the payload's SHA-256 tree hash is ${root}.`);
    }
    const leaves = Buffer.concat(tree.leafHashes() as Buffer[]);
    await writeFileAtomic(leavesFile(dir, index), leaves);
    await fsp.rename(tmp, partFile(dir, index));
    await syncDir(dir);
    return { size: tree.length, treeHash: root };
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

/** Stream of bytes [start, end] (inclusive) of a blob, read part file by part file. */
export function readRange(root: string, layout: BlobLayout, start: number, end: number): Readable {
  const dir = path.join(root, layout.blobId);
  async function* gen(): AsyncGenerator<Buffer> {
    let pos = start;
    while (pos <= end) {
      const index = layout.partCount === 1 ? 0 : Math.floor(pos / layout.partSize);
      const partStart = layout.partCount === 1 ? 0 : index * layout.partSize;
      const partEnd = layout.partCount === 1 ? layout.size - 1 : Math.min(partStart + layout.partSize, layout.size) - 1;
      const to = Math.min(end, partEnd);
      for await (const chunk of fs.createReadStream(partFile(dir, index), { start: pos - partStart, end: to - partStart, highWaterMark: 256 * 1024 })) {
        yield chunk as Buffer;
      }
      pos = to + 1;
    }
  }
  return Readable.from(gen(), { objectMode: false });
}

/** Leaf hashes [first, last) of a blob (leaf i covers bytes [i MiB, (i+1) MiB)). */
export async function readLeaves(root: string, layout: BlobLayout, first: number, last: number): Promise<Buffer[]> {
  const dir = path.join(root, layout.blobId);
  const leavesPerPart = layout.partCount === 1 ? Number.MAX_SAFE_INTEGER : layout.partSize / MIB;
  const out: Buffer[] = [];
  let i = first;
  while (i < last) {
    const index = Math.floor(i / leavesPerPart);
    const firstInPart = index * (layout.partCount === 1 ? 0 : leavesPerPart);
    const upto = Math.min(last, layout.partCount === 1 ? last : firstInPart + leavesPerPart);
    const fh = await fsp.open(leavesFile(dir, index), 'r');
    try {
      const buf = Buffer.alloc((upto - i) * 32);
      await fh.read(buf, 0, buf.length, (i - firstInPart) * 32);
      for (let off = 0; off < buf.length; off += 32) out.push(buf.subarray(off, off + 32));
    } finally {
      await fh.close();
    }
    i = upto;
  }
  return out;
}

/** SHA-256 tree hash of bytes [start, end] when start is MiB-aligned and end+1 is too (or is the end). */
export async function rangeTreeHash(root: string, layout: BlobLayout, start: number, end: number): Promise<string> {
  const first = start / MIB;
  const last = Math.ceil((end + 1) / MIB);
  return combineTreeHashes(await readLeaves(root, layout, first, last)).toString('hex');
}

export async function removeBlob(root: string, blobId: string): Promise<void> {
  await fsp.rm(path.join(root, blobId), { recursive: true, force: true });
}
