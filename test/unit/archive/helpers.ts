import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export async function tempDir(prefix = 'freezer-archive-'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function rmrf(p: string): Promise<void> {
  await fsp.rm(p, { recursive: true, force: true });
}

/** A small tree with the awkward cases: empty file and folder, unicode and 255-byte names, deep path, many small files. */
export async function makeTree(root: string, opts: { big?: number } = {}): Promise<string> {
  const top = path.join(root, 'src-tree');
  await fsp.mkdir(top, { recursive: true });
  const w = async (rel: string, data: Buffer | string): Promise<void> => {
    const p = path.join(top, rel);
    await fsp.mkdir(path.dirname(p), { recursive: true });
    await fsp.writeFile(p, data);
  };
  await w('empty.txt', '');
  await fsp.mkdir(path.join(top, 'empty-folder'));
  await w('ünïcødé/日本語ファイル.txt', 'unicode content ✓\n');
  await w('x'.repeat(251) + '.bin', randomBytes(1000));
  await w(Array.from({ length: 20 }, (_, i) => `level${i}`).join('/') + '/deep.txt', 'deep\n');
  for (let i = 0; i < 150; i++) await w(`many/f${String(i).padStart(3, '0')}.txt`, `file ${i}\n`.repeat(i % 7));
  await w('text.txt', 'The quick brown fox jumps over the lazy dog.\n'.repeat(20000));
  await w('random.bin', randomBytes(opts.big ?? 300_000));
  await fsp.chmod(path.join(top, 'text.txt'), 0o640);
  await fsp.utimes(path.join(top, 'text.txt'), new Date('2001-02-03T04:05:06Z'), new Date('2001-02-03T04:05:06Z'));
  return top;
}

export interface TreeEntry { type: 'file' | 'dir'; sha256?: string; mode: number; mtimeS?: number }

/** Relative path → type, content hash, mode and whole-second mtime of files. */
export async function snapshot(dir: string): Promise<Map<string, TreeEntry>> {
  const out = new Map<string, TreeEntry>();
  const visit = async (d: string, rel: string): Promise<void> => {
    for (const n of (await fsp.readdir(d)).sort()) {
      const p = path.join(d, n);
      const r = rel ? `${rel}/${n}` : n;
      const st = await fsp.lstat(p);
      if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode: st.mode & 0o777 });
        await visit(p, r);
      } else {
        out.set(r, { type: 'file', sha256: createHash('sha256').update(await fsp.readFile(p)).digest('hex'), mode: st.mode & 0o777, mtimeS: Math.floor(st.mtimeMs / 1000) });
      }
    }
  };
  await visit(dir, '');
  return out;
}
