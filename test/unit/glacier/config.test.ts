import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClients } from '../../../src/core/glacier/clients';
import { describeConfig, resolveGlacierConfig } from '../../../src/core/glacier/config';
import { checkVaultName } from '../../../src/core/glacier/vaults';
import { FreezerError } from '../../../src/core/errors';
import { redact } from '../../../src/core/log';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

test('config description never shows the secret key or session token', () => {
  const text = describeConfig({ region: 'eu-west-1', credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET, sessionToken: 'TOKENTOKENTOKEN' } });
  assert.ok(!text.includes(SECRET) && !text.includes('TOKENTOKENTOKEN'), text);
  assert.ok(text.includes('***MPLE') && text.includes('region=eu-west-1'));
  assert.equal(redact(SECRET), '***');
  assert.equal(redact(undefined), '(none)');
});

test('defaults: account "-", 4 threads, 20 s polls', () => {
  const c = resolveGlacierConfig({ region: 'us-east-1' });
  assert.equal(c.accountId, '-');
  assert.equal(c.threads, 4);
  assert.equal(c.pollTimeSeconds, 20);
  assert.equal(resolveGlacierConfig({ region: 'x', pollTimeSeconds: 99, threads: 0 }).pollTimeSeconds, 20);
});

test('clients use explicit keys or the profile chain, and the given endpoint', async () => {
  const explicit = createClients({ region: 'us-east-1', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET } });
  const creds = await explicit.glacier.config.credentials();
  assert.equal(creds.accessKeyId, 'AKIDEXAMPLE');
  const ep = await explicit.glacier.config.endpoint?.();
  assert.equal(ep?.hostname, '127.0.0.1');
  assert.equal(explicit.accountId, '-');
  explicit.destroy();
  const saved = { ...process.env };
  try {
    process.env.AWS_ACCESS_KEY_ID = 'AKIDFROMENV';
    process.env.AWS_SECRET_ACCESS_KEY = SECRET;
    const chain = createClients({ region: 'us-east-1' });
    assert.equal((await chain.sqs.config.credentials()).accessKeyId, 'AKIDFROMENV');
    chain.destroy();
  } finally {
    process.env = saved;
  }
});

test('vault names are checked before any call', () => {
  for (const ok of ['a', 'photos-2024', 'A.b_c-d', 'x'.repeat(255)]) checkVaultName(ok);
  for (const bad of ['', 'has space', 'slash/y', 'ü', 'x'.repeat(256)]) {
    assert.throws(() => checkVaultName(bad), (e) => FreezerError.is(e, 'InvalidVaultName'));
  }
});
