import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runAws, type AwsResult } from '../../support/awsCli';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { MIB, bytes, sha256 } from './helpers';

describe('local endpoint S3 with the real AWS CLI (its default checksums, multipart uploads and ranged downloads)', () => {
  const ep = withLocalEndpoint();
  let dir = '';
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-cli-')); });
  after(() => { fs.rmSync(dir, { recursive: true, force: true }); });
  const aws = (...args: string[]): Promise<AwsResult> => runAws(ep.url, args, { cwd: dir });
  const ok = async (...args: string[]): Promise<string> => {
    const r = await aws(...args);
    assert.equal(r.code, 0, `aws ${args.join(' ')} failed:\n${r.stderr}`);
    return r.stdout;
  };

  it('mb, cp up (single and multipart, to DEEP_ARCHIVE), ls, head-object, restore-object, cp down, rm, rb', async () => {
    const small = bytes(300_000, 1);
    const big = bytes(20 * MIB + 12345, 2);
    fs.writeFileSync(path.join(dir, 'small.bin'), small);
    fs.writeFileSync(path.join(dir, 'big.bin'), big);
    await ok('s3', 'mb', 's3://cli-bucket');
    await ok('s3', 'cp', 'small.bin', 's3://cli-bucket/frozen/small.bin', '--storage-class', 'DEEP_ARCHIVE');
    await ok('s3', 'cp', 'big.bin', 's3://cli-bucket/frozen/big.bin', '--storage-class', 'GLACIER');
    const ls = await ok('s3', 'ls', 's3://cli-bucket/frozen/');
    assert.match(ls, /300000 small\.bin/);
    assert.match(ls, new RegExp(`${big.length} big\\.bin`));
    const head = JSON.parse(await ok('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'frozen/big.bin', '--checksum-mode', 'ENABLED'));
    assert.equal(head.StorageClass, 'GLACIER');
    assert.equal(head.ContentLength, big.length);
    assert.match(head.ETag, /-\d+"$/, 'a multipart object');
    // The CLI refuses to download an archived object itself; the API answers InvalidObjectState.
    const getCold = await aws('s3api', 'get-object', '--bucket', 'cli-bucket', '--key', 'frozen/small.bin', 'cold.out');
    assert.notEqual(getCold.code, 0);
    assert.match(getCold.stderr, /InvalidObjectState/);
    for (const key of ['frozen/small.bin', 'frozen/big.bin']) {
      await ok('s3api', 'restore-object', '--bucket', 'cli-bucket', '--key', key, '--restore-request', '{"Days":1,"GlacierJobParameters":{"Tier":"Bulk"}}');
    }
    const restored = JSON.parse(await ok('s3api', 'head-object', '--bucket', 'cli-bucket', '--key', 'frozen/small.bin'));
    assert.match(restored.Restore, /ongoing-request="false"/);
    const listed = JSON.parse(await ok('s3api', 'list-objects-v2', '--bucket', 'cli-bucket', '--optional-object-attributes', 'RestoreStatus'));
    assert.deepEqual(listed.Contents.map((c: { Key: string; RestoreStatus?: { IsRestoreInProgress: boolean } }) => [c.Key, c.RestoreStatus?.IsRestoreInProgress]),
      [['frozen/big.bin', false], ['frozen/small.bin', false]]);
    await ok('s3', 'cp', 's3://cli-bucket/frozen/small.bin', 'small.out', '--force-glacier-transfer');
    await ok('s3', 'cp', 's3://cli-bucket/frozen/big.bin', 'big.out', '--force-glacier-transfer');
    assert.equal(sha256(fs.readFileSync(path.join(dir, 'small.out'))), sha256(small));
    assert.equal(sha256(fs.readFileSync(path.join(dir, 'big.out'))), sha256(big));
    await ok('s3', 'rm', 's3://cli-bucket', '--recursive');
    await ok('s3', 'rb', 's3://cli-bucket');
    const gone = await aws('s3api', 'head-bucket', '--bucket', 'cli-bucket');
    assert.notEqual(gone.code, 0);
  });
});
