import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { after, before, describe, it } from 'node:test';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { thawArchive } from '../../../src/core/archive/thaw';
import { createLegacyCbcDecryptStream, createLegacyCbcEncryptStream, legacyRandomHeaderLength } from '../../../src/core/crypto/legacyCbc';
import { generateKey, importKeyJson, makeKeyMaterial, type KeyAlgorithm } from '../../../src/core/crypto/keys';
import { rmrf, snapshot, tempDir } from '../archive/helpers';

const code = (c: string) => (e: Error & { code?: string }) => {
  assert.equal(e.code, c, e.message);
  return true;
};

/** The documented layout built by hand, encrypted by openssl: IV ‖ CBC(RHL ‖ random ‖ payload), no padding. */
function opensslLegacyEncrypt(dir: string, cipher: string, key: Buffer, block: number, payload: Buffer): Buffer {
  let rhl = randomBytes(1)[0];
  const diff = (block - ((1 + rhl + payload.length) % block)) % block;
  while (rhl + diff > 255) rhl -= block;
  rhl += diff;
  const iv = randomBytes(block);
  const plainFile = path.join(dir, 'plain.bin');
  execFileSync('sh', ['-c', `cat > ${plainFile}`], { input: Buffer.concat([Buffer.from([rhl]), randomBytes(rhl), payload]) });
  // Blowfish, CAST5 and DES live in OpenSSL 3's legacy provider.
  const providers = /^(bf|cast5|des)-cbc$/.test(cipher) ? ['-provider', 'legacy', '-provider', 'default'] : [];
  const ct = execFileSync('openssl', ['enc', `-${cipher}`, ...providers, '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-nopad', '-in', plainFile]);
  return Buffer.concat([iv, ct]);
}

describe('legacy CBC layout (known answers from openssl)', () => {
  let work: string;
  let tree: string;
  let targz: Buffer;
  before(async () => {
    work = await tempDir();
    tree = path.join(work, 'home/ann/photos');
    await fsp.mkdir(tree, { recursive: true });
    await fsp.writeFile(path.join(tree, 'a.jpg'), randomBytes(70_000));
    await fsp.writeFile(path.join(tree, 'notes.txt'), 'hello legacy\n'.repeat(500));
    // The original tool stored absolute paths without the leading '/', one member per file, no folders.
    targz = execFileSync('tar', ['-czf', '-', '-C', work, 'home/ann/photos/a.jpg', 'home/ann/photos/notes.txt']);
  });
  after(() => rmrf(work));

  const cases: Array<[KeyAlgorithm, string, number]> = [
    ['AES-256', 'aes-256-cbc', 16], ['AES-192', 'aes-192-cbc', 16], ['AES-128', 'aes-128-cbc', 16], ['DES3-128', 'des-ede-cbc', 8],
    // openssl enc uses these ciphers' default key lengths (other lengths: legacyCiphers.test.ts).
    ['Blowfish-128', 'bf-cbc', 8], ['CAST-128', 'cast5-cbc', 8], ['DES-64', 'des-cbc', 8],
  ];
  for (const [alg, cipher, block] of cases) {
    it(`thaws an openssl-made ${alg} archive via the legacy key export and description`, async () => {
      const keyBytes = randomBytes(Number(alg.split('-')[1]) / 8);
      const legacyExport = JSON.stringify({ algorithm: alg.split('-')[0], keysize: Number(alg.split('-')[1]), blocksize: block, keystring: keyBytes.toString('hex') });
      const key = importKeyJson(legacyExport);
      const archive = opensslLegacyEncrypt(work, cipher, keyBytes, block, targz);
      assert.equal(archive.length % block, 0);
      const file = path.join(work, `${alg}.tar.gz.enc`);
      await fsp.writeFile(file, archive);
      const to = path.join(work, `out-${alg}`);
      const restored = await thawArchive({ input: file, to, keys: [key], description: `photos1.tar.gz:${alg}-3` });
      assert.deepEqual(restored.map((r) => r.path).sort(), ['home/ann/photos/a.jpg', 'home/ann/photos/notes.txt']);
      assert.deepEqual(await snapshot(path.join(to, 'home/ann/photos')), await snapshot(tree));
      // Our stream decryptor gives back exactly the payload.
      const key2 = makeKeyMaterial({ algorithm: alg, key: keyBytes });
      assert.deepEqual(await buffer(Readable.from([archive]).pipe(createLegacyCbcDecryptStream(key2))), targz);
    });
  }

  it('what we write, openssl -nopad decrypts to RHL ‖ random ‖ payload, and GNU tar reads the payload', async () => {
    const key = generateKey('AES-256');
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'ours.frz'), name: 'photos1', compression: 'gzip', encryption: { format: 'legacy-cbc', key } });
    const bytes = await fsp.readFile(res.output);
    const ct = path.join(work, 'ours.ct');
    await fsp.writeFile(ct, bytes.subarray(16));
    const plain = execFileSync('openssl', ['enc', '-d', '-aes-256-cbc', '-K', key.key.toString('hex'), '-iv', bytes.subarray(0, 16).toString('hex'), '-nopad', '-in', ct]);
    const payload = plain.subarray(1 + plain[0]);
    assert.equal(bytes.length, 16 + 1 + plain[0] + payload.length);
    const listing = execFileSync('tar', ['-tzf', '-'], { input: payload }).toString().trim().split('\n');
    assert.deepEqual(listing, ['photos/', 'photos/a.jpg', 'photos/notes.txt']);
  });

  it('random header length aligns and stays within a byte', () => {
    for (let i = 0; i < 2000; i++) {
      const size = i * 37;
      for (const B of [8, 16]) {
        const rhl = legacyRandomHeaderLength(size, B, i % 256);
        assert.ok(rhl >= 0 && rhl <= 255);
        assert.equal((1 + rhl + size) % B, 0);
      }
    }
  });

  it('a wrong key is reported as WrongKey (no MAC: detected from the garbage)', async () => {
    const keyBytes = randomBytes(32);
    const file = path.join(work, 'wrong.enc');
    await fsp.writeFile(file, opensslLegacyEncrypt(work, 'aes-256-cbc', keyBytes, 16, targz));
    await assert.rejects(thawArchive({ input: file, to: path.join(work, 'wrong-out'), keys: [generateKey('AES-256')], description: 'x.tar.gz:AES-256-1' }), code('WrongKey'));
  });

  it('a truncated legacy archive is reported', async () => {
    const key = generateKey('AES-128');
    const data = randomBytes(1000);
    const enc = await buffer(Readable.from([data]).pipe(createLegacyCbcEncryptStream(key, data.length)));
    await assert.rejects(buffer(Readable.from([enc.subarray(0, enc.length - 5)]).pipe(createLegacyCbcDecryptStream(key))), code('Truncated'));
  });

  it('Blowfish, CAST and DES are read-only: writing an archive with them is refused, naming the cipher', () => {
    for (const alg of ['Blowfish-128', 'CAST-128', 'DES-64'] as const) {
      assert.throws(() => createLegacyCbcEncryptStream(generateKey(alg), 64), (e: Error & { code?: string }) => {
        code('UnsupportedCipher')(e);
        assert.ok(e.message.includes(alg), e.message);
        return true;
      });
    }
  });
});
