import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Crc, crcCombine, type CrcName } from '../../src/core/hash/crc';

describe('CRCs of S3 checksums', () => {
  it('match the published check values of "123456789"', () => {
    const check = Buffer.from('123456789');
    assert.equal(new Crc('CRC32').update(check).value, 0xcbf43926n);
    assert.equal(new Crc('CRC32C').update(check).value, 0xe3069283n);
    assert.equal(new Crc('CRC64NVME').update(check).value, 0xae8b14860a799888n);
    assert.equal(new Crc('CRC64NVME').digest().toString('base64'), 'AAAAAAAAAAA=');
  });

  it('give the same value however the data is split, and combine adjacent pieces', () => {
    const data = randomBytes(100_003);
    for (const name of ['CRC32', 'CRC32C', 'CRC64NVME'] as CrcName[]) {
      const whole = new Crc(name).update(data).value;
      const split = new Crc(name);
      for (let i = 0; i < data.length; i += 7919) split.update(data.subarray(i, i + 7919));
      assert.equal(split.value, whole, `${name} streamed`);
      const cut = 41_000;
      const a = new Crc(name).update(data.subarray(0, cut)).value;
      const b = new Crc(name).update(data.subarray(cut)).value;
      assert.equal(crcCombine(name, a, b, data.length - cut), whole, `${name} combined`);
      assert.notEqual(crcCombine(name, b, a, cut), whole, `${name} order matters`);
    }
  });
});
