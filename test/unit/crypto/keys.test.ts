import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { exportKeyJson, exportLegacyKeyJson, generateKey, importKeyJson, keyFingerprint, makeKeyMaterial } from '../../../src/core/crypto/keys';

describe('keys', () => {
  it('generates keys of the right size with a fingerprint id', () => {
    for (const [alg, n] of [['AES-256', 32], ['AES-128', 16], ['AES-192', 24], ['DES3-128', 16], ['CAST-40', 5]] as const) {
      const k = generateKey(alg, 'lbl');
      assert.equal(k.key.length, n);
      assert.equal(k.id, keyFingerprint(k.key));
      assert.match(k.id, /^[0-9a-f]{16}$/);
    }
    assert.notEqual(generateKey().id, generateKey().id);
  });

  it('fingerprint is deterministic and does not contain the key', () => {
    const key = Buffer.alloc(32, 7);
    assert.equal(keyFingerprint(key), keyFingerprint(Buffer.from(key)));
    assert.ok(!key.toString('hex').includes(keyFingerprint(key)));
  });

  it('never prints key bytes', () => {
    const k = generateKey('AES-256', 'secret-test');
    const hex = k.key.toString('hex');
    for (const s of [JSON.stringify(k), inspect(k), String(k), `${k}`, JSON.stringify({ nested: [k] }), inspect({ k }, { depth: 5 })]) {
      assert.ok(!s.includes(hex), s);
    }
    assert.ok(JSON.stringify(k).includes('[redacted]'));
    assert.ok(Object.keys(k).every((p) => p !== 'key'));
  });

  it('round-trips our export', () => {
    const k = generateKey('AES-256', 'home photos');
    const back = importKeyJson(exportKeyJson(k));
    assert.equal(back.id, k.id);
    assert.equal(back.label, 'home photos');
    assert.ok(back.key.equals(k.key));
    const parsed = JSON.parse(exportKeyJson(k));
    assert.equal(parsed.format, 'freezer-key');
    assert.equal(parsed.version, 1);
  });

  it('imports the original tool export, including the "196" label and DES3', () => {
    const hex = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
    const k = importKeyJson(JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: hex }));
    assert.equal(k.algorithm, 'AES-256');
    assert.equal(k.key.toString('hex'), hex);
    assert.equal(importKeyJson('{"algorithm": "AES", "keysize": 196, "blocksize": 16, "keystring": "' + hex.slice(0, 48) + '"}').algorithm, 'AES-192');
    assert.equal(importKeyJson('{"algorithm":"DES3","keysize":128,"blocksize":8,"keystring":"' + hex.slice(0, 32) + '"}').algorithm, 'DES3-128');
    assert.equal(importKeyJson('{"algorithm":"Blowfish","keysize":128,"blocksize":8,"keystring":"' + hex.slice(0, 32) + '"}').algorithm, 'Blowfish-128');
    const legacy = importKeyJson(exportLegacyKeyJson(k));
    assert.ok(legacy.key.equals(k.key));
  });

  it('rejects bad key files with InvalidKey and without quoting the key', () => {
    const hex = 'aa'.repeat(32);
    const bad = [
      'not json',
      '[]',
      JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 8, keystring: hex }),
      JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: hex.slice(2) }),
      JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: 'zz' + hex.slice(2) }),
      JSON.stringify({ format: 'freezer-key', version: 1, id: '0000000000000000', algorithm: 'AES-256', key: hex }),
      JSON.stringify({ format: 'freezer-key', version: 9, algorithm: 'AES-256', key: hex }),
    ];
    for (const t of bad) {
      assert.throws(() => importKeyJson(t), (e: Error & { code?: string }) => e.code === 'InvalidKey' && !e.message.includes(hex.slice(0, 20)), t);
    }
    assert.throws(() => importKeyJson(JSON.stringify({ algorithm: 'RC4', keysize: 128, keystring: 'aa' })), (e: Error & { code?: string }) => e.code === 'UnsupportedCipher');
    assert.throws(() => makeKeyMaterial({ algorithm: 'AES-256', key: Buffer.alloc(16) }), (e: Error & { code?: string }) => e.code === 'InvalidKey');
  });
});
