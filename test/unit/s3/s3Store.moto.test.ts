/** The S3 store's own cases on moto_server (the contract suite covers what every store shares). */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DeleteObjectCommand, GetObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { generateKey } from '../../../src/core/crypto/keys';
import { FreezerError } from '../../../src/core/errors';
import { createS3Clients, type S3Clients } from '../../../src/core/s3/clients';
import { dataPrefix, manifestKey, MIB } from '../../../src/core/s3/layout';
import { encodeManifest } from '../../../src/core/s3/manifest';
import { S3Store } from '../../../src/core/s3/s3Store';
import type { ArchiveManifest } from '../../../src/core/storage/coldStore';
import { MemorySessionStore } from '../../../src/core/storage/sessionStore';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer, type MotoServer } from '../../support/motoServer';
import { openS3Case, type S3Case } from './support/s3Case';

const BUCKET = 'freezer-s3-cases';
let moto: MotoServer;
let c: S3Case;
let dir: string;
let clients: S3Clients;
let store: S3Store;
const cfg = () => ({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });

before(async () => {
  moto = await startMotoServer();
  c = await openS3Case(BUCKET, cfg());
  ({ dir, clients, store } = c);
});
after(async () => {
  await c?.close();
  await moto?.close();
});

const makeFile = (name: string, size: number) => c.makeFile(name, size);
const keysUnder = async (prefix: string) => ((await clients.s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key as string);
const bodyOf = async (key: string) => Buffer.from(await (await clients.s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray());

test('a bucket name AWS would refuse is refused before any request', () => {
  assert.throws(() => new S3Store({ clients, bucket: 'My_Bucket' }), (e: unknown) => FreezerError.is(e, 'InvalidBucketName') && /capital letters/.test(e.message));
});

test('an encrypted archive\'s manifest is sealed: members come back only with the key, and a changed or swapped manifest is refused', async () => {
  const key = generateKey('AES-256');
  const { file } = await makeFile('enc.bin', 2 * MIB);
  const description = `freezer/1;name=secret-photos;c=gzip;e=fzr1;alg=AES-256;key=${key.id}`;
  const members = [{ path: '/home/ann/photos/private-name.jpg', size: 10, sha256: 'ab'.repeat(32), mtimeMs: 1, tarOffset: 0 }];
  const out = await store.putArchive({ file, description, sessionKey: 'enc', key, members, storageClass: 'GLACIER' });
  const mKey = manifestKey('', out.ref.id);
  const raw = await bodyOf(mKey);
  assert.equal(raw.subarray(0, 4).toString('latin1'), 'FZR1');
  assert.ok(!raw.includes(Buffer.from('private-name')), 'member names are not readable in the bucket');

  const m = await store.readManifest({ id: out.ref.id, size: out.ref.size }, [key]);
  assert.deepEqual(m.members, members);
  assert.equal(m.archive.sha256, out.checksum.value);
  assert.deepEqual(m.segments, out.ref.segments);
  await assert.rejects(store.readManifest({ id: out.ref.id, size: out.ref.size }), (e: unknown) => FreezerError.is(e, 'WrongKey'));
  await assert.rejects(store.readManifest({ id: out.ref.id, size: out.ref.size }, [generateKey('AES-256')]), (e: unknown) => FreezerError.is(e, 'WrongKey'));

  const flipped = Buffer.from(raw);
  flipped[flipped.length - 30] ^= 1;
  await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: mKey, Body: flipped }));
  await assert.rejects(store.readManifest({ id: out.ref.id, size: out.ref.size }, [key]), (e: unknown) => FreezerError.is(e, 'ManifestTampered') && /fails authentication/.test(e.message));
  // A plain manifest put in place of the sealed one, listing other members: refused too.
  const forged: ArchiveManifest = { ...m, members: [{ ...members[0], path: '/etc/evil' }] };
  await clients.s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: mKey, Body: encodeManifest(forged) }));
  await assert.rejects(store.readManifest({ id: out.ref.id, size: out.ref.size }, [key]), (e: unknown) => FreezerError.is(e, 'ManifestTampered'));
  // Nothing was lost: the data segments are still there.
  assert.equal((await keysUnder(dataPrefix('', out.ref.id))).length, out.ref.segments!.length);
});

test('without the catalogue\'s layout, a restore is planned from the manifest (with the store\'s keys)', async () => {
  const key = generateKey('AES-256');
  const keyed = new S3Store({ clients: createS3Clients(cfg()), bucket: BUCKET, segmentSize: 12 * MIB, partSize: 5 * MIB, keys: [key] });
  try {
    const { file } = await makeFile('layout.bin', 20 * MIB);
    const out = await keyed.putArchive({ file, description: `freezer/1;name=l;c=gzip;e=fzr1;key=${key.id}`, sessionKey: 'l', key });
    const plan = await keyed.planRestore({ id: out.ref.id, size: out.ref.size }, { start: 15 * MIB, end: 15 * MIB + 5 });
    assert.deepEqual(plan.units.map((u) => u.id), [out.ref.segments![1].key]);
    assert.deepEqual(plan.tiers, ['Standard', 'Bulk'], 'no Expedited for DEEP_ARCHIVE');
    assert.equal(plan.bytesRestored, out.ref.segments![1].size);
    assert.equal(plan.bytesToDownload, MIB, 'one verified 1 MiB block');
  } finally {
    keyed.close();
  }
});

test('a restore in progress says so; reading before it completes is a clear error; then the bytes come', async () => {
  const { file, data } = await makeFile('slow.bin', 6 * MIB);
  const out = await store.putArchive({ file, description: 'freezer/1;name=slow;c=none;e=none', sessionKey: 'slow' });
  await moto.setRestoreProgression(3);
  try {
    const plan = await store.planRestore(out.ref);
    const t = await store.requestRestore(plan, { tier: 'Bulk', days: 2 });
    assert.equal((await store.status(t)).state, 'in-progress');
    await assert.rejects(store.download(t, path.join(dir, 'slow.out')), (e: unknown) => FreezerError.is(e, 'NotRestored') && /restore it first/.test(e.message));
    let s = await store.status(t);
    for (let i = 0; i < 10 && s.state !== 'ready'; i++) s = await store.status(t);
    assert.equal(s.state, 'ready');
    assert.ok(s.expires && Date.parse(s.expires) > Date.now());
    const got = await store.download(t, path.join(dir, 'slow.out'));
    assert.ok(data.equals(await fs.readFile(got.path)));
  } finally {
    await moto.setRestoreProgression(0);
  }
});

test('many segments: their restore state from one listing (HEAD where a server leaves RestoreStatus out)', async () => {
  const many = new S3Store({ clients: createS3Clients(cfg()), bucket: BUCKET, segmentSize: MIB, partSize: 5 * MIB });
  try {
    const { file, data } = await makeFile('many.bin', 6 * MIB);
    const out = await many.putArchive({ file, description: 'freezer/1;name=many;c=none;e=none', sessionKey: 'many', storageClass: 'GLACIER' });
    assert.equal(out.ref.segments!.length, 6);
    await moto.setRestoreProgression(2);
    try {
      const t = await many.requestRestore(await many.planRestore(out.ref), { tier: 'Expedited' });
      const first = await many.status(t);
      assert.equal(first.state, 'in-progress');
      assert.equal(Object.keys(first.units ?? {}).length, 6);
      let s = first;
      for (let i = 0; i < 5 && s.state !== 'ready'; i++) s = await many.status(t);
      assert.equal(s.state, 'ready');
      assert.ok(data.equals(await fs.readFile((await many.download(t, path.join(dir, 'many.out'))).path)));
    } finally {
      await moto.setRestoreProgression(0);
    }
  } finally {
    many.close();
  }
});

test('GLACIER_IR is readable at once: no tier, no restore request, the bytes verified', async () => {
  const { file, data } = await makeFile('ir.bin', 1 * MIB);
  const out = await store.putArchive({ file, description: 'freezer/1;name=ir;c=none;e=none', sessionKey: 'ir', storageClass: 'GLACIER_IR' });
  const plan = await store.planRestore(out.ref);
  assert.deepEqual(plan.tiers, []);
  assert.equal(plan.bytesRestored, 0);
  const t = await store.requestRestore(plan, { tier: 'Standard' });
  assert.deepEqual(Object.values(t.requestedUnits ?? {}), ['readable']);
  assert.equal((await store.status(t)).state, 'ready');
  assert.ok(data.equals(await fs.readFile((await store.download(t, path.join(dir, 'ir.out'))).path)));
});

test('an object deleted behind Freezer\'s back: status and download say so, nothing is written', async () => {
  const { file } = await makeFile('gone.bin', 1 * MIB);
  const out = await store.putArchive({ file, description: 'freezer/1;name=gone;c=none;e=none', sessionKey: 'gone' });
  const t = await store.requestRestore(await store.planRestore(out.ref), { tier: 'Standard' });
  await clients.s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: out.ref.segments![0].key }));
  const s = await store.status(t);
  assert.equal(s.state, 'failed');
  assert.match(s.message ?? '', /deleted outside Freezer/);
  const dest = path.join(dir, 'gone.out');
  await assert.rejects(store.download(t, dest), (e: unknown) => FreezerError.is(e, 'ObjectMissing'));
  await assert.rejects(fs.access(dest));
  await assert.rejects(fs.access(`${dest}.partial`));
});

test('lost answers (stored, then the connection dropped): a lost Create adopted, the rest settled by HEAD, nothing sent twice, one object per segment', async () => {
  const c = createS3Clients(cfg());
  const sent: Record<string, number> = {};
  const dropped = new Set<string>();
  // Apply-then-drop: the server stores the object, the client never sees the answer.
  c.once.middlewareStack.add((next, ctx) => async (args) => {
    const name = ctx.commandName as string;
    sent[name] = (sent[name] ?? 0) + 1;
    const out = await next(args);
    if (!dropped.has(name)) {
      dropped.add(name);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    return out;
  }, { step: 'deserialize', name: 'applyThenDrop' });
  const s = new S3Store({ clients: c, bucket: BUCKET, segmentSize: 12 * MIB, partSize: 5 * MIB, concurrency: 1 });
  try {
    // 12 MiB multipart segment + a 3 MiB single-PUT segment.
    const { file, data } = await makeFile('lost.bin', 15 * MIB);
    const out = await s.putArchive({ file, description: 'freezer/1;name=lost;c=none;e=none', sessionKey: 'lost' });
    // Each sent once: the lost Create is adopted (found by listing), the lost Complete and PUT settled by HEAD.
    assert.deepEqual(sent, { CreateMultipartUploadCommand: 1, CompleteMultipartUploadCommand: 1, PutObjectCommand: 1 });
    assert.deepEqual(dropped, new Set(['CreateMultipartUploadCommand', 'CompleteMultipartUploadCommand', 'PutObjectCommand']));
    assert.equal((await keysUnder(dataPrefix('', out.ref.id))).length, 2);
    const uploads = await clients.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: dataPrefix('', out.ref.id) }));
    assert.equal((uploads.Uploads ?? []).length, 0);
    const t = await s.requestRestore(await s.planRestore(out.ref), { tier: 'Standard' });
    assert.ok(data.equals(await fs.readFile((await s.download(t, path.join(dir, 'lost.out'))).path)));
  } finally {
    s.close();
  }
});

test('a cancelled upload leaves nothing in the bucket: uploads aborted, stored segments deleted, no session', async () => {
  const { file } = await makeFile('cancel.bin', 30 * MIB);
  const ctl = new AbortController();
  const sessions = new MemorySessionStore();
  let id = '';
  await assert.rejects(store.putArchive({
    file, description: 'freezer/1;name=cancel;c=none;e=none', sessionKey: 'cancel', sessions, signal: ctl.signal,
    onProgress: (p) => {
      id ||= (sessions.map.get('cancel') as { archiveId: string } | undefined)?.archiveId ?? '';
      if (p.partsDone >= 3) ctl.abort();
    },
  }), (e: unknown) => FreezerError.is(e, 'Cancelled'));
  assert.ok(id);
  assert.equal(sessions.map.size, 0);
  assert.deepEqual(await keysUnder(dataPrefix('', id)), []);
  assert.deepEqual(await keysUnder(manifestKey('', id)), []);
  const uploads = await clients.s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix: dataPrefix('', id) }));
  assert.equal((uploads.Uploads ?? []).length, 0);
});
