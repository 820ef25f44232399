import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEndpointArgs, parseJobDelays } from '../../../src/core/endpoint';

test('parses endpoint command-line options', () => {
  const o = parseEndpointArgs(['--dir', '/d', '--port=9000', '--job-delay', 'Standard=2s,Bulk=5000', '--fault-rate', '0.25', '--fault-kinds', 'drop,slow', '--fault-seed', '9']);
  assert.equal(o.dir, '/d');
  assert.equal(o.port, 9000);
  assert.deepEqual(o.jobDelays, { Standard: 2000, Bulk: 5000 });
  assert.deepEqual(o.faults, { rate: 0.25, kinds: ['drop', 'slow'], seed: 9, slowMs: undefined });
});

test('refuses missing --dir, unknown options, bad delays and fault kinds', () => {
  assert.throws(() => parseEndpointArgs(['--port', '1']), /--dir is required/);
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--colour', 'x']), /unknown option --colour/);
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--port', 'x']), /non-negative integer/);
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--fault-rate', '1', '--fault-kinds', 'boom']), /unknown fault kind/);
  assert.throws(() => parseJobDelays('Fast=1'), /invalid job delay/);
});

test('accepts every documented option: --job-delays as well, per-operation faults, the after-the-work kinds', () => {
  const o = parseEndpointArgs(['--dir', 'd', '--job-delays', 'Expedited=1s,Standard=2000', '--host', '0.0.0.0', '--account-id', '111122223333',
    '--fault-rate', '1', '--fault-kinds', 'apply-then-drop,cut-body', '--fault-operations', 'CompleteMultipartUpload,SendMessage', '--fault-times', '2', '--fault-slow-ms', '5']);
  assert.deepEqual(o.jobDelays, { Expedited: 1000, Standard: 2000 });
  assert.equal(o.host, '0.0.0.0');
  assert.equal(o.accountId, '111122223333');
  assert.deepEqual(o.faults, { rate: 1, kinds: ['apply-then-drop', 'cut-body'], seed: undefined, slowMs: 5, operations: ['CompleteMultipartUpload', 'SendMessage'], times: 2 });
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--fault-kinds', 'drop']), /needs --fault-rate/);
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--fault-rate', '1.5']), /from 0 to 1/);
  assert.throws(() => parseEndpointArgs(['--dir', 'd', '--job-delay', 'Bulk=1', '--job-delays', 'Bulk=2']), /not both/);
});
