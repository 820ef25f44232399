import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { fileKeyStore, readKeys } from '../../../src/core/service/fileKeyStore';
import { generateKey, exportLegacyKeyJson } from '../../../src/core/crypto/keys';
import { makeTree, startHarness, type Harness } from './harness';

const SECRET = 'sEcReT/aws+key/that-must-never-show-up-000';

describe('service: secrets stay secret', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await h.service.dispose();
    // The same endpoint, now with explicit AWS keys: the secret must not reach any log line.
    h.service = await h.open({ glacier: { ...h.options.glacier, credentials: { accessKeyId: 'AKIAEXAMPLEACCESS', secretAccessKey: SECRET } } });
  });
  after(async () => { await h.close(); });

  it('never logs the AWS secret key nor key bytes, through a freeze, key export/import and errors', async () => {
    const s = h.service;
    await s.createVault('sv');
    const key = await s.createKey('AES-256', 'k');
    await s.setDefaultKey(key.id);
    const exported = await s.exportKey(key.id);
    const keyHex = (JSON.parse(exported) as { key: string }).key;
    assert.match(keyHex, /^[0-9a-f]{64}$/);
    const legacy = await s.exportKey(key.id, 'legacy');
    assert.equal((JSON.parse(legacy) as { keystring: string }).keystring, keyHex);
    const imported = await s.importKey(exportLegacyKeyJson(generateKey('AES-128')), 'old one');
    assert.equal(imported.legacy, true);
    const src = path.join(h.dir, 'src', 's');
    await makeTree(src, { 'f.txt': 'content' });
    const a = await s.freeze({ vault: 'sv', sources: [src] });
    assert.equal(a.encryption?.keyId, key.id);
    await assert.rejects(s.setDefaultKey('nope'), (e) => FreezerError.is(e, 'KeyNotFound') && !e.message.includes(keyHex));
    await assert.rejects(s.importKey('{"format":"freezer-key","version":1,"algorithm":"AES-256","key":"zz' + keyHex + '"}'), (e) => FreezerError.is(e) && !e.message.includes(keyHex));

    const all = h.log.lines.join('\n');
    assert.ok(all.includes('***'), 'the config line is logged, redacted');
    assert.equal(all.includes(SECRET), false, 'AWS secret key not logged');
    assert.equal(all.includes(keyHex), false, 'key bytes not logged');
    const catalogue = await fs.readFile(h.options.databasePath);
    assert.equal(catalogue.includes(keyHex) || catalogue.includes(Buffer.from(keyHex, 'hex')), false, 'key bytes not in the catalogue');
    assert.equal(catalogue.includes(SECRET), false);
  });
});

describe('fileKeyStore', () => {
  let dir: string;
  before(async () => { dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-keys-')); });
  after(async () => { await fs.rm(dir, { recursive: true, force: true }); });

  it('keeps keys in a private file and round-trips them', async () => {
    const file = path.join(dir, 'keys.json');
    const store = fileKeyStore(file);
    assert.equal(await store.get('x'), undefined, 'no file: no keys');
    const k1 = generateKey('AES-256', 'one');
    const k2 = generateKey('CAST-128');
    await store.put(k1);
    await store.put(k2);
    if (process.platform !== 'win32') assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
    assert.ok((await store.get(k1.id))?.key.equals(k1.key));
    assert.equal((await store.get(k2.id))?.algorithm, 'CAST-128');
    await store.delete(k1.id);
    assert.equal(await store.get(k1.id), undefined);
    assert.equal((await readKeys(file)).length, 1);
  });

  it('reads a single legacy export and refuses a file others can read', { skip: process.platform === 'win32' }, async () => {
    const file = path.join(dir, 'legacy.json');
    const k = generateKey('AES-256');
    await fs.writeFile(file, exportLegacyKeyJson(k), { mode: 0o600 });
    assert.ok((await fileKeyStore(file).get(k.id))?.key.equals(k.key));
    await fs.chmod(file, 0o644);
    await assert.rejects(fileKeyStore(file).get(k.id), (e) => FreezerError.is(e, 'KeyFileNotPrivate') && !e.message.includes(k.key.toString('hex')));
  });
});
