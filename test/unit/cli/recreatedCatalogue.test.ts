/**
 * A damaged catalogue set aside and replaced by a new one (issue 13, defect 1), through the real
 * binary: the keys of the key file are still listed and the default key still encrypts; a freeze never
 * writes over an earlier archive's local file although the new catalogue hands out id 1 again; every
 * command warns until `catalogue acknowledge`. Each damage variant is checked the same way.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { prepareCli, runCli, tempDir, type CliResult } from './cliHarness';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const sha = (f: string) => createHash('sha256').update(fs.readFileSync(f)).digest('hex');
const ok = (r: CliResult): CliResult => {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  return r;
};

/** Ways the catalogue file gets damaged; each must be noticed and set aside. */
const DAMAGE: Record<string, (file: string) => void> = {
  'cut to zero bytes': (f) => fs.truncateSync(f, 0),
  'cut in half': (f) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2) + 100),
  'garbage header': (f) => {
    const b = fs.readFileSync(f);
    b.fill(0x41, 0, 100);
    fs.writeFileSync(f, b);
  },
  'garbage in a middle page': (f) => {
    const b = fs.readFileSync(f);
    const page = b.readUInt16BE(16) === 1 ? 65536 : b.readUInt16BE(16);
    const pages = b.length / page;
    assert.ok(pages >= 3, `catalogue of ${pages} pages`);
    b.fill(0xee, Math.floor(pages / 2) * page, Math.floor(pages / 2) * page + page);
    fs.writeFileSync(f, b);
  },
};

describe('freezer with a recreated catalogue', () => {
  let ep: EmbeddedEndpoint;
  let root: string;

  before(async () => {
    await prepareCli();
    root = tempDir();
    ep = await startEmbeddedEndpoint({ dir: path.join(root, 'endpoint') });
  });
  after(async () => { await ep?.close(); });

  for (const [variant, damage] of Object.entries(DAMAGE)) {
    it(`${variant}: keys and default key found, no archive file overwritten, a warning until acknowledged`, async () => {
      const home = path.join(root, variant.replace(/\W+/g, '-'));
      fs.mkdirSync(home);
      fs.writeFileSync(path.join(home, 'freezer.conf'), JSON.stringify({ endpoint: ep.glacierConfigPatch.endpoint }));
      const src = path.join(home, 'src');
      fs.mkdirSync(src);
      for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(src, `file-${i}.txt`), `content ${i} `.repeat(200 + i));
      const cli = (args: string[]) => runCli(args, { cwd: home });

      ok(await cli(['vault', 'create', 'v']));
      const key = JSON.parse(ok(await cli(['keys', 'create', '--default', '--json'])).stdout) as { id: string };
      const first = JSON.parse(ok(await cli(['freeze', src, '--vault', 'v', '--json'])).stdout) as { id: number; localFile: string };
      const firstSha = sha(first.localFile);

      damage(path.join(home, 'freezer.db'));
      const noticed = await cli(['keys', 'list']);
      assert.notEqual(noticed.code, 0, `the damage is reported\n${noticed.stdout}${noticed.stderr}`);
      assert.match(noticed.stderr, /damaged/);
      assert.ok(fs.readdirSync(home).some((n) => n.startsWith('freezer.db.damaged-')), 'the damaged file is kept aside');

      const listed = ok(await cli(['keys', 'list', '--json']));
      const keys = JSON.parse(listed.stdout) as Array<{ id: string; isDefault: boolean }>;
      assert.deepEqual(keys.map((k) => [k.id, k.isDefault]), [[key.id, true]], 'the key file\'s key is listed, still the default');
      assert.match(listed.stderr, /catalogue was started new .*damaged.*freezer catalogue rebuild.*freezer catalogue acknowledge/s);

      const second = JSON.parse(ok(await cli(['freeze', src, '--vault', 'v', '--json'])).stdout) as { id: number; localFile: string; encrypted?: boolean; keyId?: string };
      assert.equal(second.id, first.id, 'the new catalogue gives the same row id again');
      assert.notEqual(second.localFile, first.localFile, 'but not the same local file');
      assert.equal(sha(first.localFile), firstSha, 'the first archive\'s local copy is untouched');
      assert.equal(fs.readFileSync(second.localFile).subarray(0, 4).toString('latin1'), 'FZR1', 'the new archive is encrypted with the default key');

      ok(await cli(['catalogue', 'acknowledge']));
      const quiet = ok(await cli(['vaults', '--json']));
      assert.doesNotMatch(quiet.stderr, /started new/);
    });
  }
});
