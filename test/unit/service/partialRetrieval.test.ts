import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, makeTree, random, startHarness, stateOf, type Harness } from './harness';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const MIB = 1024 * 1024;

describe('restoring one file of a big frozen archive retrieves only its part', () => {
  let h: Harness;
  before(async () => { h = await startHarness({ endpoint: { jobDelays: { Expedited: 300, Standard: 300 } } }); });
  after(async () => { await h.close(); });

  for (const encrypted of [true, false]) {
    it(`${encrypted ? 'fzr1-encrypted' : 'unencrypted'}: a byte range of the archive is retrieved, the file restores byte for byte, the archive stays frozen`, async () => {
      const { service } = h;
      const vault = `big-${encrypted ? 'enc' : 'plain'}`;
      await service.createVault(vault);
      const src = path.join(h.dir, vault, 'data');
      // Incompressible, so the archive is ~40 MiB; f08 lies within one 4 MiB frame, inside an 8 MiB tree-hash node.
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 20; i++) files[`f${String(i).padStart(2, '0')}.bin`] = random(2 * MIB);
      await makeTree(src, files);
      const keyId = encrypted ? (await service.createKey('AES-256', `key ${vault}`)).id : null;
      const a = await service.freeze({ vault, sources: [src], keyId });
      await service.disconnectArchive(a.id);
      const archiveBytes = (await service.getArchive(a.id))!.size;
      assert.ok(archiveBytes > 40 * MIB, `archive of ${archiveBytes} bytes`);

      const [v] = await service.listVersions(path.join(src, 'f08.bin'));
      const est = await service.estimateRetrieval(a.id, { member: v.memberPath });
      assert.equal(est.archiveBytes, archiveBytes, 'the estimate says it is part of the archive');
      process.stdout.write(`# ${vault}: one 2 MiB file retrieves ${est.sizeBytes} of ${archiveBytes} bytes\n`);
      assert.ok(est.sizeBytes <= archiveBytes / 2, `retrieves ${est.sizeBytes} of ${archiveBytes} bytes`);
      assert.equal((await service.estimateRetrieval(a.id)).sizeBytes, archiveBytes, 'the archive itself costs the whole');

      const to = path.join(h.dir, `${vault}-restored`);
      const r = await service.restoreFileVersion(v, to, { tier: 'Expedited' });
      assert.equal(r.status, 'retrieving');
      const [start, end] = (r.job?.byteRange ?? '').split('-').map(Number);
      assert.equal(end - start + 1, est.sizeBytes, `job range ${r.job?.byteRange} is the estimated one`);
      assert.equal(start % MIB, 0, 'megabyte aligned, as Glacier requires');
      assert.equal(await stateOf(service, a.id), 'frozen', 'a part does not melt the archive');

      const stop = new AbortController();
      const watching = service.watchJobs(stop.signal);
      try {
        await eventually(async () => Boolean((await service.listJobs(vault)).find((j) => j.id === r.job?.id)?.executedAt), 20_000, 'the partial restore');
      } finally {
        stop.abort();
        await watching;
      }
      assert.deepEqual(await fs.readdir(to), ['f08.bin'], 'just the file, nothing left beside it');
      assert.equal(sha(await fs.readFile(path.join(to, 'f08.bin'))), sha(files['f08.bin']));
      assert.equal(await stateOf(service, a.id), 'frozen');
      assert.deepEqual((await fs.readdir(h.options.uploadFolder)).filter((n) => n.startsWith('.range-')), [], 'the retrieved range is not kept');
      assert.ok(h.log.lines.some((l) => l.includes(`from bytes ${r.job?.byteRange} of archive ${a.id}`)), 'the log says what was restored from where');
    });
  }

  it('a file that is most of its archive retrieves the whole archive (which then melts)', async () => {
    const { service } = h;
    await service.createVault('small');
    const src = path.join(h.dir, 'small', 'data');
    await makeTree(src, { 'big.bin': random(3 * MIB), 'tiny.txt': 'tiny' });
    const a = await service.freeze({ vault: 'small', sources: [src], keyId: null });
    await service.disconnectArchive(a.id);
    const [v] = await service.listVersions(path.join(src, 'big.bin'));
    assert.equal((await service.estimateRetrieval(a.id, { member: v.memberPath })).archiveBytes, undefined);
    const r = await service.restoreFileVersion(v, path.join(h.dir, 'small-out'), { tier: 'Expedited' });
    assert.equal(r.job?.byteRange, undefined);
    assert.equal(await stateOf(service, a.id), 'melting');
  });
});
