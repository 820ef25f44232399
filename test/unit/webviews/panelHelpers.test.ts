import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { KEY_ALGORITHMS } from '../../../src/core/crypto/keys';
import type { FreezerSettings } from '../../../src/platform/settings';
import { REASON } from '../../../src/webviews/archiveBuilder/protocol';
import { toRow } from '../../../src/webviews/archiveBuilder/rows';
import { ALGORITHM_CHOICES, describeConnectionError, endpointSetting, valuesFromSettings } from '../../../src/webviews/settings/values';
import { formatBytes, formatDuration } from '../../../src/webviews/shared/format';

// Only the fields the form reads matter; others (added over time) keep their defaults elsewhere.
const settings = (over: Partial<FreezerSettings> = {}): FreezerSettings => ({
  endpoint: 'local', region: 'us-east-1', accountId: '-', profile: '', notificationQueueUrl: '', snsTopicArn: '', pollTimeSeconds: 20,
  threads: 4, chunkSizeMiB: 0, databasePath: '', uploadFolder: '', localEndpointFolder: '', defaultCompression: 'gzip',
  backupFilterPatterns: [], exclusionPaths: ['/tmp/'], fileDecorations: true, ...over,
} as FreezerSettings);

test('settings map to the form and back: endpoint kinds, credential source from secure storage', () => {
  assert.equal(valuesFromSettings(settings(), false).endpoint, 'local');
  assert.equal(valuesFromSettings(settings({ endpoint: '' }), false).endpoint, 'local');
  assert.equal(valuesFromSettings(settings({ endpoint: 'aws' }), false).endpoint, 'aws');
  const url = valuesFromSettings(settings({ endpoint: 'https://glacier.example.com' }), true);
  assert.equal(url.endpoint, 'url');
  assert.equal(url.endpointUrl, 'https://glacier.example.com');
  assert.equal(url.credentialSource, 'keys');
  assert.equal(valuesFromSettings(settings({ profile: 'work' }), false).credentialSource, 'profile');
  assert.equal(endpointSetting(url), 'https://glacier.example.com');
  assert.equal(endpointSetting({ ...url, endpoint: 'aws' }), 'aws');
  assert.throws(() => endpointSetting({ ...url, endpointUrl: '' }), (e: unknown) => FreezerError.is(e, 'InvalidArgument'));
  // The form gets a copy: editing it does not edit the settings object.
  const s = settings();
  valuesFromSettings(s, false).exclusionPaths.push('x');
  assert.deepEqual(s.exclusionPaths, ['/tmp/']);
});

test('key algorithms: the authenticated default first, every other cipher marked legacy', () => {
  assert.deepEqual(ALGORITHM_CHOICES.map((a) => a.id).sort(), [...KEY_ALGORITHMS].sort());
  assert.equal(ALGORITHM_CHOICES[0].id, 'AES-256');
  assert.equal(ALGORITHM_CHOICES[0].legacy, false);
  assert.ok(ALGORITHM_CHOICES.slice(1).every((a) => a.legacy && /legacy/.test(a.label)));
});

test('a failed connection is described exactly: error name, HTTP status, cause', () => {
  const sdk = Object.assign(new Error('The security token included in the request is invalid.'), { name: 'UnrecognizedClientException', $metadata: { httpStatusCode: 403 } });
  assert.equal(describeConnectionError(sdk), 'UnrecognizedClientException (HTTP 403): The security token included in the request is invalid.');
  const net = new Error('socket hang up', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9') });
  assert.equal(describeConnectionError(net), 'Error: socket hang up (connect ECONNREFUSED 127.0.0.1:9)');
  assert.equal(describeConnectionError('plain'), 'plain');
});

test('scanned files become compact rows with their reasons as bits and the archive holding a copy', () => {
  const row = toRow({ path: '/a/b.bak', memberPath: 'a/b.bak', size: 12, mtimeMs: 0, selected: false, reasons: ['backup', 'alreadyFrozen'], frozenAs: { archiveName: 'photos', path: '/old/b.bak' } });
  assert.deepEqual(row, ['/a/b.bak', 12, REASON.backup | REASON.alreadyFrozen, 'photos', '/old/b.bak']);
  assert.deepEqual(toRow({ path: '/a/c', memberPath: 'a/c', size: 0, mtimeMs: 0, selected: true, reasons: [] }), ['/a/c', 0, 0]);
  assert.equal(new Set(Object.values(REASON)).size, Object.keys(REASON).length, 'reason bits are distinct');
});

test('sizes and durations read naturally', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
  assert.equal(formatBytes(5 * 1024 ** 3), '5.0 GiB');
  assert.equal(formatBytes(-1), '?');
  assert.equal(formatDuration(0.2), '1 s');
  assert.equal(formatDuration(125), '2 min');
  assert.equal(formatDuration(3 * 3600 + 600), '3 h 10 min');
});
