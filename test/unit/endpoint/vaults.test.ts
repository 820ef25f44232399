import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CreateVaultCommand, DeleteVaultCommand, DeleteVaultNotificationsCommand, DescribeVaultCommand, GetVaultNotificationsCommand,
  ListVaultsCommand, SetVaultNotificationsCommand, UploadArchiveCommand,
} from '@aws-sdk/client-glacier';
import { CreateTopicCommand } from '@aws-sdk/client-sns';
import { withLocalEndpoint } from '../../support/localEndpoint';
import { bytes, rejectsWith } from './helpers';

describe('local endpoint: vaults', () => {
  const ep = withLocalEndpoint();

  it('creates (idempotently), describes and deletes a vault', async () => {
    const created = await ep.glacier.send(new CreateVaultCommand({ vaultName: 'photos.2024_a-b', accountId: '-' }));
    assert.equal(created.location, '/-/vaults/photos.2024_a-b');
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'photos.2024_a-b' }));
    const d = await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: 'photos.2024_a-b' }));
    assert.equal(d.VaultName, 'photos.2024_a-b');
    assert.equal(d.VaultARN, 'arn:aws:glacier:us-east-1:123456789012:vaults/photos.2024_a-b');
    assert.equal(d.NumberOfArchives, 0);
    assert.equal(d.SizeInBytes, 0);
    assert.ok(!Number.isNaN(Date.parse(d.CreationDate!)));
    await ep.glacier.send(new DeleteVaultCommand({ accountId: '-', vaultName: 'photos.2024_a-b' }));
    await rejectsWith(ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: 'photos.2024_a-b' })), 'ResourceNotFoundException', 404);
  });

  it('accepts the account id itself as well as "-", and refuses another account', async () => {
    await ep.glacier.send(new CreateVaultCommand({ vaultName: 'acct', accountId: '123456789012' }));
    await ep.glacier.send(new DescribeVaultCommand({ vaultName: 'acct', accountId: '-' }));
    await rejectsWith(ep.glacier.send(new DescribeVaultCommand({ vaultName: 'acct', accountId: '999999999999' })), 'AccessDeniedException', 403);
  });

  it('lists vaults in name order with limit/marker paging', async () => {
    const names = ['page-c', 'page-a', 'page-e', 'page-b', 'page-d'];
    for (const n of names) await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: n }));
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const r = await ep.glacier.send(new ListVaultsCommand({ accountId: '-', limit: 2, marker }));
      assert.ok(r.VaultList!.length <= 2);
      seen.push(...r.VaultList!.map((v) => v.VaultName!));
      marker = r.Marker ?? undefined;
      pages++;
    } while (marker);
    const ours = seen.filter((n) => n.startsWith('page-'));
    assert.deepEqual(ours, [...names].sort());
    assert.ok(pages >= 3);
    await rejectsWith(ep.glacier.send(new ListVaultsCommand({ accountId: '-', limit: 11 })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new ListVaultsCommand({ accountId: '-', limit: 0 })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new ListVaultsCommand({ accountId: '-', marker: 'not-a-marker' })), 'InvalidParameterValueException', 400);
  });

  it('rejects invalid vault names', async () => {
    for (const bad of ['has space', 'slash%2F', 'x'.repeat(256), 'ümlaut', 'star*']) {
      await rejectsWith(ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: bad })), 'InvalidParameterValueException', 400);
    }
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'x'.repeat(255) }));
  });

  it('refuses to delete a vault that still holds archives; unknown vaults are 404', async () => {
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'full' }));
    const body = bytes(1000);
    await ep.glacier.send(new UploadArchiveCommand({ accountId: '-', vaultName: 'full', body }));
    const d = await ep.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: 'full' }));
    assert.equal(d.NumberOfArchives, 1);
    assert.equal(d.SizeInBytes, 1000);
    await rejectsWith(ep.glacier.send(new DeleteVaultCommand({ accountId: '-', vaultName: 'full' })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new DeleteVaultCommand({ accountId: '-', vaultName: 'missing' })), 'ResourceNotFoundException', 404);
  });

  it('sets, gets and deletes vault notifications, validating topic and events', async () => {
    await ep.glacier.send(new CreateVaultCommand({ accountId: '-', vaultName: 'notify' }));
    const { TopicArn } = await ep.sns.send(new CreateTopicCommand({ Name: 'vault-topic' }));
    await rejectsWith(ep.glacier.send(new GetVaultNotificationsCommand({ accountId: '-', vaultName: 'notify' })), 'ResourceNotFoundException', 404);
    await ep.glacier.send(new SetVaultNotificationsCommand({
      accountId: '-', vaultName: 'notify', vaultNotificationConfig: { SNSTopic: TopicArn, Events: ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'] },
    }));
    const got = await ep.glacier.send(new GetVaultNotificationsCommand({ accountId: '-', vaultName: 'notify' }));
    assert.deepEqual(got.vaultNotificationConfig, { SNSTopic: TopicArn, Events: ['ArchiveRetrievalCompleted', 'InventoryRetrievalCompleted'] });
    await rejectsWith(ep.glacier.send(new SetVaultNotificationsCommand({
      accountId: '-', vaultName: 'notify', vaultNotificationConfig: { SNSTopic: TopicArn, Events: ['ArchiveDeleted'] },
    })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new SetVaultNotificationsCommand({
      accountId: '-', vaultName: 'notify', vaultNotificationConfig: { SNSTopic: 'arn:aws:sns:us-east-1:123456789012:nope', Events: ['ArchiveRetrievalCompleted'] },
    })), 'InvalidParameterValueException', 400);
    await rejectsWith(ep.glacier.send(new SetVaultNotificationsCommand({
      accountId: '-', vaultName: 'notify', vaultNotificationConfig: { Events: ['ArchiveRetrievalCompleted'] },
    })), 'MissingParameterValueException', 400);
    await ep.glacier.send(new DeleteVaultNotificationsCommand({ accountId: '-', vaultName: 'notify' }));
    await rejectsWith(ep.glacier.send(new GetVaultNotificationsCommand({ accountId: '-', vaultName: 'notify' })), 'ResourceNotFoundException', 404);
  });
});
