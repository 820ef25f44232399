import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MEMBERS_PAGE } from '../../../src/webviews/archiveBuilder/protocol';
import { parseBuilderRequest } from '../../../src/webviews/archiveBuilder/validate';
import { LIMITS } from '../../../src/webviews/shared/protocol';
import { InvalidMessageError, requestIdOf } from '../../../src/webviews/shared/validate';

const req = (method: string, params: unknown, id: unknown = 7) => ({ kind: 'request', id, method, params });
const apply = (over: Record<string, unknown> = {}) => ({
  vault: 'photos', name: 'holiday 2024', compression: 'gzip', keyId: 'a1b2c3d4e5f60718', sources: ['/home/u/pics'],
  selected: ['/home/u/pics/a.jpg', '/home/u/pics/b.jpg'], manuallyExcluded: [], ...over,
});
const rejects = (msg: unknown, pattern?: RegExp) => assert.throws(() => parseBuilderRequest(msg), (e: unknown) => {
  assert.ok(e instanceof InvalidMessageError, `expected InvalidMessageError, got ${String(e)}`);
  if (pattern) assert.match(e.message, pattern);
  return true;
});

test('well-formed builder requests parse into typed values', () => {
  assert.deepEqual(parseBuilderRequest(req('ready', {})), { id: 7, method: 'ready', params: {} });
  assert.deepEqual(parseBuilderRequest(req('scan', { sources: ['/a', 'C:\\b'], alreadyFrozen: true })).params, { sources: ['/a', 'C:\\b'], alreadyFrozen: true });
  const a = parseBuilderRequest(req('apply', apply({ keyId: null })));
  assert.equal(a.method, 'apply');
  assert.deepEqual(a.params, apply({ keyId: null }));
  assert.deepEqual(parseBuilderRequest(req('previewDescription', { name: '', compression: 'none', keyId: null })).params, { name: '', compression: 'none', keyId: null });
});

test('envelopes that are not requests are rejected', () => {
  for (const bad of [null, undefined, 42, 'ready', [], [req('ready', {})], { kind: 'response', id: 1, method: 'ready', params: {} }]) rejects(bad);
  rejects({ id: 1, method: 'ready', params: {} }, /kind/);
  rejects(req('ready', {}, -1), /id/);
  rejects(req('ready', {}, 1.5), /id/);
  rejects(req('ready', {}, '1'), /id/);
  rejects({ ...req('ready', {}), extra: true }, /unexpected field/);
});

test('unknown methods, including ones inherited from Object.prototype, are rejected', () => {
  for (const m of ['deleteEverything', 'toString', 'constructor', '__proto__', 'hasOwnProperty', '']) rejects(req(m, {}), /method/);
  rejects(req('x'.repeat(65), {}), /longer/);
});

test('params with wrong types, missing or extra fields are rejected', () => {
  rejects(req('ready', null));
  rejects(req('ready', { x: 1 }), /unexpected field "x"/);
  rejects(req('addFiles', {}), /alreadyFrozen/);
  rejects(req('addFiles', { alreadyFrozen: 'yes' }), /true or false/);
  rejects(req('scan', { sources: '/a', alreadyFrozen: false }), /list/);
  rejects(req('apply', apply({ compression: 'rar' })), /compression/);
  rejects(req('apply', apply({ keyId: 5 })), /keyId/);
  rejects(req('apply', apply({ selected: [1] })), /selected\[0\]/);
  const { vault: _v, ...noVault } = apply();
  rejects(req('apply', noVault), /vault/);
});

test('hostile values are rejected: relative paths, NUL, traversal-free names, control characters, huge inputs', () => {
  rejects(req('scan', { sources: ['relative/path'], alreadyFrozen: false }), /absolute path/);
  rejects(req('scan', { sources: ['/etc/passwd\0.jpg'], alreadyFrozen: false }), /NUL/);
  rejects(req('scan', { sources: ['/' + 'a'.repeat(LIMITS.path)], alreadyFrozen: false }), /longer/);
  rejects(req('scan', { sources: new Array(LIMITS.sources + 1).fill('/a'), alreadyFrozen: false }), /more than/);
  rejects(req('apply', apply({ vault: '../other' })), /vault name/);
  rejects(req('apply', apply({ vault: 'a b' })), /vault name/);
  rejects(req('apply', apply({ name: 'evil\u0007name' })), /control/);
  rejects(req('apply', apply({ name: 'x'.repeat(LIMITS.shortText + 1) })), /longer/);
  rejects(req('apply', apply({ keyId: '"; drop table' })), /key id/);
});

test('prototype pollution attempts do not pass and do not pollute', () => {
  const hostile = JSON.parse('{"kind":"request","id":1,"method":"apply","params":{"__proto__":{"polluted":true},"vault":"v","name":"n","compression":"gzip","keyId":null,"sources":[],"selected":["/a"],"manuallyExcluded":[]}}');
  rejects(hostile, /unexpected field "__proto__"/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  class Sneaky { kind = 'request'; id = 1; method = 'ready'; params = {}; }
  rejects(new Sneaky(), /object/);
});

test('the id of a rejected request is still readable so the host can answer it', () => {
  assert.equal(requestIdOf(req('nope', {}, 12)), 12);
  assert.equal(requestIdOf({ id: -3 }), undefined);
  assert.equal(requestIdOf([1]), undefined);
  assert.equal(requestIdOf('x'), undefined);
});

test('a rejection message never echoes the offending value', () => {
  const secret = 'AKIASECRETVALUE1234';
  assert.throws(() => parseBuilderRequest(req('apply', apply({ vault: `${secret} x` }))), (e: unknown) => {
    assert.ok(e instanceof InvalidMessageError, `expected InvalidMessageError, got ${String(e)}`);
    assert.ok(!e.message.includes(secret), 'the offending value must not appear in the error');
    return true;
  });
});

test('members pages of the read-only view: whole, bounded numbers only, no archive id from the page', () => {
  const m = parseBuilderRequest(req('members', { offset: 5000, limit: MEMBERS_PAGE }));
  assert.deepEqual(m.params, { offset: 5000, limit: MEMBERS_PAGE });
  rejects(req('members', { offset: 0, limit: MEMBERS_PAGE + 1 }), /limit/);
  rejects(req('members', { offset: -1, limit: 10 }), /offset/);
  rejects(req('members', { offset: 1.5, limit: 10 }), /offset/);
  rejects(req('members', { offset: '0', limit: 10 }), /offset/);
  rejects(req('members', { offset: 0, limit: 0 }), /limit/);
  rejects(req('members', { offset: 0, limit: 10, archiveId: 3 }), /archiveId/);
});

test('size estimate requests: a codec, a yes/no for encryption and absolute paths only', () => {
  const ok = { compression: 'zstd', encrypted: true, sources: ['/home/u/pics'], selected: ['/home/u/pics/a.jpg'] };
  assert.deepEqual(parseBuilderRequest(req('estimateSize', ok)).params, ok);
  rejects(req('estimateSize', { ...ok, compression: 'lzma' }), /compression/);
  rejects(req('estimateSize', { ...ok, encrypted: 'yes' }), /encrypted/);
  rejects(req('estimateSize', { ...ok, selected: ['relative.jpg'] }), /absolute path/);
  rejects(req('estimateSize', { ...ok, keyId: 'a1b2c3d4e5f60718' }), /unexpected field "keyId"/);
});
