import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { JsonFileUploadSessionStore } from '../../../src/core/glacier/uploadSession';

test('JSON session store keeps every concurrent partDone and survives a new instance', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-sessions-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'sub', 'sessions.json');
  const store = new JsonFileUploadSessionStore(file);
  await store.save({ key: 'a', vault: 'v', uploadId: 'u', partSize: 1, totalSize: 2, description: 'd', parts: {} });
  await store.save({ key: 'b', vault: 'v', uploadId: 'u2', partSize: 1, totalSize: 2, description: 'd', parts: {} });
  await Promise.all(Array.from({ length: 40 }, (_, i) => store.partDone('a', i, `h${i}`)));
  const again = new JsonFileUploadSessionStore(file);
  const a = await again.get('a');
  assert.equal(Object.keys(a?.parts ?? {}).length, 40);
  assert.equal(a?.parts[39], 'h39');
  await again.delete('a');
  assert.equal(await store.get('a'), undefined);
  assert.equal((await store.get('b'))?.uploadId, 'u2');
  assert.deepEqual((await fs.readdir(path.dirname(file))), ['sessions.json'], 'no temp files left');
  await store.partDone('missing', 1, 'x');
  assert.equal(await store.get('missing'), undefined);
});
