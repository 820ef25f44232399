import { createHash } from 'node:crypto';

/** Glacier computes tree hashes over 1 MiB leaves. */
export const MIB = 1024 * 1024;

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

/**
 * Combines a level of hashes up to the root: pairs are hashed together, an odd one is carried up as is.
 * With no hashes at all this is the hash of empty input, as AWS defines it for a 0-byte payload.
 */
export function combineTreeHashes(hashes: readonly Buffer[]): Buffer {
  if (hashes.length === 0) return sha256();
  let level = hashes.slice();
  while (level.length > 1) {
    const next: Buffer[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? sha256(level[i], level[i + 1]) : level[i]);
    level = next;
  }
  return level[0];
}

/** SHA-256 tree hash of a buffer held in memory (a part, a small archive). */
export function treeHash(data: Buffer): Buffer {
  const leaves: Buffer[] = [];
  for (let off = 0; off < data.length; off += MIB) leaves.push(sha256(data.subarray(off, Math.min(off + MIB, data.length))));
  return combineTreeHashes(leaves);
}

/**
 * Streaming tree hasher: feed any sized chunks, memory stays at one leaf. `leafHashes()` exposes the
 * 1 MiB leaf hashes so callers can combine ranges (parts, retrieval ranges) without re-reading data.
 */
export class TreeHasher {
  private readonly leaves: Buffer[] = [];
  private current = createHash('sha256');
  private currentLen = 0;
  private total = 0;

  update(chunk: Buffer): this {
    let off = 0;
    while (off < chunk.length) {
      const take = Math.min(MIB - this.currentLen, chunk.length - off);
      this.current.update(chunk.subarray(off, off + take));
      this.currentLen += take;
      off += take;
      if (this.currentLen === MIB) this.closeLeaf();
    }
    this.total += chunk.length;
    return this;
  }

  get length(): number {
    return this.total;
  }

  /** Leaf hashes so far, including the final partial leaf once `digest()` has been called. */
  leafHashes(): readonly Buffer[] {
    return this.leaves;
  }

  digest(): Buffer {
    if (this.currentLen > 0) this.closeLeaf();
    return combineTreeHashes(this.leaves);
  }

  private closeLeaf(): void {
    this.leaves.push(this.current.digest());
    this.current = createHash('sha256');
    this.currentLen = 0;
  }
}

/** True when a size is a valid Glacier part size: 1 MiB × 2^n, up to 4 GiB. */
export function isValidPartSize(size: number): boolean {
  if (size < MIB || size > 4 * 1024 * MIB || size % MIB !== 0) return false;
  const m = size / MIB;
  return (m & (m - 1)) === 0;
}
