import type { BlockCipher64 } from './blockCipher';

let piWords: Uint32Array | undefined;

/**
 * The first `n` 32-bit words of π's fractional part in hex (0x243f6a88, 0x85a308d3, …): Blowfish's
 * initial P-array and S-boxes are exactly these digits, so they are computed (Machin's formula in
 * fixed point, with guard bits) instead of copied as a 4 KiB table.
 */
export function piFractionWords(n: number): Uint32Array {
  const bits = BigInt(n * 32 + 128);
  const one = 1n << bits;
  const arctanInv = (x: bigint): bigint => {
    const x2 = x * x;
    let term = one / x;
    let sum = 0n;
    for (let k = 1n, sign = 1n; term !== 0n; k += 2n, sign = -sign) {
      sum += (sign * term) / k;
      term /= x2;
    }
    return sum;
  };
  let frac = 16n * arctanInv(5n) - 4n * arctanInv(239n) - 3n * one;
  const out = new Uint32Array(n);
  const mask = one - 1n;
  for (let i = 0; i < n; i++) {
    frac <<= 32n;
    out[i] = Number(frac >> bits);
    frac &= mask;
  }
  return out;
}

/** Blowfish (Schneier, 1993): 16 rounds, keys of 4 to 56 bytes. */
export class Blowfish implements BlockCipher64 {
  private readonly p: Uint32Array;
  private readonly s: Uint32Array; // four 256-word boxes, one after the other

  constructor(key: Uint8Array) {
    if (key.length < 4 || key.length > 56) throw new RangeError(`A Blowfish key has 4 to 56 bytes, got ${key.length}.`);
    piWords ??= piFractionWords(18 + 4 * 256);
    this.p = piWords.slice(0, 18);
    this.s = piWords.slice(18);
    for (let i = 0, j = 0; i < 18; i++) {
      let w = 0;
      for (let b = 0; b < 4; b++, j = (j + 1) % key.length) w = (w << 8) | key[j];
      this.p[i] ^= w;
    }
    const lr = new Uint32Array(2);
    for (let i = 0; i < 18; i += 2) {
      this.encrypt(lr);
      this.p[i] = lr[0];
      this.p[i + 1] = lr[1];
    }
    for (let i = 0; i < 1024; i += 2) {
      this.encrypt(lr);
      this.s[i] = lr[0];
      this.s[i + 1] = lr[1];
    }
  }

  private f(x: number): number {
    const s = this.s;
    return ((((s[x >>> 24] + s[256 + ((x >>> 16) & 0xff)]) >>> 0) ^ s[512 + ((x >>> 8) & 0xff)]) + s[768 + (x & 0xff)]) >>> 0;
  }

  encrypt(b: Uint32Array): void {
    let l = b[0];
    let r = b[1];
    for (let i = 0; i < 16; i += 2) {
      l ^= this.p[i];
      r ^= this.f(l >>> 0);
      r ^= this.p[i + 1];
      l ^= this.f(r >>> 0);
    }
    b[0] = r ^ this.p[17];
    b[1] = l ^ this.p[16];
  }

  decrypt(b: Uint32Array): void {
    let l = b[0];
    let r = b[1];
    for (let i = 17; i > 1; i -= 2) {
      l ^= this.p[i];
      r ^= this.f(l >>> 0);
      r ^= this.p[i - 1];
      l ^= this.f(r >>> 0);
    }
    b[0] = r ^ this.p[0];
    b[1] = l ^ this.p[1];
  }
}
