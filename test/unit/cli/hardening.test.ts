/**
 * The real `freezer` binary against what an attacker or a bad day brings: secrets that must not be
 * revealed by masking, a config file others can read, a secret typed without its flag, damaged and
 * truncated archives, a wrong key, an endpoint that fails every request, and job notifications that
 * try to forge log lines or never succeed.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { cleanEnv, okJson as json, spawnCli, startCliHome, tempDir, type CliHome, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('freezer binary under attack and faults', () => {
  let h: CliHome;
  let ep: EmbeddedEndpoint;
  let home: string;
  let src: string;
  const cli = (args: string[], cwd = home) => h.cli(args, cwd);

  before(async () => {
    h = await startCliHome();
    ({ ep, home } = h);
    src = path.join(h.root, 'docs');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'a.txt'), 'alpha\n'.repeat(5000));
    fs.writeFileSync(path.join(src, 'b.bin'), randomBytes(300_000));
    assert.equal((await cli(['vault', 'create', 'v1'])).code, 0);
    json(await cli(['keys', 'create', '--default', '--json']));
    json(await cli(['freeze', src, '--vault', 'v1', '--json']));
  });

  after(async () => { await h?.close(); });

  it('a short secret key equal to a word of the output does not mask that word (which would reveal it)', async () => {
    const r = await cli(['archives', 'v1', '--access-key', 'AKIDEXAMPLE', '--secret-key', 'liquid']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^1\s+docs-\S+\s+liquid\s/m);
    const s = json(await cli(['settings', '--json', '--access-key', 'AKIDEXAMPLE', '--secret-key', 'liquid']));
    assert.equal(s.settings.secretKey.value, '***');
  });

  it('warns when the config file holding the secret key can be read by others, as for the key file', async () => {
    const d = tempDir();
    const conf = path.join(d, 'freezer.conf');
    fs.writeFileSync(conf, JSON.stringify({ accessKey: 'AKIDEXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', endpoint: ep.url }), { mode: 0o644 });
    fs.chmodSync(conf, 0o644);
    const open = await cli(['settings'], d);
    assert.equal(open.code, 0, open.stderr);
    assert.match(open.stderr, /config file .*freezer\.conf holds the AWS secret key and can be read or written by other users \(mode 644\)\. Make it private: chmod 600/);
    assert.ok(!(open.stdout + open.stderr).includes('wJalrXUtnFEMI'));
    fs.chmodSync(conf, 0o600);
    const closed = await cli(['settings'], d);
    assert.doesNotMatch(closed.stderr, /chmod 600/);
    // A config file without a secret may be readable by all.
    fs.writeFileSync(conf, JSON.stringify({ region: 'eu-west-1' }));
    fs.chmodSync(conf, 0o644);
    assert.doesNotMatch((await cli(['settings'], d)).stderr, /chmod/);
    // A broken config file is reported without quoting it (it may hold the secret).
    fs.writeFileSync(conf, '{"secretKey": wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY}');
    const broken = await cli(['settings'], d);
    assert.equal(broken.code, 4);
    assert.ok(!broken.stderr.includes('wJalrXUtnFEMI'), broken.stderr);
  });

  it('does not echo an unknown argument that looks like a secret (one typed without its flag)', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    for (const args of [[secret, 'vaults'], ['help', secret], [secret, '--json']]) {
      const r = await cli(args);
      assert.equal(r.code, 2);
      assert.ok(!(r.stdout + r.stderr).includes(secret), r.stdout + r.stderr);
      assert.match(r.stdout + r.stderr, /Unknown command \(an argument of 40 characters, not shown/);
    }
    const word = await cli(['frobnicate']);
    assert.match(word.stderr, /Unknown command "frobnicate"/);
  });

  it('exits 5 for a truncated or damaged archive and for a wrong key (integrity), 4 for a missing key file', async () => {
    const [a] = json(await cli(['archives', 'v1', '--json']));
    const d = tempDir();
    const keyId = json(await cli(['keys', 'list', '--json']))[0].id as string;
    assert.equal((await cli(['keys', 'export', keyId, '--out', path.join(d, 'key.json')])).code, 0);
    const bytes = fs.readFileSync(a.localFile);
    fs.writeFileSync(path.join(d, 'truncated'), bytes.subarray(0, bytes.length - 1000));
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(flipped.length / 2)] ^= 0x40;
    fs.writeFileSync(path.join(d, 'damaged'), flipped);
    fs.writeFileSync(path.join(d, 'other.json'), JSON.stringify({ algorithm: 'AES', keysize: 256, blocksize: 16, keystring: randomBytes(32).toString('hex') }), { mode: 0o600 });
    fs.chmodSync(path.join(d, 'other.json'), 0o600);
    for (const [file, key, re] of [['truncated', 'key.json', /truncated/], ['damaged', 'key.json', /altered or damaged/], [a.localFile, 'other.json', /key/i]] as const) {
      const r = await cli(['thaw', file, '--key', key, '--to', path.join(d, `out-${path.basename(file)}`)], d);
      assert.equal(r.code, 5, `${file}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
    const none = await cli(['thaw', a.localFile, '--key', 'nope.json', '--to', 'x'], d);
    assert.equal(none.code, 4, none.stderr);
  });

  it('at 100 % faults the error names the failed request and the next step', async () => {
    const d = tempDir();
    const faulty = await startEmbeddedEndpoint({ dir: path.join(d, 'ep') });
    try {
      faulty.endpoint!.setFaults({ rate: 1, kinds: ['drop'] });
      const r = await cli(['vaults', '--endpoint', faulty.url], d);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /socket hang up\. The ListVaults request kept failing after 5 attempts\. Check the network and that the endpoint answers .*, then run freezer vaults again\./);
    } finally {
      await faulty.close();
    }
  });

  it('an upload cut off by faults says to finish it with freezer freeze --resume, which then does', async () => {
    const big = tempDir();
    fs.writeFileSync(path.join(big, 'big.bin'), randomBytes(12 * 1024 * 1024));
    const child = spawnCli(['freeze', big, '--vault', 'v1', '--chunk-size', '1MiB', '--threads', '1'], { cwd: home, env: cleanEnv() });
    await child.waitFor(/packing/);
    ep.endpoint!.setFaults({ rate: 1, kinds: ['drop'] });
    let r: CliResult;
    try {
      r = await child.exited;
    } finally {
      ep.endpoint!.setFaults(undefined);
    }
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Uploading archive \d+ failed: .*The parts sent are kept.*To finish it now: freezer freeze --resume/);
    assert.doesNotMatch(r.stderr, /resume uploads/);
    const resumed = json(await cli(['freeze', '--resume', '--json']));
    assert.equal(resumed.length, 1);
    assert.ok(resumed[0].glacierId);
  });

  it('the daemon escapes newlines and ANSI escapes from notifications, and deletes a poison message after a few tries', async () => {
    const sqs = new SQSClient({ endpoint: ep.url, region: 'us-east-1', credentials: ep.glacierConfigPatch.credentials });
    const queueUrl = ep.glacierConfigPatch.queueUrl;
    // Redelivered at once, so the test need not wait out 5 visibility timeouts.
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: queueUrl, Attributes: { VisibilityTimeout: '0' } }));
    const forged = '2026-01-01T00:00:00.000Z INFO  [daemon] Job x restored';
    // No CreationDate: the catalogue cannot record the job (NOT NULL constraint failed: jobs.created).
    const body = JSON.stringify({ JobId: `evil\n${forged}\u001b[2K`, Action: 'InventoryRetrieval', VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/v1', StatusCode: 'Succeeded' });
    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    const daemon = spawnCli(['daemon', '--poll-time', '1'], { cwd: home, env: cleanEnv() });
    try {
      await daemon.waitFor(/Deleting SQS message/, 60_000);
      await new Promise((r) => setTimeout(r, 2500));
    } finally {
      daemon.process.kill('SIGTERM');
      sqs.destroy();
    }
    const out = await daemon.exited;
    assert.equal(out.code, 0);
    const lines = out.stderr.split('\n');
    assert.ok(!lines.some((l) => l.startsWith(forged)), `a forged line was written:\n${out.stderr}`);
    assert.ok(!out.stderr.includes('\u001b'), 'no raw escape character reached the log');
    assert.ok(lines.some((l) => l.includes('evil\\n2026-01-01T00:00:00.000Z INFO  [daemon] Job x restored\\x1b[2K')), out.stderr);
    assert.equal(lines.filter((l) => /Deleting SQS message .* after 5 failed deliveries/.test(l)).length, 1, out.stderr);
    assert.ok(lines.filter((l) => /evil/.test(l)).length <= 3, `logged a bounded number of times:\n${out.stderr}`);
  });
});
