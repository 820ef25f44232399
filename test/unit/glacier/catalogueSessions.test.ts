import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue';
import { FreezerError } from '../../../src/core/errors';
import { MIB, treeHash } from '../../../src/core/hash/treeHash';
import { CatalogueUploadSessionStore } from '../../../src/core/glacier/catalogueUploadSessionStore';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { TestEnv, startEnv } from './support/env';

let env: TestEnv;
before(async () => { env = await startEnv(); });
after(() => env.close());

test('upload sessions kept in the catalogue survive a failed upload and drive the resume', async () => {
  const catalogue = await Catalogue.open(path.join(env.dir, 'catalogue.db'));
  try {
    const store = new CatalogueUploadSessionStore(catalogue);
    const file = await env.makeFile('cat.bin', 5 * MIB + 1);
    const common = { clients: env.clients, vault: env.vault, file, description: 'cat.bin', partSize: MIB, sessionStore: store, sessionKey: '17' };
    try {
      await assert.rejects(
        uploadArchiveFile({ ...common, concurrency: 1, partAttempts: 1, onProgress: (p) => { if (p.partsDone === 3) env.endpoint.setFaults({ rate: 1, kinds: ['503'] }); } }),
        (e) => FreezerError.is(e, 'UploadPartFailed'),
      );
    } finally {
      env.endpoint.setFaults(undefined);
    }
    // A fresh catalogue instance reads what the first one saved.
    const reopened = await Catalogue.open(catalogue.file);
    const saved = await new CatalogueUploadSessionStore(reopened).get('17');
    reopened.close();
    assert.ok(saved);
    assert.deepEqual(Object.keys(saved.parts).map(Number).sort(), [0, 1, 2]);
    assert.equal(saved.partSize, MIB);
    const r = await uploadArchiveFile({ ...common, concurrency: 4 });
    assert.equal(r.partsSent, 3);
    assert.equal(r.treeHash, treeHash(await fs.readFile(file)).toString('hex'));
    assert.equal(await store.get('17'), undefined);
    await assert.rejects(store.get('not-a-number'), (e) => FreezerError.is(e, 'InvalidSessionKey'));
  } finally {
    catalogue.close();
  }
});
