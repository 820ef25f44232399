/**
 * Issue 13, defect 3: a file that changes while it is frozen is never stored as if clean. It is
 * archived as read and named: in the result, in the archive's own index, so the catalogue can say so.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freezeArchive } from '../../../src/core/archive/freeze';
import { readArchiveIndex } from '../../../src/core/archive/rangeRestore';
import { thawArchive } from '../../../src/core/archive/thaw';
import { rmrf, tempDir } from './helpers';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
// Compressible but not trivial: at gzip -9, one frame at a time, reading is paced by compression
// (the reader runs at most a few frames ahead), so progress reports arrive while the file is half read.
const text = (n: number): Buffer => Buffer.from(randomBytes(n / 2).toString('hex'));

describe('files that change while they are frozen', () => {
  let work: string;
  before(async () => { work = await tempDir(); });
  after(() => rmrf(work));

  // Progress reports come at most every 100 ms: the tear lands mid-read once reading takes long
  // enough, so the file doubles until it does (reading is paced by gzip -9, one frame at a time).
  const tearWhileReading = async (name: string, tear: (file: string) => void) => {
    for (let mib = 4; mib <= 64; mib *= 2) {
      const dir = path.join(work, `${name}-${mib}`);
      await fsp.mkdir(dir);
      const big = path.join(dir, 'big.log');
      await fsp.writeFile(big, text(mib * 1024 * 1024));
      await fsp.writeFile(path.join(dir, 'calm.txt'), 'nobody writes here\n');
      let torn = false;
      const res = await freezeArchive({
        files: [dir], output: path.join(work, `${name}-${mib}.frz`), name, compression: 'gzip', level: 9, frameSize: 64 * 1024, concurrency: 1,
        onProgress: (p) => {
          if (!torn && p.currentFile.endsWith('big.log') && p.bytesDone > 0 && p.bytesDone < p.bytesTotal / 2) {
            torn = true;
            tear(big);
          }
        },
      });
      if (torn) return { res, prefix: `${name}-${mib}` };
    }
    throw new Error('reading never took long enough to change the file in the middle');
  };

  for (const [kind, tear] of [
    ['rewritten in place', (f: string) => { const fd = fs.openSync(f, 'r+'); fs.writeSync(fd, Buffer.alloc(64 * 1024, 0x58), 0, 64 * 1024, 0); fs.closeSync(fd); }],
    ['appended to', (f: string) => fs.appendFileSync(f, 'a tail that came too late\n')],
  ] as const) {
    it(`a file ${kind} mid-read is reported, marked in the archive's index, and hashed as archived`, async () => {
      const { res, prefix } = await tearWhileReading(kind.replace(/ /g, '-'), tear);
      const name = `${prefix}/big.log`;
      assert.deepEqual(res.changedFiles, [name]);
      const i = res.members.findIndex((m) => m.path === name);
      assert.equal(res.members[i].changed, true);
      assert.equal(res.members.find((m) => m.path.endsWith('calm.txt'))?.changed, undefined);
      assert.deepEqual(res.frameIndex.changed, [i]);
      // The archive itself says so (the trailer), for a catalogue rebuilt from the store.
      const bytes = await fsp.readFile(res.output);
      const fromArchive = await readArchiveIndex({ readRange: (s, e) => bytes.subarray(s, e), archiveSize: bytes.length });
      assert.deepEqual(fromArchive.changed, [i]);
      // The recorded SHA-256 is that of the bytes archived: a restore verifies against it.
      const to = path.join(work, `${kind}-out`);
      await thawArchive({ input: res.output, to, expectedSha256: new Map([[name, res.members[i].sha256!]]) });
      assert.equal(sha(await fsp.readFile(path.join(to, name))), res.members[i].sha256);
    });
  }

  it('a small file under constant rewriting is re-read, and marked when it never holds still', async () => {
    const dir = path.join(work, 'busy');
    await fsp.mkdir(dir);
    const f = path.join(dir, 'busy.txt');
    const versions = [Buffer.alloc(200_000, 0x41), Buffer.alloc(200_000, 0x42)];
    await fsp.writeFile(f, versions[0]);
    let stop = false;
    let n = 0;
    const writer = (async () => {
      while (!stop) {
        const fd = fs.openSync(f, 'r+');
        // Two halves, so a reader between them sees a mix that never existed.
        fs.writeSync(fd, versions[n % 2], 0, 100_000, 0);
        await new Promise((r) => setImmediate(r));
        fs.writeSync(fd, versions[n % 2], 100_000, 100_000, 100_000);
        fs.closeSync(fd);
        n++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    try {
      const res = await freezeArchive({ files: [dir], output: path.join(work, 'busy.frz'), name: 'busy' });
      const m = res.members.find((x) => x.path === 'busy/busy.txt')!;
      const to = path.join(work, 'busy-out');
      stop = true;
      await writer;
      await thawArchive({ input: res.output, to });
      const back = await fsp.readFile(path.join(to, 'busy/busy.txt'));
      assert.equal(sha(back), m.sha256);
      const clean = versions.some((v) => v.equals(back));
      // Either a clean version was caught between writes, or the file is named as changed: never a silent mix.
      assert.ok(clean || res.changedFiles.includes('busy/busy.txt'), 'a mixed copy was stored without a word');
      if (!clean) assert.equal(m.changed, true);
    } finally {
      stop = true;
      await writer;
    }
  });
});
