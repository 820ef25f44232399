import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSettingsRequest } from '../../../src/webviews/settings/validate';
import type { SettingsValues } from '../../../src/webviews/settings/protocol';
import { InvalidMessageError } from '../../../src/webviews/shared/validate';

const req = (method: string, params: unknown, id = 3) => ({ kind: 'request', id, method, params });
const values = (over: Partial<Record<keyof SettingsValues, unknown>> = {}): Record<string, unknown> => ({
  endpoint: 'aws', endpointUrl: '', region: 'eu-west-1', accountId: '-', credentialSource: 'keys', profile: '',
  snsTopicArn: 'arn:aws:sns:eu-west-1:123456789012:freezer', notificationQueueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/freezer',
  pollTimeSeconds: 20, threads: 4, chunkSizeMiB: 0, exclusionPaths: ['/node_modules/', '\\.cache/'], ...over,
});
const creds = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const rejects = (msg: unknown, pattern?: RegExp) => assert.throws(() => parseSettingsRequest(msg), (e: unknown) => {
  assert.ok(e instanceof InvalidMessageError, `expected InvalidMessageError, got ${String(e)}`);
  if (pattern) assert.match(e.message, pattern);
  return true;
});

test('well-formed settings requests parse', () => {
  assert.deepEqual(parseSettingsRequest(req('save', { values: values(), credentials: creds })).params, { values: values(), credentials: creds });
  assert.deepEqual(parseSettingsRequest(req('save', { values: values({ endpoint: 'url', endpointUrl: 'http://127.0.0.1:9000' }) })).params, { values: values({ endpoint: 'url', endpointUrl: 'http://127.0.0.1:9000' }) });
  assert.deepEqual(parseSettingsRequest(req('createKey', { algorithm: 'CAST-128', label: 'old' })).params, { algorithm: 'CAST-128', label: 'old' });
  assert.deepEqual(parseSettingsRequest(req('exportKey', { id: '0123abcd', form: 'legacy', to: 'file' })).params, { id: '0123abcd', form: 'legacy', to: 'file' });
  assert.deepEqual(parseSettingsRequest(req('setDefaultKey', { id: null })).params, { id: null });
  assert.equal(parseSettingsRequest(req('importKey', { json: '{"format":"freezer-key"}', label: '' })).method, 'importKey');
});

test('settings values out of range or in the wrong form are rejected', () => {
  rejects(req('save', { values: values({ threads: 0 }) }), /threads/);
  rejects(req('save', { values: values({ threads: 33 }) }), /threads/);
  rejects(req('save', { values: values({ threads: 2.5 }) }), /integer/);
  rejects(req('save', { values: values({ pollTimeSeconds: 21 }) }), /pollTimeSeconds/);
  rejects(req('save', { values: values({ chunkSizeMiB: 3 }) }), /power of two/);
  rejects(req('save', { values: values({ chunkSizeMiB: 8192 }) }), /chunkSizeMiB/);
  rejects(req('save', { values: values({ endpoint: 'ftp' }) }), /endpoint/);
  rejects(req('save', { values: values({ endpointUrl: 'javascript:alert(1)' }) }), /URL/);
  rejects(req('save', { values: values({ region: 'EU WEST' }) }), /region/);
  rejects(req('save', { values: values({ accountId: '12345' }) }), /account id/);
  rejects(req('save', { values: values({ snsTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:x' }) }), /SNS/);
  rejects(req('save', { values: values({ profile: 'a b' }) }), /profile/);
  rejects(req('save', { values: values({ exclusionPaths: ['(unclosed'] }) }), /regular expression/);
  rejects(req('save', { values: values({ exclusionPaths: new Array(501).fill('a') }) }), /more than/);
  const { region: _r, ...noRegion } = values();
  rejects(req('save', { values: noRegion }), /region/);
  rejects(req('save', { values: values(), extra: 1 }), /unexpected/);
});

test('credentials must look like credentials; hostile ones are rejected without echoing them', () => {
  rejects(req('save', { values: values(), credentials: { ...creds, secretAccessKey: 'has spaces in it secret' } }), /secret key/);
  rejects(req('save', { values: values(), credentials: { ...creds, accessKeyId: 'akia-lower-case-id' } }), /access key id/);
  rejects(req('save', { values: values(), credentials: { ...creds, accessKeyId: 'AKIA' } }), /shorter/);
  rejects(req('save', { values: values(), credentials: { accessKeyId: creds.accessKeyId } }), /secretAccessKey/);
  assert.throws(() => parseSettingsRequest(req('testConnection', { values: values(), credentials: { ...creds, secretAccessKey: `${creds.secretAccessKey} ` } })), (e: unknown) => {
    assert.ok(e instanceof InvalidMessageError, `expected InvalidMessageError, got ${String(e)}`);
    assert.ok(!e.message.includes(creds.secretAccessKey), 'the secret must not appear in the error');
    return true;
  });
});

test('key requests with unknown algorithms, forms, destinations or oversize JSON are rejected', () => {
  rejects(req('createKey', { algorithm: 'ROT13', label: '' }), /algorithm/);
  rejects(req('createKey', { algorithm: 'AES-256', label: 'a\nb' }), /control/);
  rejects(req('exportKey', { id: 'k', form: 'pem', to: 'file' }), /form/);
  rejects(req('exportKey', { id: 'k', form: 'freezer', to: 'http://evil.example' }), /to/);
  rejects(req('exportKey', { id: '../../etc', form: 'freezer', to: 'file' }), /key id/);
  rejects(req('importKey', { json: 'x'.repeat(16 * 1024 + 1), label: '' }), /longer/);
  rejects(req('setDefaultKey', {}), /id/);
  rejects(req('setDefaultKey', { id: 7 }), /string/);
});
