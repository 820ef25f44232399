/**
 * The bucket path of the catalogue rebuild: each archive's manifest (STANDARD storage) gives its files
 * back with one GET, no restore. Real S3Store against the local endpoint's S3.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { Catalogue } from '../../../src/core/catalogue';
import { generateKey } from '../../../src/core/crypto/keys';
import { createS3Clients } from '../../../src/core/s3/clients';
import { S3Store } from '../../../src/core/s3/s3Store';
import { rebuildFromManifests } from '../../../src/core/service/manifestRebuild';
import { startTestEndpoint, TEST_CREDENTIALS, type TestEndpoint } from '../../support/localEndpoint';
import { makeTree, random } from './harness';

describe('catalogue rebuild from bucket manifests', () => {
  let ep: TestEndpoint;
  let dir: string;
  before(async () => {
    ep = await startTestEndpoint();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-manifest-rebuild-'));
    await ep.s3.send(new CreateBucketCommand({ Bucket: 'cold' }));
  });
  after(async () => {
    await ep?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('gives every archive its members back from its manifest, without a restore, and changes nothing the second time', async () => {
    const key = generateKey('AES-256');
    const store = new S3Store({ clients: createS3Clients({ region: ep.endpoint.region, endpoint: ep.url, credentials: TEST_CREDENTIALS }), bucket: 'cold', prefix: 'laptop' });
    const src = path.join(dir, 'src');
    await makeTree(src, { 'a.txt': 'alpha', 'deep/b.bin': random(80_000) });
    const frozen: { id: string; members: number }[] = [];
    for (const name of ['one', 'two']) {
      const out = path.join(dir, `${name}.fzr`);
      const built = await freezeArchive({ files: [src], output: out, name, compression: 'gzip', encryption: { format: 'fzr1', key } });
      const members = built.members.filter((m) => m.type === 'file').map((m) => ({ path: path.join('/data', m.path), size: m.size, sha256: m.sha256 as string, mtimeMs: m.mtimeMs, tarOffset: m.tarOffset }));
      const put = await store.putArchive({ file: out, description: built.description, sessionKey: name, frameIndex: built.frameIndex, members, key, storageClass: 'DEEP_ARCHIVE' });
      frozen.push({ id: put.ref.id, members: members.length });
    }

    const cat = await Catalogue.open(path.join(dir, 'freezer.db'));
    try {
      await cat.write((tx) => tx.addKey({ id: key.id, algorithm: key.algorithm, fingerprint: key.id }));
      const rec = await cat.write((tx) => tx.upsertBucketStore({ bucket: 'cold', prefix: 'laptop/', region: ep.endpoint.region }));
      const ctx = { catalogue: cat, emit: () => undefined };
      const r = await rebuildFromManifests(ctx, rec, store, [key]);
      assert.deepEqual({ archives: r.archives, files: r.files, unreadable: r.unreadable }, { archives: 2, files: 4, unreadable: [] });
      const archives = await cat.listArchives({ vaultId: rec.id });
      assert.deepEqual(archives.map((a) => a.glacierId).sort(), frozen.map((f) => f.id).sort());
      for (const a of archives) {
        assert.equal(a.fileCount, 2);
        assert.equal(a.storageClass, 'DEEP_ARCHIVE');
        assert.equal(a.keyId, key.id);
        assert.ok(await cat.getFrameIndex(a.id), 'frame index back: one-file restores stay partial');
      }
      const versions = await cat.versionsOf('/data/src/deep/b.bin');
      assert.equal(versions.length, 2, 'both versions browsable');
      const again = await rebuildFromManifests(ctx, rec, store, []);
      assert.deepEqual(again, { archives: 0, files: 0, unreadable: [] }, 'archives that list their files are left alone');
    } finally {
      cat.close();
    }
    // Without the key the manifests cannot be opened: the archives are listed, and the reason said.
    const bare = await Catalogue.open(path.join(dir, 'bare.db'));
    try {
      const rec = await bare.write((tx) => tx.upsertBucketStore({ bucket: 'cold', prefix: 'laptop/', region: ep.endpoint.region }));
      const r = await rebuildFromManifests({ catalogue: bare, emit: () => undefined }, rec, store, []);
      assert.equal(r.archives, 0);
      assert.equal(r.unreadable.length, 2);
      assert.match(r.unreadable[0].reason, /key/i);
      assert.equal((await bare.listArchives({ vaultId: rec.id })).length, 2);
    } finally {
      bare.close();
      store.close();
    }
  });
});
