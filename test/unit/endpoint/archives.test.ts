import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CreateVaultCommand, DeleteArchiveCommand, DescribeVaultCommand, UploadArchiveCommand } from '@aws-sdk/client-glacier';
import { treeHash } from '../../../src/core/hash/treeHash';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { bytes, MIB, rejectsWith, withHeader, withoutHeader } from './helpers';

describe('local endpoint: single-request archives', () => {
  const ep = withLocalEndpoint();
  const vaultName = 'arch';

  it('uploads an archive, returning its id, location and tree hash', async () => {
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName }));
    const body = bytes(2 * MIB + 17, 3);
    const r = await ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, archiveDescription: 'a/b c.tar' }));
    assert.match(r.archiveId!, /^[A-Za-z0-9_-]{138}$/);
    assert.equal(r.location, `/-/vaults/${vaultName}/archives/${r.archiveId}`);
    assert.equal(r.checksum, treeHash(body).toString('hex'));
    const d = await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName }));
    assert.equal(d.NumberOfArchives, 1);
    assert.equal(d.SizeInBytes, body.length);
  });

  it('verifies the tree hash and the payload hash', async () => {
    const body = bytes(5000, 4);
    await rejectsWith(ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, checksum: 'ab'.repeat(32) })),
      'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, checksum: 'not-hex' })),
      'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(withoutHeader(new UploadArchiveCommand({ accountId: '-', vaultName, body }), 'x-amz-sha256-tree-hash')),
      'MissingParameterValueException', 400);
    await rejectsWith(ep.glacier.send(withHeader(new UploadArchiveCommand({ accountId: '-', vaultName, body }), 'x-amz-content-sha256', 'cd'.repeat(32))),
      'InvalidSignatureException', 400);
    const d = await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName }));
    assert.equal(d.NumberOfArchives, 1, 'rejected uploads leave no archive behind');
  });

  it('checks archive descriptions: at most 1024 printable ASCII characters', async () => {
    const body = bytes(10);
    await ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, archiveDescription: '~'.repeat(1024) }));
    await rejectsWith(ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, archiveDescription: 'x'.repeat(1025) })),
      'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body, archiveDescription: 'tab\there' })),
      'InvalidParameterValueException', 400);
  });

  // (An empty archive is refused too, but the SDK itself cannot send an empty body.)
  it('refuses uploads to unknown vaults', async () => {
    await rejectsWith(ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'nope', body: bytes(10) })), 'ResourceNotFoundException', 404);
  });

  it('deletes an archive; a second delete or an unknown id is 404', async () => {
    const r = await ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName, body: bytes(100) }));
    const before = (await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName }))).NumberOfArchives!;
    await ep.glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName, archiveId: r.archiveId }));
    assert.equal((await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName }))).NumberOfArchives, before - 1);
    await rejectsWith(ep.glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName, archiveId: r.archiveId })), 'ResourceNotFoundException', 404);
    await rejectsWith(ep.glacier.send(new DeleteArchiveCommand({ accountId: '-', vaultName, archiveId: 'x'.repeat(138) })), 'ResourceNotFoundException', 404);
  });

  it('refuses requests without a valid SigV4 Authorization or without x-amz-glacier-version', async () => {
    await rejectsWith(ep.glacier.send(withHeader(new DescribeVaultCommand({ accountId: '-', vaultName }), 'authorization', 'Bearer nope')),
      'IncompleteSignatureException', 400);
    await rejectsWith(ep.glacier.send(withoutHeader(new DescribeVaultCommand({ accountId: '-', vaultName }), 'x-amz-glacier-version')),
      'MissingParameterValueException', 400);
  });
});
