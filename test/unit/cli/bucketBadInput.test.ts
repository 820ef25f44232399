/**
 * The `freezer` binary on bucket stores meeting bad input, against the local endpoint (which, unlike
 * moto, answers 403 for another account's bucket): a name AWS would refuse, another account's bucket,
 * objects deleted behind Freezer's back, a manifest that fails authentication or needs a key this
 * machine lacks. Each is one clear error or note, and nothing is lost.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { okJson as json, startCliHome, type CliHome } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const BUCKET = 'freezer-good';
const STORE = `s3://${BUCKET}/laptop`;
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');

describe('freezer binary: bad input on bucket stores (local endpoint)', () => {
  let h: CliHome;
  let ep: EmbeddedEndpoint;
  let s3: S3Client;
  let root: string;
  let home: string;
  let src: string;
  let plain: string;
  const cli = (args: string[], cwd = home) => h.cli(args, cwd);
  /** A second machine: its own catalogue, the same endpoint, and (optionally) this machine's keys. */
  const machine = (name: string, keys: boolean): string => {
    const d = path.join(root, name);
    fs.mkdirSync(d);
    fs.copyFileSync(path.join(home, 'freezer.conf'), path.join(d, 'freezer.conf'));
    if (keys) {
      fs.copyFileSync(path.join(home, 'freezer-keys.json'), path.join(d, 'freezer-keys.json'));
      fs.chmodSync(path.join(d, 'freezer-keys.json'), 0o600);
    }
    return d;
  };
  const keysOf = async (prefix: string) => ((await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();

  before(async () => {
    h = await startCliHome({ config: { 'segment-size': '5MiB' } });
    ({ ep, root, home } = h);
    ep.endpoint!.s3.addForeignBucket('someone-elses-bucket');
    s3 = new S3Client({ endpoint: ep.url, region: ep.glacierConfigPatch.region, forcePathStyle: true, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    src = path.join(root, 'src', 'sealed');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'a.bin'), randomBytes(3 * 1024 * 1024));
    fs.writeFileSync(path.join(src, 'notes.txt'), 'sealed notes\n'.repeat(1000));
    plain = path.join(root, 'src', 'plain');
    fs.mkdirSync(plain, { recursive: true });
    fs.writeFileSync(path.join(plain, 'b.bin'), randomBytes(7 * 1024 * 1024));
  });
  after(async () => {
    s3?.destroy();
    await h?.close();
  });

  it('a bucket name AWS would refuse is refused with the rule it breaks, before any request; nothing is recorded', async () => {
    let sent = 0;
    const stop = ep.endpoint!.onRequest((r) => { if (r.operation === 'CreateBucket') sent++; });
    try {
      for (const [name, rule] of [['Bad_Name', /has capital letters/], ['ab', /is 2 characters long; a bucket name has 3 to 63/], ['192.168.1.1', /is formatted as an IP address/]] as const) {
        const r = await cli(['bucket', 'create', `s3://${name}`]);
        assert.notEqual(r.code, 0, name);
        assert.match(r.stderr, new RegExp(`"${name.replace(/\./g, '\\.')}" cannot be an S3 bucket name: it ${rule.source}`), r.stderr);
      }
    } finally {
      stop();
    }
    assert.equal(sent, 0, 'no CreateBucket reached the endpoint');
    assert.deepEqual(json<any[]>(await cli(['stores', '--json'])).filter((v) => v.kind === 'bucket'), []);
  });

  it("another account's bucket: adding it is a 403 that says so, creating its name says it is taken; nothing is recorded", async () => {
    const add = await cli(['bucket', 'add', 's3://someone-elses-bucket/mine']);
    assert.notEqual(add.code, 0);
    assert.match(add.stderr, /S3 refused access to bucket "someone-elses-bucket" \(403\): the bucket belongs to another account, or these credentials lack the permissions/);
    const create = await cli(['bucket', 'create', 's3://someone-elses-bucket']);
    assert.notEqual(create.code, 0);
    assert.match(create.stderr, /taken by another AWS account .*choose another name/);
    assert.deepEqual(json<any[]>(await cli(['stores', '--json'])).filter((v) => v.kind === 'bucket'), []);
  });

  let sealed = 0;
  let open = 0;
  let sealedRemote = '';
  let openRemote = '';
  it('freezes a sealed (encrypted) and a plain archive into the store', async () => {
    json(await cli(['bucket', 'create', STORE, '--json']));
    json(await cli(['keys', 'create', '--default', '--label', 'main', '--json']));
    const a = json(await cli(['freeze', src, '--store', STORE, '--json']));
    const b = json(await cli(['freeze', plain, '--store', STORE, '--key', 'none', '--json']));
    [sealed, open] = [a.id, b.id];
    const list = json<any[]>(await cli(['archives', STORE, '--json']));
    sealedRemote = list.find((x) => x.id === sealed).glacierId;
    openRemote = list.find((x) => x.id === open).glacierId;
    assert.ok(sealedRemote && openRemote, JSON.stringify(list));
    assert.ok((await keysOf(`laptop/freezer/v1/data/${openRemote}/`)).length >= 2, 'the plain archive has several segments');
  });

  it('a manifest that fails authentication, or needs a key another machine lacks, lists the archive without files; nothing is changed in S3', async () => {
    const key = `laptop/freezer/v1/manifests/${sealedRemote}.json.gz`;
    const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const original = Buffer.from(await got.Body!.transformToByteArray());
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    const tampered = Buffer.from(original);
    tampered[tampered.length - 40] ^= 0x01;
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: tampered, Metadata: head.Metadata }));
    const segmentsBefore = await keysOf('laptop/freezer/v1/data/');

    const other = machine('other', true);
    json(await cli(['bucket', 'add', STORE, '--json'], other));
    const inv = await cli(['inventory', STORE], other);
    assert.equal(inv.code, 0, inv.stderr);
    assert.match(inv.stdout, /2 added \(1 without files: manifest unreadable\)/);
    assert.match(inv.stderr, new RegExp(`${sealedRemote}.*fails authentication`));
    const listed = json<any[]>(await cli(['archives', STORE, '--json'], other));
    assert.deepEqual(listed.map((x) => [x.glacierId, x.fileCount]).sort(), [[openRemote, 1], [sealedRemote, 0]].sort());

    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: original, Metadata: head.Metadata }));
    const keyless = machine('keyless', false);
    json(await cli(['bucket', 'add', STORE, '--json'], keyless));
    const inv2 = await cli(['inventory', STORE], keyless);
    assert.equal(inv2.code, 0, inv2.stderr);
    assert.match(inv2.stdout, /1 without files: manifest unreadable/);
    assert.match(inv2.stderr, new RegExp(`${sealedRemote}.*key`, 'i'));
    assert.deepEqual(await keysOf('laptop/freezer/v1/data/'), segmentsBefore, 'no object was changed or removed');
  });

  it('a segment deleted behind Freezer\'s back: the restore says so before anything is billed or written; the archive stays catalogued', async () => {
    json(await cli(['archive', 'disconnect', String(open), '--json']));
    const [first] = await keysOf(`laptop/freezer/v1/data/${openRemote}/`);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: first }));
    const out = path.join(root, 'restored-open');
    const r = await cli(['restore', String(open), '--to', out, '--tier', 'Standard']);
    assert.notEqual(r.code, 0);
    assert.notEqual(r.code, 6, 'no restore is pending');
    assert.match(r.stderr, new RegExp(`s3://${BUCKET}/${first.replace(/\//g, '\\/')} is gone: it was deleted outside Freezer`));
    assert.deepEqual(json<any[]>(await cli(['jobs', '--json'])).filter((j) => j.status === 'InProgress'), []);
    assert.equal(fs.existsSync(out) ? fs.readdirSync(out).length : 0, 0, 'nothing written');
    assert.ok(json<any[]>(await cli(['archives', STORE, '--json'])).some((x) => x.id === open), 'still catalogued');
  });

  it('a manifest deleted behind Freezer\'s back: the refresh keeps the archive (its segments are there), and it restores byte for byte', async () => {
    json(await cli(['archive', 'disconnect', String(sealed), '--json']));
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: `laptop/freezer/v1/manifests/${sealedRemote}.json.gz` }));
    const inv = await cli(['inventory', STORE]);
    assert.equal(inv.code, 0, inv.stderr);
    assert.match(inv.stdout, new RegExp(`1 kept whose manifest was deleted outside Freezer \\(archive ${sealed}: segments there, still restorable\\)`));
    const a = json<any[]>(await cli(['archives', STORE, '--json'])).find((x) => x.id === sealed);
    assert.equal(a?.state, 'frozen', JSON.stringify(a));
    const out = path.join(root, 'restored-sealed');
    const r = await cli(['restore', String(sealed), '--to', out, '--tier', 'Standard']);
    assert.equal(r.code, 6, r.stderr);
    const d = await cli(['daemon', '--once']);
    assert.equal(d.code, 0, d.stderr);
    for (const f of ['a.bin', 'notes.txt']) assert.equal(sha(path.join(out, 'sealed', f)), sha(path.join(src, f)), f);
  });
});
