import zlib from 'node:zlib';

/**
 * The CRCs S3 checksums use: CRC32 (zlib's, native), CRC32C (Castagnoli) and CRC64NVME, all reflected
 * with all-ones init and final xor. Values are plain numbers (CRC32/CRC32C) or bigints (CRC64NVME);
 * `update(previous, data)` continues a CRC, starting from 0. `combine` joins the CRCs of two adjacent
 * pieces without reading them again (zlib's crc32_combine, for any width), which is how a multipart
 * upload's full-object checksum is built from its parts.
 */
export type CrcName = 'CRC32' | 'CRC32C' | 'CRC64NVME';

const CRC32C_POLY = 0x82f63b78;
const CRC64_POLY_HI = 0x9a6c9329;
const CRC64_POLY_LO = 0xac4bc9b5;

function tables32(poly: number): Uint32Array[] {
  const t: Uint32Array[] = [];
  t[0] = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[0][n] = c >>> 0;
  }
  for (let k = 1; k < 8; k++) {
    t[k] = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[k][n] = (t[k - 1][n] >>> 8) ^ t[0][t[k - 1][n] & 0xff];
  }
  return t;
}

let c32c: Uint32Array[] | undefined;

export function crc32cUpdate(previous: number, data: Uint8Array): number {
  const t = (c32c ??= tables32(CRC32C_POLY));
  const [t0, t1, t2, t3, t4, t5, t6, t7] = t;
  let c = ~previous >>> 0;
  let i = 0;
  const n = data.length;
  while (n - i >= 8) {
    c ^= data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24);
    c = t7[c & 0xff] ^ t6[(c >>> 8) & 0xff] ^ t5[(c >>> 16) & 0xff] ^ t4[c >>> 24]
      ^ t3[data[i + 4]] ^ t2[data[i + 5]] ^ t1[data[i + 6]] ^ t0[data[i + 7]];
    i += 8;
  }
  while (i < n) c = t0[(c ^ data[i++]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export function crc32Update(previous: number, data: Uint8Array): number {
  return zlib.crc32(data, previous) >>> 0;
}

/** CRC64 tables, each entry split into its high and low 32 bits (slicing by 8). */
let c64: { hi: Uint32Array[]; lo: Uint32Array[] } | undefined;

function tables64(): { hi: Uint32Array[]; lo: Uint32Array[] } {
  const hi: Uint32Array[] = [new Uint32Array(256)];
  const lo: Uint32Array[] = [new Uint32Array(256)];
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const bit = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (bit) { h = (h ^ CRC64_POLY_HI) >>> 0; l = (l ^ CRC64_POLY_LO) >>> 0; }
    }
    hi[0][n] = h;
    lo[0][n] = l;
  }
  for (let k = 1; k < 8; k++) {
    hi[k] = new Uint32Array(256);
    lo[k] = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      const ph = hi[k - 1][n];
      const pl = lo[k - 1][n];
      const idx = pl & 0xff;
      lo[k][n] = (((pl >>> 8) | (ph << 24)) ^ lo[0][idx]) >>> 0;
      hi[k][n] = ((ph >>> 8) ^ hi[0][idx]) >>> 0;
    }
  }
  return { hi, lo };
}

export function crc64nvmeUpdate(previous: bigint, data: Uint8Array): bigint {
  const { hi: H, lo: L } = (c64 ??= tables64());
  const [L0, L1, L2, L3, L4, L5, L6, L7] = L;
  const [H0, H1, H2, H3, H4, H5, H6, H7] = H;
  const inv = ~previous & 0xffffffffffffffffn;
  let h = Number(inv >> 32n) >>> 0;
  let l = Number(inv & 0xffffffffn) >>> 0;
  let i = 0;
  const n = data.length;
  while (n - i >= 8) {
    const a = l ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    const b = h ^ (data[i + 4] | (data[i + 5] << 8) | (data[i + 6] << 16) | (data[i + 7] << 24));
    const i7 = a & 0xff, i6 = (a >>> 8) & 0xff, i5 = (a >>> 16) & 0xff, i4 = a >>> 24;
    const i3 = b & 0xff, i2 = (b >>> 8) & 0xff, i1 = (b >>> 16) & 0xff, i0 = b >>> 24;
    l = L7[i7] ^ L6[i6] ^ L5[i5] ^ L4[i4] ^ L3[i3] ^ L2[i2] ^ L1[i1] ^ L0[i0];
    h = H7[i7] ^ H6[i6] ^ H5[i5] ^ H4[i4] ^ H3[i3] ^ H2[i2] ^ H1[i1] ^ H0[i0];
    i += 8;
  }
  l >>>= 0;
  h >>>= 0;
  while (i < n) {
    const idx = (l ^ data[i++]) & 0xff;
    l = (((l >>> 8) | (h << 24)) ^ L0[idx]) >>> 0;
    h = ((h >>> 8) ^ H0[idx]) >>> 0;
  }
  return ~((BigInt(h) << 32n) | BigInt(l)) & 0xffffffffffffffffn;
}

const WIDTH: Record<CrcName, number> = { CRC32: 32, CRC32C: 32, CRC64NVME: 64 };
const POLY: Record<CrcName, bigint> = {
  CRC32: 0xedb88320n,
  CRC32C: BigInt(CRC32C_POLY),
  CRC64NVME: (BigInt(CRC64_POLY_HI) << 32n) | BigInt(CRC64_POLY_LO),
};

/** a·b modulo the polynomial, both in reflected bit order (zlib's multmodp). */
function multmodp(name: CrcName, a: bigint, b: bigint): bigint {
  let m = 1n << BigInt(WIDTH[name] - 1);
  let p = 0n;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    b = b & 1n ? (b >> 1n) ^ POLY[name] : b >> 1n;
  }
  return p;
}

const x2nTables = new Map<CrcName, bigint[]>();

/** x^(n·2^k) modulo the polynomial. */
function x2nmodp(name: CrcName, n: bigint, k: number): bigint {
  let table = x2nTables.get(name);
  if (!table) {
    table = [1n << BigInt(WIDTH[name] - 2)];
    for (let i = 1; i < 128; i++) table.push(multmodp(name, table[i - 1], table[i - 1]));
    x2nTables.set(name, table);
  }
  let p = 1n << BigInt(WIDTH[name] - 1);
  while (n) {
    if (n & 1n) p = multmodp(name, table[k], p);
    n >>= 1n;
    k++;
  }
  return p;
}

/** CRC of A‖B from crc(A), crc(B) and B's length. */
export function crcCombine(name: CrcName, crcA: bigint, crcB: bigint, lengthB: number): bigint {
  return multmodp(name, x2nmodp(name, BigInt(lengthB), 3), crcA) ^ crcB;
}

/** A running CRC; `digest()` is the value as S3 sends it: big-endian bytes. */
export class Crc {
  private v32 = 0;
  private v64 = 0n;
  constructor(readonly name: CrcName) {}

  update(data: Uint8Array): this {
    if (this.name === 'CRC32') this.v32 = crc32Update(this.v32, data);
    else if (this.name === 'CRC32C') this.v32 = crc32cUpdate(this.v32, data);
    else this.v64 = crc64nvmeUpdate(this.v64, data);
    return this;
  }

  get value(): bigint {
    return this.name === 'CRC64NVME' ? this.v64 : BigInt(this.v32);
  }

  digest(): Buffer {
    return crcBytes(this.name, this.value);
  }
}

export function crcBytes(name: CrcName, value: bigint): Buffer {
  const out = Buffer.alloc(WIDTH[name] / 8);
  if (WIDTH[name] === 64) out.writeBigUInt64BE(value);
  else out.writeUInt32BE(Number(value));
  return out;
}

export function crcFromBytes(name: CrcName, bytes: Buffer): bigint {
  return WIDTH[name] === 64 ? bytes.readBigUInt64BE() : BigInt(bytes.readUInt32BE());
}
