import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDescription, formatLegacyDescription, MAX_DESCRIPTION_LENGTH, parseDescription } from '../../../src/core/archive/description';

describe('archive descriptions', () => {
  it('round-trips ours with name, compression, encryption, key and time', () => {
    const text = formatDescription({ name: 'Photos 2024; a=b %x ünï/日本', compression: 'gzip', encryption: 'fzr1', algorithm: 'AES-256', keyId: '0123456789abcdef', created: '2026-11-26T10:00:00Z' });
    assert.match(text, /^[\x20-\x7e]+$/);
    assert.ok(text.startsWith('freezer/1;'));
    const d = parseDescription(text);
    assert.deepEqual(d, { name: 'Photos 2024; a=b %x ünï/日本', compression: 'gzip', encryption: 'fzr1', algorithm: 'AES-256', keyId: '0123456789abcdef', created: '2026-11-26T10:00:00Z', legacy: false });
  });

  it('stays within 1024 printable ASCII, shortening long names on character boundaries', () => {
    const text = formatDescription({ name: 'é'.repeat(2000), compression: 'bzip2', encryption: 'none' });
    assert.ok(text.length <= MAX_DESCRIPTION_LENGTH);
    const d = parseDescription(text);
    assert.ok(d.name.length > 100 && /^é+$/.test(d.name));
    assert.equal(d.compression, 'bzip2');
  });

  it('parses the original tool form, splitting on the last colon', () => {
    assert.deepEqual(parseDescription('photos1.tar.bz2:AES-256-3'), { name: 'photos1', compression: 'bzip2', encryption: 'legacy-cbc', algorithm: 'AES-256', legacyKeyId: 3, legacy: true });
    assert.deepEqual(parseDescription('a:b.tar.gz:DES3-128-12'), { name: 'a:b', compression: 'gzip', encryption: 'legacy-cbc', algorithm: 'DES3-128', legacyKeyId: 12, legacy: true });
    assert.equal(parseDescription('x.tar.gz:AES-196-1').algorithm, 'AES-192');
    assert.equal(parseDescription('x.tar:CAST-40-2').algorithm, 'CAST-40');
    assert.deepEqual(parseDescription('plain.tar'), { name: 'plain', compression: 'none', encryption: 'none', legacy: true });
    assert.deepEqual(parseDescription('notes:draft.tar.gz'), { name: 'notes:draft', compression: 'gzip', encryption: 'none', legacy: true });
  });

  it('writes the legacy form for legacy archives', () => {
    assert.equal(formatLegacyDescription({ name: 'photos1', compression: 'bzip2', encryption: 'legacy-cbc', algorithm: 'AES-256', legacyKeyId: 3 }), 'photos1.tar.bz2:AES-256-3');
    assert.equal(formatDescription({ name: 'p', compression: 'gzip', encryption: 'none', legacy: true }), 'p.tar.gz');
  });

  it('rejects descriptions of ours that are damaged', () => {
    assert.throws(() => parseDescription('freezer/1;name=x;c=lzma;e=fzr1'), (e: Error & { code?: string }) => e.code === 'InvalidDescription');
    assert.throws(() => parseDescription('freezer/1;name=%E0%A4;c=gzip;e=none'), (e: Error & { code?: string }) => e.code === 'InvalidDescription');
  });
});
