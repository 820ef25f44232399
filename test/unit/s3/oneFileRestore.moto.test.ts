/**
 * A real encrypted archive in frame-aligned segments: restoring one file restores only the segment
 * holding it and downloads only the parts around it, and the file comes back byte-identical.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { memberArchiveRange, restoreMemberFromRange } from '../../../src/core/archive/rangeRestore';
import { generateKey } from '../../../src/core/crypto/keys';
import { createS3Clients } from '../../../src/core/s3/clients';
import { MIB } from '../../../src/core/s3/layout';
import { piecesFor } from '../../../src/core/s3/rangeDownload';
import { S3Store } from '../../../src/core/s3/s3Store';
import { TEST_CREDENTIALS } from '../../support/localEndpoint';
import { startMotoServer, type MotoServer } from '../../support/motoServer';

let moto: MotoServer;
let dir: string;
before(async () => {
  moto = await startMotoServer();
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-s3one-'));
});
after(async () => {
  await moto?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

test('one 1 MiB file of a 48 MiB archive in 16 MiB segments: one segment restored, a few parts read, byte-identical', async () => {
  const tree = path.join(dir, 'tree');
  await fs.mkdir(tree);
  for (let i = 0; i < 48; i++) await fs.writeFile(path.join(tree, `f${String(i).padStart(2, '0')}.bin`), randomBytes(MIB));
  const key = generateKey('AES-256');
  const built = await freezeArchive({ files: [tree], output: path.join(dir, 'a.frz'), name: 'tree', encryption: { format: 'fzr1', key } });
  const members = built.members.filter((m) => m.type === 'file').map((m) => ({ path: m.path, size: m.size, sha256: m.sha256 as string, mtimeMs: m.mtimeMs, tarOffset: m.tarOffset }));

  const clients = createS3Clients({ region: 'us-east-1', endpoint: moto.url, credentials: TEST_CREDENTIALS });
  await clients.s3.send(new CreateBucketCommand({ Bucket: 'one-file' }));
  const store = new S3Store({ clients, bucket: 'one-file', prefix: 'laptop', segmentSize: 16 * MIB, partSize: 5 * MIB, concurrency: 3 });
  try {
    const out = await store.putArchive({ file: built.output, description: built.description, sessionKey: '1', frameIndex: built.frameIndex, members, key });
    const segs = out.ref.segments!;
    assert.ok(segs.length >= 3, `${segs.length} segments`);
    const starts = new Set(built.frameIndex.frames.map((f) => f.encryptedStart));
    for (const s of segs.slice(1)) assert.ok(starts.has(s.offset), `segment ${s.key} starts where a frame does`);

    // A file crossing a cut needs two segments; with cuts at frame starts that is the exception.
    const inSegments = (m: string) => {
      const r = memberArchiveRange(built.frameIndex, m);
      return new Set(piecesFor(segs, { start: r.start, end: r.end - 1 }).map((p) => p.segment.key)).size;
    };
    const single = members.filter((m) => inSegments(m.path) === 1);
    assert.ok(single.length >= members.length * 0.8, `${single.length} of ${members.length} files lie in one segment`);
    const member = single[Math.floor(single.length / 2)].path;
    const r = memberArchiveRange(built.frameIndex, member);
    const plan = await store.planRestore(out.ref, { start: r.start, end: r.end - 1 });
    const t = await store.requestRestore(plan, { tier: 'Bulk' });
    const got = await store.download(t, path.join(dir, 'range.bin'));
    console.log(`${single.length} of ${members.length} files lie in one segment; archive ${out.ref.size} bytes in ${segs.length} segments; restored ${plan.bytesRestored} bytes (${plan.units.length} segment), downloaded ${got.bytesDownloaded} bytes for a ${MIB}-byte file`);
    assert.equal(plan.units.length, 1);
    assert.ok(plan.bytesRestored <= 16 * MIB);
    assert.ok(got.bytesDownloaded <= MIB + 2 * 5 * MIB, `downloaded ${got.bytesDownloaded}`);

    const fh = await fs.open(got.path, 'r');
    try {
      const restored = await restoreMemberFromRange({
        index: built.frameIndex, member, to: path.join(dir, 'out'), keys: [key], description: built.description,
        expectedSha256: members.find((m) => m.path === member)?.sha256,
        readRange: async (s, e) => {
          assert.ok(s >= got.range.start && e <= got.range.end + 1, 'only downloaded bytes are read');
          const b = Buffer.alloc(e - s);
          await fh.read(b, 0, b.length, s - got.range.start);
          return b;
        },
      });
      assert.equal(restored.length, 1);
    } finally {
      await fh.close();
    }
    const want = createHash('sha256').update(await fs.readFile(path.join(dir, member))).digest('hex');
    assert.equal(createHash('sha256').update(await fs.readFile(path.join(dir, 'out', member))).digest('hex'), want);
  } finally {
    store.close();
  }
});
