import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { MIB } from '../../../src/core/hash/treeHash';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { JsonFileUploadSessionStore } from '../../../src/core/glacier/uploadSession';
import { TestEnv, retrieve, startEnv } from './support/env';

let env: TestEnv;
before(async () => {
  env = await startEnv({ faults: { rate: 0.05, kinds: ['500', '503', 'throttle', 'timeout', 'drop', 'slow'], seed: 7, slowMs: 50 } });
});
after(() => env.close());

test('with 5% of requests failing (5xx, throttling, timeouts, dropped connections) archives still go up and come back byte-identical', async () => {
  const store = new JsonFileUploadSessionStore(path.join(env.dir, 'sessions.json'));
  for (const [name, size] of [['a', 12 * MIB + 4321], ['b', 9 * MIB], ['c', 200_000]] as const) {
    const file = await env.makeFile(`${name}.bin`, size);
    const up = await uploadArchiveFile({ clients: env.clients, vault: env.vault, file, description: name, partSize: MIB, concurrency: 4, sessionStore: store, sessionKey: name });
    const back = await retrieve(env, up.archiveId, size, up.treeHash, path.join(env.dir, `${name}.out`));
    assert.ok((await fs.readFile(file)).equals(await fs.readFile(back)), `${name} differs`);
  }
  const counts = env.endpoint.faultCounts();
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  assert.ok(total >= 2, `faults injected: ${JSON.stringify(counts)}`);
});
