import type { BlockCipher64 } from './blockCipher';

/** The part of Node's Cipher/Decipher the legacy layout uses: CBC, no padding, any chunking. */
export interface CbcStream {
  update(data: Buffer): Buffer;
  /** Throws when the bytes given were not whole blocks. */
  final(): Buffer;
}

/** CBC over a 64-bit block cipher, without padding (the original tool aligned its plaintext itself). */
export function cbc64(cipher: BlockCipher64, iv: Buffer, direction: 'encrypt' | 'decrypt'): CbcStream {
  if (iv.length !== 8) throw new RangeError(`CBC with a 64-bit block needs an 8-byte IV, got ${iv.length}.`);
  let prevL = iv.readUInt32BE(0);
  let prevR = iv.readUInt32BE(4);
  let rest = Buffer.alloc(0);
  const b = new Uint32Array(2);
  return {
    update(data: Buffer): Buffer {
      const buf = rest.length ? Buffer.concat([rest, data]) : data;
      const whole = buf.length - (buf.length % 8);
      const out = Buffer.allocUnsafe(whole);
      for (let o = 0; o < whole; o += 8) {
        const l = buf.readUInt32BE(o);
        const r = buf.readUInt32BE(o + 4);
        if (direction === 'encrypt') {
          b[0] = l ^ prevL;
          b[1] = r ^ prevR;
          cipher.encrypt(b);
          prevL = b[0];
          prevR = b[1];
        } else {
          b[0] = l;
          b[1] = r;
          cipher.decrypt(b);
          b[0] ^= prevL;
          b[1] ^= prevR;
          prevL = l;
          prevR = r;
        }
        out.writeUInt32BE(b[0], o);
        out.writeUInt32BE(b[1], o + 4);
      }
      rest = Buffer.from(buf.subarray(whole));
      return out;
    },
    final(): Buffer {
      if (rest.length) throw new Error('wrong final block length');
      return Buffer.alloc(0);
    },
  };
}
