import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-glacier';
import { CancellationError, FreezerError } from '../../../src/core/errors';
import { MIB, treeHash } from '../../../src/core/hash/treeHash';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { JsonFileUploadSessionStore } from '../../../src/core/glacier/uploadSession';
import { createVault, deleteVault, describeVault, listVaultPages, listVaults } from '../../../src/core/glacier/vaults';
import { TestEnv, retrieve, startEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv(); });
after(() => env.close());

/** Counts UploadMultipartPart requests in flight at once, at the SDK's HTTP layer. */
function trackParallelParts(): { max: () => number; total: () => number; remove: () => void } {
  let inFlight = 0;
  let max = 0;
  let total = 0;
  const name = `countParts${Math.random()}`;
  env.clients.glacier.middlewareStack.add((next, context) => async (args) => {
    if (context.commandName !== 'UploadMultipartPartCommand') return next(args);
    inFlight++;
    total++;
    max = Math.max(max, inFlight);
    try {
      return await next(args);
    } finally {
      inFlight--;
    }
  }, { step: 'finalizeRequest', name });
  return { max: () => max, total: () => total, remove: () => { env.clients.glacier.middlewareStack.remove(name); } };
}

test('a multipart upload sends parts in parallel and the bytes come back identical', async () => {
  const size = 6 * MIB + 12345;
  const file = await env.makeFile('multi.bin', size);
  const store = new JsonFileUploadSessionStore(path.join(env.dir, 'sessions.json'));
  const parts = trackParallelParts();
  const progress: number[] = [];
  const r = await uploadArchiveFile({
    clients: env.clients, vault: env.vault, file, description: 'multi.bin', partSize: MIB, concurrency: 4,
    sessionStore: store, sessionKey: 'multi', onProgress: (p) => progress.push(p.bytesDone),
  });
  parts.remove();
  const data = await fs.readFile(file);
  assert.equal(r.treeHash, treeHash(data).toString('hex'));
  assert.equal(r.partsTotal, 7);
  assert.equal(r.partsSent, 7);
  assert.equal(parts.total(), 7);
  assert.ok(parts.max() > 1 && parts.max() <= 4, `max parallel parts ${parts.max()}`);
  assert.equal(progress.at(-1), size);
  assert.equal(await store.get('multi'), undefined, 'session removed once complete');
  const back = await retrieve(env, r.archiveId, size, r.treeHash, path.join(env.dir, 'multi.out'));
  assert.ok(data.equals(await fs.readFile(back)));
});

test('an archive of one part or less goes up in a single request', async () => {
  const file = await env.makeFile('small.bin', 300_000);
  const parts = trackParallelParts();
  const r = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'small.bin:AES-256-1', partSize: MIB });
  parts.remove();
  assert.equal(parts.total(), 0);
  assert.equal(r.partsTotal, 1);
  assert.ok(r.location.endsWith(`/archives/${r.archiveId}`));
  const data = await fs.readFile(file);
  const back = await retrieve(env, r.archiveId, data.length, r.treeHash, path.join(env.dir, 'small.out'));
  assert.ok(data.equals(await fs.readFile(back)));
});

test('descriptions Glacier would refuse are rejected before any request', async () => {
  const file = await env.makeFile('desc.bin', 10);
  for (const description of ['x'.repeat(1025), 'tab\there', 'caf\u00e9']) {
    await assert.rejects(uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description }), (e) => FreezerError.is(e, 'InvalidDescription'));
  }
});

test('cancelling aborts the multipart upload at AWS and forgets the session', async () => {
  const file = await env.makeFile('cancel.bin', 8 * MIB);
  const store = new JsonFileUploadSessionStore(path.join(env.dir, 'sessions.json'));
  const ac = new AbortController();
  await assert.rejects(
    uploadArchiveFile({
      clients: env.clients, vault: env.vault, file, description: 'cancel', partSize: MIB, concurrency: 2,
      sessionStore: store, sessionKey: 'cancel', signal: ac.signal,
      onProgress: (p) => { if (p.partsDone >= 2) ac.abort(); },
    }),
    (e) => CancellationError.is(e),
  );
  const uploads = await env.clients.glacier.send(new ListMultipartUploadsCommand({ accountId: '-', vaultName: env.vault }));
  assert.deepEqual(uploads.UploadsList ?? [], []);
  assert.equal(await store.get('cancel'), undefined);
});

test('a part the server keeps refusing fails clearly and keeps the session for resume', async () => {
  const file = await env.makeFile('failing.bin', 3 * MIB);
  const store = new JsonFileUploadSessionStore(path.join(env.dir, 'sessions.json'));
  // From the third part on, every request meets a 500: the SDK's retries and ours run out.
  try {
    await assert.rejects(
      uploadArchiveFile({
        clients: env.clients, vault: env.vault, file, description: 'failing', partSize: MIB, concurrency: 1, sessionStore: store, sessionKey: 'failing', partAttempts: 2,
        onProgress: (p) => { if (p.partsDone === 2) env.endpoint.setFaults({ rate: 1, kinds: ['500'] }); },
      }),
      (e) => FreezerError.is(e, 'UploadPartFailed') && /Part 3 of 3/.test(e.message) && /failed 2 times/.test(e.message) && /resume/.test(e.message),
    );
  } finally {
    env.endpoint.setFaults(undefined);
  }
  const s = await store.get('failing');
  assert.ok(s, 'session kept');
  assert.deepEqual(Object.keys(s.parts).sort(), ['0', '1']);
  const listed = await env.clients.glacier.send(new ListPartsCommand({ accountId: '-', vaultName: env.vault, uploadId: s.uploadId }));
  assert.equal(listed.Parts?.length, 2);
  // Resuming without the fault sends only the missing part.
  const r = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: 'failing', partSize: MIB, sessionStore: store, sessionKey: 'failing' });
  assert.equal(r.partsSent, 1);
  assert.equal(r.resumed, true);
  assert.equal(r.treeHash, treeHash(await fs.readFile(file)).toString('hex'));
});

test('vaults: create (name checked first), list with paging, describe, delete only when empty', async () => {
  await assert.rejects(createVault(env.clients, 'bad name'), (e) => FreezerError.is(e, 'InvalidVaultName'));
  const names = ['pg-a', 'pg-b', 'pg-c'];
  for (const n of names) await createVault(env.clients, n);
  const pages: number[] = [];
  for await (const page of listVaultPages(env.clients, { pageSize: 2 })) pages.push(page.length);
  assert.ok(pages.length >= 2 && pages.every((n) => n <= 2), `pages ${pages}`);
  const all = (await listVaults(env.clients)).map((v) => v.name);
  for (const n of [...names, env.vault]) assert.ok(all.includes(n), n);
  const d = await describeVault(env.clients, 'pg-a');
  assert.equal(d.numberOfArchives, 0);
  assert.ok(d.arn.endsWith(':vaults/pg-a'));
  await deleteVault(env.clients, 'pg-a');
  await assert.rejects(describeVault(env.clients, 'pg-a'), (e) => FreezerError.is(e, 'VaultNotFound'));
  const file = await env.makeFile('keep.bin', 1000);
  await uploadArchiveFile({ clients: env.clients, vault: 'pg-b', file, description: 'keep' });
  await assert.rejects(deleteVault(env.clients, 'pg-b'), (e) => FreezerError.is(e, 'VaultNotEmpty') || (console.error(e), false));
});
