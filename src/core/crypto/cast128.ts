import type { BlockCipher64 } from './blockCipher';
import { CAST_S } from './cast128Tables';

const [S1, S2, S3, S4, S5, S6, S7, S8] = CAST_S;
const rotl = (x: number, n: number): number => ((x << n) | (x >>> (32 - n))) >>> 0;

/**
 * CAST-128 (RFC 2144): keys of 5 to 16 bytes, zero-padded to 16; keys of 80 bits or fewer use 12
 * rounds, as the RFC and OpenSSL's cast5 do.
 */
export class Cast128 implements BlockCipher64 {
  private readonly km = new Uint32Array(16);
  private readonly kr = new Uint8Array(16);
  private readonly rounds: number;

  constructor(key: Uint8Array) {
    if (key.length < 5 || key.length > 16) throw new RangeError(`A CAST-128 key has 5 to 16 bytes, got ${key.length}.`);
    this.rounds = key.length <= 10 ? 12 : 16;
    const k = new Uint8Array(16);
    k.set(key);
    const x = new Uint32Array(4);
    for (let i = 0; i < 4; i++) x[i] = ((k[4 * i] << 24) | (k[4 * i + 1] << 16) | (k[4 * i + 2] << 8) | k[4 * i + 3]) >>> 0;
    const z = new Uint32Array(4);
    const out = new Uint32Array(32);
    // byte j (0 = most significant) of the 16-byte string held in w
    const xb = (j: number) => (x[j >> 2] >>> (24 - 8 * (j & 3))) & 0xff;
    const zb = (j: number) => (z[j >> 2] >>> (24 - 8 * (j & 3))) & 0xff;
    for (let half = 0; half < 2; half++) {
      const o = half * 16;
      z[0] = x[0] ^ S5[xb(0xd)] ^ S6[xb(0xf)] ^ S7[xb(0xc)] ^ S8[xb(0xe)] ^ S7[xb(0x8)];
      z[1] = x[2] ^ S5[zb(0x0)] ^ S6[zb(0x2)] ^ S7[zb(0x1)] ^ S8[zb(0x3)] ^ S8[xb(0xa)];
      z[2] = x[3] ^ S5[zb(0x7)] ^ S6[zb(0x6)] ^ S7[zb(0x5)] ^ S8[zb(0x4)] ^ S5[xb(0x9)];
      z[3] = x[1] ^ S5[zb(0xa)] ^ S6[zb(0x9)] ^ S7[zb(0xb)] ^ S8[zb(0x8)] ^ S6[xb(0xb)];
      out[o + 0] = S5[zb(0x8)] ^ S6[zb(0x9)] ^ S7[zb(0x7)] ^ S8[zb(0x6)] ^ S5[zb(0x2)];
      out[o + 1] = S5[zb(0xa)] ^ S6[zb(0xb)] ^ S7[zb(0x5)] ^ S8[zb(0x4)] ^ S6[zb(0x6)];
      out[o + 2] = S5[zb(0xc)] ^ S6[zb(0xd)] ^ S7[zb(0x3)] ^ S8[zb(0x2)] ^ S7[zb(0x9)];
      out[o + 3] = S5[zb(0xe)] ^ S6[zb(0xf)] ^ S7[zb(0x1)] ^ S8[zb(0x0)] ^ S8[zb(0xc)];
      x[0] = z[2] ^ S5[zb(0x5)] ^ S6[zb(0x7)] ^ S7[zb(0x4)] ^ S8[zb(0x6)] ^ S7[zb(0x0)];
      x[1] = z[0] ^ S5[xb(0x0)] ^ S6[xb(0x2)] ^ S7[xb(0x1)] ^ S8[xb(0x3)] ^ S8[zb(0x2)];
      x[2] = z[1] ^ S5[xb(0x7)] ^ S6[xb(0x6)] ^ S7[xb(0x5)] ^ S8[xb(0x4)] ^ S5[zb(0x1)];
      x[3] = z[3] ^ S5[xb(0xa)] ^ S6[xb(0x9)] ^ S7[xb(0xb)] ^ S8[xb(0x8)] ^ S6[zb(0x3)];
      out[o + 4] = S5[xb(0x3)] ^ S6[xb(0x2)] ^ S7[xb(0xc)] ^ S8[xb(0xd)] ^ S5[xb(0x8)];
      out[o + 5] = S5[xb(0x1)] ^ S6[xb(0x0)] ^ S7[xb(0xe)] ^ S8[xb(0xf)] ^ S6[xb(0xd)];
      out[o + 6] = S5[xb(0x7)] ^ S6[xb(0x6)] ^ S7[xb(0x8)] ^ S8[xb(0x9)] ^ S7[xb(0x3)];
      out[o + 7] = S5[xb(0x5)] ^ S6[xb(0x4)] ^ S7[xb(0xa)] ^ S8[xb(0xb)] ^ S8[xb(0x7)];
      z[0] = x[0] ^ S5[xb(0xd)] ^ S6[xb(0xf)] ^ S7[xb(0xc)] ^ S8[xb(0xe)] ^ S7[xb(0x8)];
      z[1] = x[2] ^ S5[zb(0x0)] ^ S6[zb(0x2)] ^ S7[zb(0x1)] ^ S8[zb(0x3)] ^ S8[xb(0xa)];
      z[2] = x[3] ^ S5[zb(0x7)] ^ S6[zb(0x6)] ^ S7[zb(0x5)] ^ S8[zb(0x4)] ^ S5[xb(0x9)];
      z[3] = x[1] ^ S5[zb(0xa)] ^ S6[zb(0x9)] ^ S7[zb(0xb)] ^ S8[zb(0x8)] ^ S6[xb(0xb)];
      out[o + 8] = S5[zb(0x3)] ^ S6[zb(0x2)] ^ S7[zb(0xc)] ^ S8[zb(0xd)] ^ S5[zb(0x9)];
      out[o + 9] = S5[zb(0x1)] ^ S6[zb(0x0)] ^ S7[zb(0xe)] ^ S8[zb(0xf)] ^ S6[zb(0xc)];
      out[o + 10] = S5[zb(0x7)] ^ S6[zb(0x6)] ^ S7[zb(0x8)] ^ S8[zb(0x9)] ^ S7[zb(0x2)];
      out[o + 11] = S5[zb(0x5)] ^ S6[zb(0x4)] ^ S7[zb(0xa)] ^ S8[zb(0xb)] ^ S8[zb(0x6)];
      x[0] = z[2] ^ S5[zb(0x5)] ^ S6[zb(0x7)] ^ S7[zb(0x4)] ^ S8[zb(0x6)] ^ S7[zb(0x0)];
      x[1] = z[0] ^ S5[xb(0x0)] ^ S6[xb(0x2)] ^ S7[xb(0x1)] ^ S8[xb(0x3)] ^ S8[zb(0x2)];
      x[2] = z[1] ^ S5[xb(0x7)] ^ S6[xb(0x6)] ^ S7[xb(0x5)] ^ S8[xb(0x4)] ^ S5[zb(0x1)];
      x[3] = z[3] ^ S5[xb(0xa)] ^ S6[xb(0x9)] ^ S7[xb(0xb)] ^ S8[xb(0x8)] ^ S6[zb(0x3)];
      out[o + 12] = S5[xb(0x8)] ^ S6[xb(0x9)] ^ S7[xb(0x7)] ^ S8[xb(0x6)] ^ S5[xb(0x3)];
      out[o + 13] = S5[xb(0xa)] ^ S6[xb(0xb)] ^ S7[xb(0x5)] ^ S8[xb(0x4)] ^ S6[xb(0x7)];
      out[o + 14] = S5[xb(0xc)] ^ S6[xb(0xd)] ^ S7[xb(0x3)] ^ S8[xb(0x2)] ^ S7[xb(0x8)];
      out[o + 15] = S5[xb(0xe)] ^ S6[xb(0xf)] ^ S7[xb(0x1)] ^ S8[xb(0x0)] ^ S8[xb(0xd)];
    }
    for (let i = 0; i < 16; i++) {
      this.km[i] = out[i];
      this.kr[i] = out[16 + i] & 31;
    }
  }

  /** Round function of round i (0-based): the three types take turns. */
  private f(i: number, d: number): number {
    let t: number;
    switch (i % 3) {
      case 0:
        t = rotl((this.km[i] + d) >>> 0, this.kr[i]);
        return ((((S1[t >>> 24] ^ S2[(t >>> 16) & 0xff]) - S3[(t >>> 8) & 0xff]) >>> 0) + S4[t & 0xff]) >>> 0;
      case 1:
        t = rotl((this.km[i] ^ d) >>> 0, this.kr[i]);
        return ((((S1[t >>> 24] - S2[(t >>> 16) & 0xff]) >>> 0) + S3[(t >>> 8) & 0xff]) >>> 0) ^ S4[t & 0xff];
      default:
        t = rotl((this.km[i] - d) >>> 0, this.kr[i]);
        return ((((S1[t >>> 24] + S2[(t >>> 16) & 0xff]) >>> 0) ^ S3[(t >>> 8) & 0xff]) - S4[t & 0xff]) >>> 0;
    }
  }

  encrypt(b: Uint32Array): void {
    let l = b[0];
    let r = b[1];
    for (let i = 0; i < this.rounds; i++) {
      const t = r;
      r = (l ^ this.f(i, r)) >>> 0;
      l = t;
    }
    b[0] = r;
    b[1] = l;
  }

  decrypt(b: Uint32Array): void {
    let l = b[0];
    let r = b[1];
    for (let i = this.rounds - 1; i >= 0; i--) {
      const t = r;
      r = (l ^ this.f(i, r)) >>> 0;
      l = t;
    }
    b[0] = r;
    b[1] = l;
  }
}
