/**
 * Blowfish, CAST-128 and DES, which Freezer decrypts itself (OpenSSL 3 keeps them in its legacy
 * provider): published known answers, and every key size against OpenSSL's own output with the
 * legacy provider (a child Node run with --openssl-legacy-provider, so key lengths can vary).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { describe, it } from 'node:test';
import { Blowfish, piFractionWords } from '../../../src/core/crypto/blowfish';
import { Cast128 } from '../../../src/core/crypto/cast128';
import { cbc64 } from '../../../src/core/crypto/cbcMode';
import { keyBits, makeKeyMaterial, type KeyAlgorithm } from '../../../src/core/crypto/keys';
import { createLegacyCbcDecryptStream, legacyCbcDecryptSlice } from '../../../src/core/crypto/legacyCbc';

const hex = (b: Uint32Array) => [...b].map((w) => w.toString(16).padStart(8, '0')).join('');
const block = (h: string) => Uint32Array.from([parseInt(h.slice(0, 8), 16), parseInt(h.slice(8, 16), 16)]);

/** OpenSSL's CBC encryption (no padding) of `plain`, from a Node child with the legacy provider loaded. */
function opensslEncrypt(cipher: string, key: Buffer, iv: Buffer, plain: Buffer): Buffer {
  const script = `const c=require('crypto');const [n,k,i]=process.argv.slice(1);const e=c.createCipheriv(n,Buffer.from(k,'hex'),Buffer.from(i,'hex'));e.setAutoPadding(false);` +
    `const d=require('fs').readFileSync(0);process.stdout.write(Buffer.concat([e.update(d),e.final()]).toString('hex'))`;
  const out = execFileSync(process.execPath, ['--openssl-legacy-provider', '-e', script, cipher, key.toString('hex'), iv.toString('hex')], { input: plain });
  return Buffer.from(out.toString(), 'hex');
}

describe('legacy block ciphers', () => {
  it('Blowfish: π gives the published P-array ends, and the published known answers', () => {
    const pi = piFractionWords(18 + 1024);
    assert.equal(pi[0], 0x243f6a88);
    assert.equal(pi[17], 0x8979fb1b);
    assert.equal(pi[18], 0xd1310ba6, 'S-box 1 starts');
    assert.equal(pi[18 + 1023], 0x3ac372e6, 'S-box 4 ends');
    // Eric Young's test vectors (key, plaintext, ciphertext).
    for (const [k, p, c] of [['0000000000000000', '0000000000000000', '4ef997456198dd78'], ['ffffffffffffffff', 'ffffffffffffffff', '51866fd5b85ecb8a'], ['0123456789abcdef', '1111111111111111', '61f9c3802281b096']]) {
      const b = block(p);
      const bf = new Blowfish(Buffer.from(k, 'hex'));
      bf.encrypt(b);
      assert.equal(hex(b), c, `Blowfish ${k}`);
      bf.decrypt(b);
      assert.equal(hex(b), p);
    }
  });

  it('CAST-128: the known answers of RFC 2144 B.1 for 128-, 80- and 40-bit keys', () => {
    for (const [k, c] of [['0123456712345678234567893456789a', '238b4fe5847e44b2'], ['01234567123456782345', 'eb6a711a2c02271b'], ['0123456712', '7ac816d16e9b302e']]) {
      const b = block('0123456789abcdef');
      const cast = new Cast128(Buffer.from(k, 'hex'));
      cast.encrypt(b);
      assert.equal(hex(b), c, `CAST-128 with ${k.length * 4}-bit key`);
      cast.decrypt(b);
      assert.equal(hex(b), '0123456789abcdef');
    }
  });

  const cases: Array<[KeyAlgorithm, string]> = [
    ['Blowfish-128', 'bf-cbc'], ['Blowfish-192', 'bf-cbc'], ['Blowfish-256', 'bf-cbc'],
    ['CAST-40', 'cast5-cbc'], ['CAST-80', 'cast5-cbc'], ['CAST-128', 'cast5-cbc'], ['DES-64', 'des-cbc'],
  ];
  for (const [alg, cipher] of cases) {
    it(`${alg}: decrypts OpenSSL's ${cipher} output, fed in odd-sized chunks and as a block-aligned slice`, async () => {
      const keyBytes = randomBytes(keyBits(alg) / 8);
      const key = makeKeyMaterial({ algorithm: alg, key: keyBytes });
      const iv = randomBytes(8);
      // The legacy layout: RHL ‖ RHL random bytes ‖ payload, a multiple of 8 bytes.
      const payload = randomBytes(8 * 1000 - 1 - 7);
      const plain = Buffer.concat([Buffer.from([7]), randomBytes(7), payload]);
      const ct = opensslEncrypt(cipher, keyBytes, iv, plain);
      assert.equal(ct.length, plain.length);
      assert.notDeepEqual(ct.subarray(8, 64), plain.subarray(8, 64));

      const chunks: Buffer[] = [];
      const archive = Buffer.concat([iv, ct]);
      for (let o = 0, n = 1; o < archive.length; o += n, n = (n * 7 + 3) % 613 + 1) chunks.push(archive.subarray(o, o + n));
      assert.deepEqual(await buffer(Readable.from(chunks).pipe(createLegacyCbcDecryptStream(key))), payload);

      // A slice from block 100 on decrypts with the block before it as IV (ranged restores).
      assert.deepEqual(legacyCbcDecryptSlice(key, ct.subarray(99 * 8, 100 * 8), ct.subarray(100 * 8, 120 * 8)), plain.subarray(100 * 8, 120 * 8));
      // Our own CBC encryption gives OpenSSL's bytes (Blowfish and CAST only: DES goes through Node).
      if (alg.startsWith('Blowfish')) assert.deepEqual(cbc64(new Blowfish(keyBytes), iv, 'encrypt').update(plain), ct);
      if (alg.startsWith('CAST')) assert.deepEqual(cbc64(new Cast128(keyBytes), iv, 'encrypt').update(plain), ct);
    });
  }

  it('a wrong key gives garbage, and a cut inside a block is reported as truncated', async () => {
    const keyBytes = randomBytes(16);
    const iv = randomBytes(8);
    const plain = Buffer.concat([Buffer.from([0]), Buffer.alloc(8 * 64 - 1, 0x61)]);
    const archive = Buffer.concat([iv, opensslEncrypt('cast5-cbc', keyBytes, iv, plain)]);
    const wrong = await buffer(Readable.from([archive]).pipe(createLegacyCbcDecryptStream(makeKeyMaterial({ algorithm: 'CAST-128', key: randomBytes(16) })))).catch(() => Buffer.alloc(0));
    assert.notDeepEqual(wrong, plain.subarray(1));
    await assert.rejects(
      buffer(Readable.from([archive.subarray(0, archive.length - 3)]).pipe(createLegacyCbcDecryptStream(makeKeyMaterial({ algorithm: 'CAST-128', key: keyBytes })))),
      (e: Error & { code?: string }) => e.code === 'Truncated',
    );
  });
});
