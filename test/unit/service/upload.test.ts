import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ListMultipartUploadsCommand } from '@aws-sdk/client-glacier';
import { createClients } from '../../../src/core/glacier/clients';
import { CancellationError } from '../../../src/core/errors';
import { makeTree, random, startHarness, type Harness } from './harness';

const MIB = 1024 * 1024;

describe('service uploads: cancel and resume', () => {
  async function openUploads(hh: Harness): Promise<number> {
    const c = createClients(hh.options.glacier);
    try {
      const out = await c.glacier.send(new ListMultipartUploadsCommand({ accountId: '-', vaultName: 'v' }));
      return out.UploadsList?.length ?? 0;
    } finally {
      c.destroy();
    }
  }

  it('cancel while uploading aborts the multipart upload and leaves no file nor row', async () => {
    const hh = await startHarness();
    try {
      const svc = hh.service;
      await svc.createVault('v');
      const src = path.join(hh.dir, 'src', 'big');
      await makeTree(src, { 'x.bin': random(5 * MIB) });
      const ac = new AbortController();
      let phaseAtCancel = '';
      const p = svc.freeze({
        vault: 'v', sources: [src], compression: 'none', keyId: null, signal: ac.signal,
        onProgress: (pr) => { if (pr.phase === 'uploading' && pr.bytesDone >= MIB && !ac.signal.aborted) { phaseAtCancel = pr.phase; ac.abort(); } },
      });
      await assert.rejects(p, (e) => CancellationError.is(e));
      assert.equal(phaseAtCancel, 'uploading');
      assert.equal(await openUploads(hh), 0, 'no multipart upload left at AWS');
      assert.deepEqual(await fs.readdir(hh.options.uploadFolder), [], 'no file left in the upload folder');
      assert.equal((await svc.listArchives('v')).total, 0, 'the archive row is removed');
    } finally {
      await hh.close();
    }
  });

  it('cancel while packing leaves no half-written file nor row', async () => {
    const hh = await startHarness();
    try {
      await hh.service.createVault('v');
      const src = path.join(hh.dir, 'src', 'many');
      const files: Record<string, Buffer> = {};
      for (let i = 0; i < 40; i++) files[`f${i}.bin`] = random(64 * 1024);
      await makeTree(src, files);
      const ac = new AbortController();
      const p = hh.service.freeze({
        vault: 'v', sources: [src], compression: 'gzip', keyId: null, signal: ac.signal,
        onProgress: (pr) => { if (pr.phase === 'packing' && pr.bytesDone > 0) ac.abort(); },
      });
      await assert.rejects(p, (e) => CancellationError.is(e));
      assert.deepEqual(await fs.readdir(hh.options.uploadFolder).catch((): string[] => []), []);
      assert.equal((await hh.service.listArchives('v')).total, 0);
    } finally {
      await hh.close();
    }
  });

  it('resumes an upload whose process was killed, sending only the missing parts', async () => {
    const hh = await startHarness();
    try {
      await hh.service.createVault('v');
      const src = path.join(hh.dir, 'src', 'data');
      await makeTree(src, { 'payload.bin': random(6 * MIB) });
      const { keyStore, log, ...plain } = hh.options;
      void keyStore; void log;
      const childOptions = { ...plain, glacier: { ...plain.glacier, threads: 1, chunkSize: MIB } };
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'freezeAndDie.ts'), JSON.stringify(childOptions), src, String(3 * MIB)], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d) => { stderr += d; });
      const [, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (c, s) => r([c, s])));
      assert.equal(signal, 'SIGKILL', `child should have been killed mid-upload: ${stderr}`);
      assert.equal(await openUploads(hh), 1, 'the killed upload is still open at AWS');
      const [before] = (await hh.service.listArchives('v')).items;
      assert.equal(before.state, 'uploading');

      const resumed = await hh.service.resumeUploads();
      assert.equal(resumed.length, 1);
      assert.equal(resumed[0].state, 'liquid');
      assert.equal(await openUploads(hh), 0);
      const line = hh.log.lines.find((l) => /Uploaded .* \(\d+ bytes, \d+ parts, \d+ sent now\)/.test(l));
      const m = /\((\d+) bytes, (\d+) parts, (\d+) sent now\)/.exec(line ?? '');
      assert.ok(m, `upload summary logged: ${hh.log.lines.join('\n')}`);
      const [total, sent] = [Number(m[2]), Number(m[3])];
      assert.equal(total, 7, 'six 1 MiB parts of data plus the tar overhead');
      assert.ok(sent > 0 && sent <= total - 3, `only missing parts sent (${sent} of ${total})`);
      assert.equal((await hh.service.resumeUploads()).length, 0, 'nothing left to resume');
    } finally {
      await hh.close();
    }
  });

  it('dispose during an upload keeps it resumable (not aborted at AWS); the next service resumes it', async () => {
    const hh = await startHarness({ glacier: { threads: 1, chunkSize: MIB } });
    try {
      await hh.service.createVault('v');
      const src = path.join(hh.dir, 'src', 'closing');
      await makeTree(src, { 'c.bin': random(6 * MIB) });
      let disposing: Promise<void> | undefined;
      const p = hh.service.freeze({
        vault: 'v', sources: [src], compression: 'none', keyId: null,
        onProgress: (pr) => { if (pr.phase === 'uploading' && pr.bytesDone >= 2 * MIB) disposing ??= hh.service.dispose(); },
      });
      await assert.rejects(p);
      await disposing;
      assert.equal(await openUploads(hh), 1, 'the multipart upload stays open for resume');
      const next = await hh.open();
      const [resumed] = await next.resumeUploads();
      assert.equal(resumed?.state, 'liquid');
      assert.equal(await openUploads(hh), 0);
      assert.ok(hh.log.lines.some((l) => /Resuming upload of .*: [2-6] of 7 parts already at AWS/.test(l)), hh.log.lines.filter((l) => /esum/.test(l)).join('\n'));
    } finally {
      await hh.close();
    }
  });
});
