import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { bucketNameProblem, checkBucketName, normalizePrefix } from '../../../src/core/s3/bucketName';
import { formatStoreRef, parseStoreRef } from '../../../src/core/s3/storeRef';

test('bucket names AWS accepts', () => {
  for (const n of ['abc', 'my-backups', 'photos.2026', 'a1-b2.c3', 'x'.repeat(63)]) assert.equal(bucketNameProblem(n), undefined, n);
});

test('bucket names AWS refuses, each with the rule it breaks', () => {
  const cases: [string, RegExp][] = [
    ['ab', /3 to 63/], ['x'.repeat(64), /3 to 63/], ['MyBucket', /lowercase/], ['my_bucket', /"_"/],
    ['-abc', /begin and end/], ['abc.', /begin and end/], ['a..b', /two dots/], ['a.-b', /dot next to a hyphen/],
    ['192.168.5.4', /IP address/], ['xn--abc', /reserves/], ['sthree-x', /reserves/], ['backup-s3alias', /reserves/],
    ['amzn-s3-demo-bucket', /reserves/], ['my bucket', /" "/],
  ];
  for (const [n, re] of cases) {
    assert.match(bucketNameProblem(n) ?? '', re, n);
    assert.throws(() => checkBucketName(n), (e) => FreezerError.is(e, 'InvalidBucketName') && e.message.includes(`"${n}"`));
  }
});

test('key prefixes are normalized to end in "/" and refused when odd', () => {
  assert.equal(normalizePrefix(''), '');
  assert.equal(normalizePrefix('backups/laptop'), 'backups/laptop/');
  assert.equal(normalizePrefix('backups/'), 'backups/');
  for (const p of ['/abs', 'a//b', 'a/../b', 'a\\b', 'a\u0001']) assert.throws(() => normalizePrefix(p), (e) => FreezerError.is(e, 'InvalidPrefix'), p);
});

test('store references: vault names and s3://bucket/prefix, round trip', () => {
  assert.deepEqual(parseStoreRef('photos'), { kind: 'vault', name: 'photos' });
  assert.deepEqual(parseStoreRef('s3://my-backups'), { kind: 's3', bucket: 'my-backups', prefix: '' });
  assert.deepEqual(parseStoreRef('s3://my-backups/freezer/laptop/'), { kind: 's3', bucket: 'my-backups', prefix: 'freezer/laptop/' });
  assert.equal(formatStoreRef(parseStoreRef('s3://my-backups/freezer/laptop/')), 's3://my-backups/freezer/laptop');
  assert.equal(formatStoreRef(parseStoreRef('s3://my-backups')), 's3://my-backups');
  assert.throws(() => parseStoreRef('s3://My_Bucket/x'), (e) => FreezerError.is(e, 'InvalidBucketName'));
  assert.throws(() => parseStoreRef('  '), (e) => FreezerError.is(e, 'InvalidStore'));
});
