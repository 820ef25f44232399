// zlib's zstd (Node ≥ 22.15), which the pinned @types/node 20 does not describe yet.
import type { Transform } from 'node:stream';

declare module 'zlib' {
  interface ZstdOptions {
    chunkSize?: number;
    params?: Record<number, number>;
    maxOutputLength?: number;
  }
  function zstdCompress(buf: Buffer, options: ZstdOptions, callback: (error: Error | null, result: Buffer) => void): void;
  function zstdDecompress(buf: Buffer, options: ZstdOptions, callback: (error: Error | null, result: Buffer) => void): void;
  function zstdCompressSync(buf: Buffer, options?: ZstdOptions): Buffer;
  function zstdDecompressSync(buf: Buffer, options?: ZstdOptions): Buffer;
  function createZstdDecompress(options?: ZstdOptions): Transform;
  function createZstdCompress(options?: ZstdOptions): Transform;
  namespace constants {
    const ZSTD_c_compressionLevel: number;
    const ZSTD_c_checksumFlag: number;
    const ZSTD_c_contentSizeFlag: number;
  }
}
