/**
 * The `freezer` binary thaws the original tool's Blowfish, CAST5 and DES archives, made here by the
 * system openssl with its legacy provider, from their legacy key exports.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { prepareCli, runCli, tempDir } from './cliHarness';

const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('freezer thaw of legacy Blowfish, CAST5 and DES archives', () => {
  before(async () => { await prepareCli(); });

  for (const [family, bits, cipher] of [['Blowfish', 128, 'bf-cbc'], ['CAST', 128, 'cast5-cbc'], ['DES', 64, 'des-cbc']] as const) {
    it(`${family}-${bits} (openssl ${cipher} -provider legacy)`, async () => {
      const d = tempDir();
      fs.mkdirSync(path.join(d, 'home/ann/docs'), { recursive: true });
      fs.writeFileSync(path.join(d, 'home/ann/docs/letter.txt'), 'Dear Glacier,\n'.repeat(300));
      fs.writeFileSync(path.join(d, 'home/ann/docs/photo.jpg'), randomBytes(50_000));
      execFileSync('tar', ['-czf', path.join(d, 'docs.tar.gz'), '-C', d, 'home/ann/docs/letter.txt', 'home/ann/docs/photo.jpg']);
      const payload = fs.readFileSync(path.join(d, 'docs.tar.gz'));
      let rhl = 21;
      while ((1 + rhl + payload.length) % 8 !== 0) rhl++;
      fs.writeFileSync(path.join(d, 'plain'), Buffer.concat([Buffer.from([rhl]), randomBytes(rhl), payload]));
      const key = randomBytes(bits / 8);
      const iv = randomBytes(8);
      execFileSync('openssl', ['enc', `-${cipher}`, '-provider', 'legacy', '-provider', 'default', '-nopad', '-K', key.toString('hex'), '-iv', iv.toString('hex'), '-in', path.join(d, 'plain'), '-out', path.join(d, 'cipher')]);
      fs.writeFileSync(path.join(d, 'docs.tar.gz.enc'), Buffer.concat([iv, fs.readFileSync(path.join(d, 'cipher'))]));
      fs.writeFileSync(path.join(d, 'legacy-key.json'), JSON.stringify({ algorithm: family, keysize: bits, blocksize: 8, keystring: key.toString('hex') }), { mode: 0o600 });

      const r = await runCli(['thaw', 'docs.tar.gz.enc', '--key', 'legacy-key.json', '--description', `docs.tar.gz:${family}-${bits}-3`, '--to', 'restored'], { cwd: d });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /Thawed 2 files,/);
      assert.equal(sha(path.join(d, 'restored/home/ann/docs/photo.jpg')), sha(path.join(d, 'home/ann/docs/photo.jpg')));
      assert.equal(fs.readFileSync(path.join(d, 'restored/home/ann/docs/letter.txt'), 'utf8'), 'Dear Glacier,\n'.repeat(300));
    });
  }
});
