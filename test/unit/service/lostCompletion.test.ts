/**
 * Defect 4 of issue 13, "duplicate, billed archives": the answer to CompleteMultipartUpload is lost
 * (the endpoint completes the upload, then drops the connection). Glacier names the archive only in
 * that answer, so Freezer settles the upload by the token in the archive's description and never
 * uploads it again; an inventory adopts the archive (with its files) instead of adding a 0-file one,
 * and a duplicate made anyway is deleted and reported.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DescribeVaultCommand } from '@aws-sdk/client-glacier';
import type { ObservedRequest } from '../../../src/core/endpoint';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;

async function archivesAt(h: Harness, vault: string): Promise<number> {
  const clients = createClients(h.options.glacier);
  try {
    return (await clients.glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: vault }))).NumberOfArchives ?? 0;
  } finally {
    clients.glacier.destroy();
    clients.sqs.destroy();
    clients.sns.destroy();
  }
}

/** Parts the endpoint stored more than once (same upload, same range, acknowledged each time). */
function partsStoredTwice(seen: ObservedRequest[]): number {
  const n = new Map<string, number>();
  for (const r of seen) {
    if (r.operation !== 'UploadMultipartPart' || r.status !== 204) continue;
    const k = `${r.url} ${String(r.headers['content-range'])}`;
    n.set(k, (n.get(k) ?? 0) + 1);
  }
  return [...n.values()].filter((c) => c > 1).length;
}

describe('a lost CompleteMultipartUpload answer', () => {
  let h: Harness;
  let seen: ObservedRequest[] = [];
  before(async () => {
    h = await startHarness({ glacier: { chunkSize: MIB } });
    h.ep.endpoint!.onRequest((r) => seen.push(r));
    await h.service.createVault('lost');
  });
  after(async () => { await h?.close(); });

  const freezeWithLostAnswer = async (name: string) => {
    const src = path.join(h.dir, 'src', name);
    await makeTree(src, { 'a.bin': random(3 * MIB + 5), 'b.txt': `file of ${name}` });
    h.ep.endpoint!.setFaults({ rate: 1, kinds: ['apply-then-drop'], operations: ['CompleteMultipartUpload'], times: 1 });
    let first: unknown;
    const a = await h.service.freeze({ vault: 'lost', sources: [src], compression: 'none', keyId: null }).catch((e: unknown) => { first = e; return undefined; });
    h.ep.endpoint!.setFaults(undefined);
    assert.equal(h.ep.endpoint!.faultLog().filter((f) => f.operation === 'CompleteMultipartUpload').length > 0, true, 'the Complete answer was dropped');
    return { a, first, src };
  };

  it('is settled by the archive token: one archive at the endpoint, no part sent twice, the catalogue keeps its files', async () => {
    seen = [];
    const before = await archivesAt(h, 'lost');
    const { a, first } = await freezeWithLostAnswer('one');
    if (first) {
      // Whatever the first run said, it must not claim the upload failed: it may have succeeded.
      assert.doesNotMatch(String((first as Error).message), /not found|failed/i, `first message: ${(first as Error).message}`);
      await h.service.resumeUploads();
    }
    assert.equal(await archivesAt(h, 'lost'), before + 1, 'exactly one archive was created at the endpoint');
    assert.equal(partsStoredTwice(seen), 0, 'no part was sent twice');
    void a;
    const all = (await h.service.listArchives('lost')).items;
    assert.equal(all.filter((x) => x.fileCount === 0).length, 0, 'no 0-file archive was merged in');
    const one = all.find((x) => x.glacierId && x.fileCount === 2);
    assert.ok(one, `the archive is uploaded with its 2 files: ${JSON.stringify(all.map((x) => [x.state, x.fileCount, x.glacierId]))}`);
    assert.equal(one.state, 'liquid');
    assert.ok(h.log.lines.some((l) => /found by its token|found it at Glacier by its token/.test(l)), 'the log says how it was settled');
  });

  it('waits honestly for an inventory that is not ready, then adopts the archive when it is', async () => {
    seen = [];
    // Inventories (Standard) take a moment: the freeze cannot learn the archive id at once.
    await h.close();
    h = await startHarness({ glacier: { chunkSize: MIB }, endpoint: { jobDelays: { Standard: 1500 } } });
    h.ep.endpoint!.onRequest((r) => seen.push(r));
    await h.service.createVault('lost');
    const before = await archivesAt(h, 'lost');
    const { first } = await freezeWithLostAnswer('two');
    assert.ok(first, 'the freeze cannot claim success before the archive is identified');
    assert.match((first as Error).message, /most likely created/);
    assert.match((first as Error).message, /not uploaded again/);
    assert.doesNotMatch((first as Error).message, /Multipart upload not found|upload failed/i);
    const [pending] = (await h.service.listArchives('lost')).items;
    assert.equal(pending.state, 'uploading', 'shown as not yet confirmed');
    assert.equal(pending.fileCount, 2);
    // A resume right away uploads nothing and asks for no second inventory.
    const resumed = await h.service.resumeUploads();
    assert.equal(resumed[0]?.state, 'uploading');
    assert.equal(seen.filter((r) => r.operation === 'InitiateMultipartUpload').length, 1, 'no new upload was started');
    assert.equal(seen.filter((r) => r.operation === 'InitiateJob').length, 1, 'one inventory was asked for');
    await new Promise((r) => setTimeout(r, 1600));
    await h.service.refreshJobs();
    const [done] = (await h.service.listArchives('lost')).items;
    assert.equal(done.state, 'liquid');
    assert.equal(done.fileCount, 2);
    assert.ok(done.glacierId);
    assert.equal(await archivesAt(h, 'lost'), before + 1, 'one archive at the endpoint');
    assert.equal(partsStoredTwice(seen), 0);
  });

  it('deletes a duplicate that was made anyway and says so, instead of adding a 0-file archive', async () => {
    const src = path.join(h.dir, 'src', 'dup');
    await makeTree(src, { 'c.bin': random(2 * MIB), 'd.txt': 'dup' });
    const a = await h.service.freeze({ vault: 'lost', sources: [src], compression: 'none', keyId: null });
    const rec = (await h.service.listArchives('lost')).items.find((x) => x.id === a.id)!;
    const count = await archivesAt(h, 'lost');
    // A second upload of the same bytes and description (what a resume used to do).
    const clients = createClients(h.options.glacier);
    const again = await uploadArchiveFile({ clients, vault: 'lost', file: rec.localFile!, description: rec.description, partSize: MIB });
    clients.glacier.destroy();
    assert.notEqual(again.archiveId, a.glacierId);
    assert.equal(await archivesAt(h, 'lost'), count + 1);
    await h.service.requestInventory('lost');
    await new Promise((r) => setTimeout(r, 1600));
    await h.service.refreshJobs();
    assert.equal(await archivesAt(h, 'lost'), count, 'the duplicate was deleted at the endpoint');
    const all = (await h.service.listArchives('lost')).items;
    assert.equal(all.filter((x) => x.fileCount === 0).length, 0, 'no 0-file archive');
    assert.ok(h.log.lines.some((l) => l.startsWith('warn') && l.includes(again.archiveId) && /duplicate/.test(l)), 'the user is told');
  });
});

