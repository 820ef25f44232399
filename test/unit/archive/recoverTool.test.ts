import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { exportKeyJson, exportLegacyKeyJson, generateKey } from '../../../src/core/crypto/keys';
import { makeTree, rmrf, snapshot, tempDir } from './helpers';

const TOOL = path.resolve(__dirname, '../../../tools/recover.mjs');

describe('tools/recover.mjs (run as a plain Node script)', () => {
  let work: string;
  let tree: string;
  const key = generateKey('AES-256');
  let keyFile: string;
  let legacyKeyFile: string;
  before(async () => {
    work = await tempDir();
    tree = await makeTree(work);
    keyFile = path.join(work, 'key.json');
    legacyKeyFile = path.join(work, 'legacy-key.json');
    await fsp.writeFile(keyFile, exportKeyJson(key));
    await fsp.writeFile(legacyKeyFile, exportLegacyKeyJson(key));
  });
  after(() => rmrf(work));

  const recoverAndUntar = (archive: string, kf: string, flags: string[], extra: string[] = []): string => {
    const to = path.join(work, `out-${path.basename(archive)}-${path.basename(kf)}`);
    execFileSync('bash', ['-o', 'pipefail', '-c', `mkdir -p "${to}" && node "${TOOL}" --key "${kf}" ${extra.map((e) => `"${e}"`).join(' ')} "${archive}" | tar -x${flags.join('')}f - -C "${to}"`], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    return to;
  };

  for (const [compression, flag] of [['gzip', 'z'], ['bzip2', 'j'], ['none', '']] as const) {
    it(`recovers fzr1 + ${compression} with our key export, readable by tar`, async () => {
      const res = await freezeArchive({ files: [tree], output: path.join(work, `a-${compression}.frz`), name: 'a', compression, encryption: { key, chunkSize: 4096 } });
      const to = recoverAndUntar(res.output, keyFile, [flag]);
      assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
    });
  }

  it('recovers a legacy CBC archive with the original key export', async () => {
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'legacy.frz'), name: 'legacy', compression: 'gzip', encryption: { format: 'legacy-cbc', key } });
    const to = recoverAndUntar(res.output, legacyKeyFile, ['z'], ['--description', 'legacy.tar.gz:AES-256-1']);
    assert.deepEqual(await snapshot(path.join(to, 'src-tree')), await snapshot(tree));
  });

  it('exits 2 on a wrong key and 3 on tampering or truncation, writing to -o', async () => {
    const res = await freezeArchive({ files: [tree], output: path.join(work, 'bad.frz'), name: 'bad', encryption: { key, chunkSize: 4096 } });
    const other = path.join(work, 'other.json');
    await fsp.writeFile(other, exportKeyJson(generateKey()));
    const run = (archive: string, kf: string) => spawnSync(process.execPath, [TOOL, '--key', kf, '-o', path.join(work, 'o.bin'), archive], { encoding: 'utf8' });
    const wrong = run(res.output, other);
    assert.equal(wrong.status, 2, wrong.stderr);
    assert.match(wrong.stderr, /wrong key/);
    const bytes = await fsp.readFile(res.output);
    const t = Buffer.from(bytes);
    t[5000] ^= 1;
    await fsp.writeFile(path.join(work, 't.frz'), t);
    assert.equal(run(path.join(work, 't.frz'), keyFile).status, 3);
    await fsp.writeFile(path.join(work, 'tr.frz'), bytes.subarray(0, bytes.length - 10));
    const tr = run(path.join(work, 'tr.frz'), keyFile);
    assert.equal(tr.status, 3);
    assert.match(tr.stderr, /truncated/);
    const ok = run(res.output, keyFile);
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(!ok.stderr.includes(key.key.toString('hex')));
  });
});
