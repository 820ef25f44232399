import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disconnectDetail } from '../../../src/core/s3/disconnectText';

test('Disconnect says what getting the archive back takes, by store kind and storage class', () => {
  assert.match(disconnectDetail({ vault: 'photos' }), /stays in Glacier.*retrieval job/);
  const deep = disconnectDetail({ vault: 's3://b/p', storageClass: 'DEEP_ARCHIVE' });
  assert.match(deep, /stays in s3:\/\/b\/p in DEEP_ARCHIVE \(Glacier Deep Archive\)/);
  assert.match(deep, /S3 restore \(Standard within 12 h, Bulk within 48 h\)/);
  assert.doesNotMatch(deep, /Expedited|Glacier\. /);
  assert.match(disconnectDetail({ vault: 's3://b', storageClass: 'GLACIER' }), /Expedited 1–5 min, Standard 3–5 h, Bulk 5–12 h/);
  const ir = disconnectDetail({ vault: 's3://b', storageClass: 'GLACIER_IR' });
  assert.match(ir, /needs no restore/);
  assert.doesNotMatch(ir, /S3 restore|retrieval job/);
});
