import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { createFzr1DecryptStream, createFzr1EncryptStream, Fzr1Codec, fzr1EncryptedSize, FZR1_HEADER_SIZE, FZR1_TAG_SIZE, parseFzr1Header, unpadFinalChunk } from '../../../src/core/crypto/fzr1';
import { generateKey, type KeyMaterial } from '../../../src/core/crypto/keys';

const CS = 1024;
async function encrypt(key: KeyMaterial, data: Buffer, cs = CS): Promise<Buffer> {
  return buffer(Readable.from([data.subarray(0, 777), data.subarray(777)]).pipe(createFzr1EncryptStream(key, cs)));
}
async function decrypt(keys: KeyMaterial[], data: Buffer): Promise<Buffer> {
  return buffer(Readable.from([data]).pipe(createFzr1DecryptStream((fp) => keys.find((k) => k.id === fp))));
}
const code = (c: string) => (e: Error & { code?: string }) => {
  assert.equal(e.code, c, e.message);
  return true;
};

describe('fzr1 authenticated encryption', () => {
  const key = generateKey();
  for (const n of [0, 1, CS - 1, CS, CS + 1, 5 * CS, 5 * CS + 3]) {
    it(`round-trips ${n} bytes with the documented size`, async () => {
      const data = randomBytes(n);
      const enc = await encrypt(key, data);
      assert.equal(enc.length, fzr1EncryptedSize(n, CS));
      assert.deepEqual(await decrypt([key], enc), data);
    });
  }

  it('decrypts any chunk on its own', async () => {
    const data = randomBytes(4 * CS + 100);
    const enc = await encrypt(key, data);
    const codec = new Fzr1Codec(parseFzr1Header(enc), key);
    const sealed = CS + FZR1_TAG_SIZE;
    for (const i of [2, 0, 3]) {
      const c = enc.subarray(FZR1_HEADER_SIZE + i * sealed, FZR1_HEADER_SIZE + (i + 1) * sealed);
      assert.deepEqual(codec.decryptChunk(i, c, false), data.subarray(i * CS, (i + 1) * CS));
    }
    const last = codec.decryptChunk(4, enc.subarray(FZR1_HEADER_SIZE + 4 * sealed), true);
    assert.deepEqual(unpadFinalChunk(last, CS), data.subarray(4 * CS));
    assert.throws(() => codec.decryptChunk(4, enc.subarray(FZR1_HEADER_SIZE + 4 * sealed), false), code('Tampered'));
  });

  it('two encryptions of the same data differ (random salt and nonce prefix)', async () => {
    const d = randomBytes(100);
    assert.notDeepEqual(await encrypt(key, d), await encrypt(key, d));
  });

  it('wrong key → WrongKey', async () => {
    const enc = await encrypt(key, randomBytes(3000));
    const other = generateKey();
    await assert.rejects(decrypt([other], enc), code('WrongKey'));
    assert.throws(() => new Fzr1Codec(parseFzr1Header(enc), other), code('WrongKey'));
  });

  it('a flipped bit anywhere → Tampered', async () => {
    const enc = await encrypt(key, randomBytes(3 * CS + 10));
    for (const pos of [FZR1_HEADER_SIZE + 5, FZR1_HEADER_SIZE + CS + 20, enc.length - 3, 25 /* salt */, 40 /* nonce prefix */]) {
      const bad = Buffer.from(enc);
      bad[pos] ^= 1;
      await assert.rejects(decrypt([key], bad), code('Tampered'), `pos ${pos}`);
    }
  });

  it('a flipped bit in the final chunk is Tampered, not Truncated', async () => {
    const enc = await encrypt(key, randomBytes(CS + 10));
    const bad = Buffer.from(enc);
    bad[enc.length - 30] ^= 0x80;
    await assert.rejects(decrypt([key], bad), code('Tampered'));
  });

  it('a damaged header → Tampered / UnsupportedFormat, not garbage', async () => {
    const enc = await encrypt(key, randomBytes(3000));
    const bad = Buffer.from(enc);
    bad.writeUInt32BE(2048, 8); // chunk size
    await assert.rejects(decrypt([key], bad), code('Tampered'));
    const v = Buffer.from(enc);
    v[4] = 9;
    await assert.rejects(decrypt([key], v), code('UnsupportedFormat'));
  });

  it('reordered chunks → Tampered', async () => {
    const enc = await encrypt(key, randomBytes(4 * CS + 10));
    const s = CS + FZR1_TAG_SIZE;
    const c1 = enc.subarray(FZR1_HEADER_SIZE + s, FZR1_HEADER_SIZE + 2 * s);
    const c2 = enc.subarray(FZR1_HEADER_SIZE + 2 * s, FZR1_HEADER_SIZE + 3 * s);
    const swapped = Buffer.concat([enc.subarray(0, FZR1_HEADER_SIZE + s), c2, c1, enc.subarray(FZR1_HEADER_SIZE + 3 * s)]);
    await assert.rejects(decrypt([key], swapped), code('Tampered'));
  });

  it('truncation at a chunk boundary, inside a chunk, or inside the header → Truncated', async () => {
    const enc = await encrypt(key, randomBytes(4 * CS + 10));
    const s = CS + FZR1_TAG_SIZE;
    for (const len of [FZR1_HEADER_SIZE + 2 * s, FZR1_HEADER_SIZE + 2 * s + 100, FZR1_HEADER_SIZE + 3 * s + CS + 4 + 16, FZR1_HEADER_SIZE, 20, enc.length - 1]) {
      await assert.rejects(decrypt([key], enc.subarray(0, len)), code('Truncated'), `len ${len}`);
    }
  });

  it('data appended after the final chunk → Tampered', async () => {
    const enc = await encrypt(key, randomBytes(2 * CS + 10));
    await assert.rejects(decrypt([key], Buffer.concat([enc, randomBytes(CS + 40)])), code('Tampered'));
  });

  it('refuses non-AES-256 keys', () => {
    assert.throws(() => createFzr1EncryptStream(generateKey('AES-128')), code('UnsupportedCipher'));
  });
});
