import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSqlJs } from '../../../src/core/catalogue/sqlJs';
import { FreezerError, CancellationError } from '../../../src/core/errors';
import { GLOBAL_OPTIONS, parseArgs } from '../../../src/cli/args';
import { readCatalogueSettings } from '../../../src/cli/catalogueSettings';
import { createCliLogger } from '../../../src/cli/cliLogger';
import { readConfigFile, resolveSettings, describeSettings } from '../../../src/cli/config';
import { EXIT, exitCodeFor, UsageError } from '../../../src/cli/exitCodes';
import { registerSecret, scrub } from '../../../src/cli/secrets';
import { tempDir } from './cliHarness';

const specs = { ...GLOBAL_OPTIONS, vault: { type: 'string' as const }, key: { type: 'string' as const, multiple: true } };
const parse = (argv: string[]) => parseArgs(argv, specs);

async function catalogueWithSettings(file: string, settings: Record<string, string>, legacy = false): Promise<void> {
  const SQL = await loadSqlJs();
  const db = new SQL.Database();
  db.run(legacy ? 'CREATE TABLE settings (id INTEGER PRIMARY KEY, name TEXT, value TEXT, mutated TEXT)' : 'CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)');
  for (const [k, v] of Object.entries(settings)) db.run('INSERT INTO settings (name, value) VALUES (?, ?)', [k, v]);
  fs.writeFileSync(file, db.export());
  db.close();
}

describe('argument parsing', () => {
  it('reads options before and after the command, --opt=value, short flags, repeats and --', () => {
    const a = parse(['-v', 'freeze', 'a', '--vault=photos', 'b', '--key', 'k1', '--key', 'k2', '--', '--not-an-option']);
    assert.deepEqual(a.positionals, ['freeze', 'a', 'b', '--not-an-option']);
    assert.equal(a.values.verbose, true);
    assert.equal(a.values.vault, 'photos');
    assert.deepEqual(a.values.key, ['k1', 'k2']);
  });

  it('refuses unknown options, missing values and values on flags as usage errors', () => {
    assert.throws(() => parse(['--vualt', 'x']), (e) => e instanceof UsageError && /Unknown option --vualt/.test(e.message));
    assert.throws(() => parse(['--region']), (e) => e instanceof UsageError && /needs a value/.test(e.message));
    assert.throws(() => parse(['--json=yes']), (e) => e instanceof UsageError && /takes no value/.test(e.message));
    assert.equal(exitCodeFor(new UsageError('x')), EXIT.usage);
  });
});

describe('config files', () => {
  it('reads the original XML <configuration> format, with entities, comments and a declaration', async () => {
    const d = tempDir();
    const f = path.join(d, 'freezer.conf');
    fs.writeFileSync(f, `<?xml version="1.0"?>\n<!-- old tool -->\n<configuration>\n  <key id="region" value="eu-west-1"/>\n  <key id="queue" value="https://sqs/q?a=1&amp;b=2"/>\n  <key id='threads' value='7' />\n</configuration>\n`);
    assert.deepEqual(await readConfigFile(f), { region: 'eu-west-1', queue: 'https://sqs/q?a=1&b=2', threads: '7' });
  });

  it('reads JSON and rejects anything else with InvalidConfig', async () => {
    const d = tempDir();
    const f = path.join(d, 'c.json');
    fs.writeFileSync(f, JSON.stringify({ region: 'ap-south-1', pollTime: 5, verbose: true }));
    assert.deepEqual(await readConfigFile(f), { region: 'ap-south-1', pollTime: '5', verbose: 'true' });
    fs.writeFileSync(f, 'region = x');
    await assert.rejects(readConfigFile(f), (e) => FreezerError.is(e, 'InvalidConfig'));
    fs.writeFileSync(f, '<settings/>');
    await assert.rejects(readConfigFile(f), (e) => FreezerError.is(e, 'InvalidConfig') && /<configuration>/.test(e.message));
  });
});

describe('settings precedence: defaults < environment < config file < command line < catalogue', () => {
  it('applies each layer over the one below and records where each value came from', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'freezer.conf'), '<configuration><key id="region" value="eu-west-1"/><key id="poll-time" value="7"/><key id="threads" value="3"/><key id="accountid" value="111122223333"/><key id="chunk-size" value="2MiB"/></configuration>');
    const db = path.join(d, 'freezer.db');
    await catalogueWithSettings(db, { awsregion: 'sa-east-1', secretkey: 'never-read-from-here' }, true);
    const env = { AWS_REGION: 'us-west-2', AWS_PROFILE: 'envprofile' };
    const r = await resolveSettings(parse(['--poll-time', '9', '--region', 'eu-central-1', '--threads', '5']), env, d, readCatalogueSettings);
    assert.equal(r.settings.region, 'sa-east-1');
    assert.equal(r.sources.region, 'catalogue');
    assert.equal(r.settings.pollTime, 9);
    assert.equal(r.sources.pollTime, 'command line');
    assert.equal(r.settings.threads, 5);
    assert.equal(r.settings.accountId, '111122223333');
    assert.equal(r.sources.accountId, 'config file');
    assert.equal(r.settings.chunkSize, 2 * 1024 * 1024);
    assert.equal(r.settings.profile, 'envprofile');
    assert.equal(r.sources.profile, 'environment');
    assert.equal(r.settings.endpoint, 'aws');
    assert.equal(r.sources.endpoint, 'default');
    assert.equal(r.settings.database, db);
    assert.equal(r.settings.keys, path.join(d, 'freezer-keys.json'));
    assert.equal(r.settings.secretKey, undefined, 'secrets never come from the catalogue');
    assert.equal(r.configFile, path.join(d, 'freezer.conf'));
  });

  it('without catalogue settings the command line wins over the config file, which wins over the environment', async () => {
    const d = tempDir();
    fs.writeFileSync(path.join(d, 'my.json'), JSON.stringify({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', database: 'sub/cat.db' }));
    let r = await resolveSettings(parse(['--config', 'my.json']), { AWS_REGION: 'us-west-2' }, d, readCatalogueSettings);
    assert.equal(r.settings.region, 'eu-west-1');
    assert.equal(r.settings.database, path.join(d, 'sub/cat.db'), 'config paths are relative to the config file');
    r = await resolveSettings(parse(['--config', 'my.json', '--region', 'ca-central-1']), { AWS_REGION: 'us-west-2' }, d, readCatalogueSettings);
    assert.equal(r.settings.region, 'ca-central-1');
    r = await resolveSettings(parse([]), { AWS_REGION: 'us-west-2' }, d, readCatalogueSettings);
    assert.equal(r.settings.region, 'us-west-2', 'no freezer.conf in the folder: environment over defaults');
  });

  it('refuses a missing explicit config file, bad values and half credentials, with config/usage exit codes', async () => {
    const d = tempDir();
    await assert.rejects(resolveSettings(parse(['--config', 'nope.conf']), {}, d), (e) => FreezerError.is(e, 'ConfigNotFound') && exitCodeFor(e) === EXIT.config);
    await assert.rejects(resolveSettings(parse(['--poll-time', '25']), {}, d), (e) => exitCodeFor(e) === EXIT.usage && /1 to 20/.test((e as Error).message));
    await assert.rejects(resolveSettings(parse(['--chunk-size', '3MiB']), {}, d), (e) => exitCodeFor(e) === EXIT.usage);
    for (const bad of ['4MiB', '12', '7.5MiB']) {
      await assert.rejects(resolveSettings(parse(['--segment-size', bad]), {}, d), (e) => exitCodeFor(e) === EXIT.usage && /5MiB to 5TiB/.test((e as Error).message), bad);
    }
    assert.equal((await resolveSettings(parse(['--segment-size', '32MiB']), {}, d)).settings.segmentSize, 32 * 1024 * 1024);
    await assert.rejects(resolveSettings(parse(['--endpoint', 'ftp://x']), {}, d), (e) => exitCodeFor(e) === EXIT.usage);
    await assert.rejects(resolveSettings(parse(['--secret-key', 'S3CRET-VALUE']), {}, d), (e) => exitCodeFor(e) === EXIT.config && !(e as Error).message.includes('S3CRET-VALUE'));
  });

  it('masks the secret key when settings are shown', async () => {
    const d = tempDir();
    const r = await resolveSettings(parse(['--access-key', 'AKIAEXAMPLE', '--secret-key', 'wJalrXUtnFEMI/K7MDENG']), {}, d);
    const shown = JSON.stringify(describeSettings(r));
    assert.ok(!shown.includes('wJalrXUtnFEMI'), shown);
    assert.match(shown, /"secretKey":\{"value":"\*\*\*","source":"command line"\}/);
  });
});

describe('logging and exit codes', () => {
  it('prints debug lines only for traced modules, and scrubs registered secrets from every line', () => {
    const lines: string[] = [];
    registerSecret('sekrit-value-123');
    const log = createCliLogger({ verbose: false, trace: 'daemon', write: (l) => lines.push(l) });
    log.child('daemon').debug('polling with %s', 'sekrit-value-123');
    log.child('service').debug('not shown');
    log.child('service').warn('shown');
    assert.equal(lines.length, 2);
    assert.match(lines[0], /DEBUG \[daemon\] polling with \*\*\*/);
    assert.match(lines[1], /WARN {2}\[service\] shown/);
    assert.equal(scrub('x sekrit-value-123 y'), 'x *** y');
  });

  it('maps error codes to the documented exit codes', () => {
    assert.equal(exitCodeFor(new FreezerError('ArchiveNotFound', 'x')), EXIT.notFound);
    assert.equal(exitCodeFor(Object.assign(new Error('x'), { name: 'ResourceNotFoundException' })), EXIT.notFound);
    assert.equal(exitCodeFor(new FreezerError('KeyFileNotPrivate', 'x')), EXIT.config);
    assert.equal(exitCodeFor(new FreezerError('TreeHashMismatch', 'x')), EXIT.integrity);
    assert.equal(exitCodeFor(new FreezerError('WrongKey', 'x')), EXIT.integrity);
    assert.equal(exitCodeFor(new FreezerError('Truncated', 'x')), EXIT.integrity);
    assert.equal(exitCodeFor(new FreezerError('KeyNotFound', 'x')), EXIT.config);
    assert.equal(exitCodeFor(new CancellationError()), EXIT.interrupted);
    assert.equal(exitCodeFor(new Error('boom')), EXIT.failure);
  });
});
