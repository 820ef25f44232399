import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compileUserRegex, DEFAULT_BACKUP_PATTERNS, matchesBackupPattern, matchesExclusionPath } from '../../../src/core/archive/filters';
import { hashFile } from '../../../src/core/archive/hashFile';
import { walkSources, type SourceFile } from '../../../src/core/archive/walk';
import { rmrf, tempDir } from './helpers';

describe('filters', () => {
  it('backup patterns match base names only', () => {
    for (const n of ['a.txt~', 'x.o', 'm.pyc', 'old.bak', 'po/fr.Po', 'x.P', '#draft#', '~lock', '/home/ann/#x#', '/home/ann/~$doc.docx']) assert.ok(matchesBackupPattern(n), n);
    for (const n of ['a.txt', 'x.obj', 'pyc', 'bak.txt', '/home/~ann/a.txt', '#nope', 'nope#x', 'x.Pox']) assert.ok(!matchesBackupPattern(n), n);
    assert.equal(DEFAULT_BACKUP_PATTERNS.length, 7);
  });

  it('exclusion regexes apply to the full path; invalid ones fail clearly', () => {
    const re = [compileUserRegex('/node_modules(/|$)'), compileUserRegex('\\.iso$')];
    assert.ok(matchesExclusionPath('/a/node_modules/x.js', re));
    assert.ok(matchesExclusionPath('/a/b.iso', re));
    assert.ok(!matchesExclusionPath('/a/b.isox', re));
    assert.throws(() => compileUserRegex('(unclosed'), (e: Error & { code?: string }) => e.code === 'InvalidRegex' && e.message.includes('(unclosed'));
    const g = /a/g;
    assert.ok(matchesExclusionPath('a', [g]) && matchesExclusionPath('a', [g]), 'stateful /g regex gives stable answers');
  });
});

describe('walkSources and hashFile', () => {
  let dir: string;
  before(async () => {
    dir = await tempDir();
    const top = path.join(dir, 'top');
    await fsp.mkdir(path.join(top, 'sub/empty'), { recursive: true });
    await fsp.mkdir(path.join(top, 'skipme'), { recursive: true });
    await fsp.writeFile(path.join(top, 'b.txt'), 'bbb');
    await fsp.writeFile(path.join(top, 'a.txt'), 'a');
    await fsp.writeFile(path.join(top, 'a.txt~'), 'backup');
    await fsp.writeFile(path.join(top, 'sub/c.bin'), Buffer.alloc(5000, 1));
    await fsp.writeFile(path.join(top, 'skipme/x'), 'x');
    await fsp.symlink('/etc/passwd', path.join(top, 'link'));
    await fsp.writeFile(path.join(dir, 'single.txt'), 'single');
  });
  after(() => rmrf(dir));

  it('walks sorted, reports folders (empty ones too), skips symlinks, backups and exclusions', async () => {
    const skipped: Array<[string, string]> = [];
    const got: SourceFile[] = [];
    for await (const s of walkSources([path.join(dir, 'top'), path.join(dir, 'single.txt')], { exclude: [/\/skipme$/], onSkip: (p, r) => skipped.push([path.basename(p), r]) })) got.push(s);
    assert.deepEqual(got.map((s) => `${s.type[0]}:${s.memberPath}`), ['d:top', 'f:top/a.txt', 'f:top/b.txt', 'd:top/sub', 'f:top/sub/c.bin', 'd:top/sub/empty', 'f:single.txt']);
    assert.deepEqual(skipped.sort(), [['a.txt~', 'backup'], ['link', 'symlink'], ['skipme', 'excluded']]);
    const c = got.find((s) => s.memberPath === 'top/sub/c.bin')!;
    assert.equal(c.size, 5000);
    assert.equal(c.absolutePath, path.join(dir, 'top/sub/c.bin'));
  });

  it('uses a common root when given and refuses duplicates', async () => {
    const got: string[] = [];
    for await (const s of walkSources([path.join(dir, 'top/sub')], { root: dir })) got.push(s.memberPath);
    assert.deepEqual(got, ['top/sub', 'top/sub/c.bin', 'top/sub/empty']);
    await assert.rejects(async () => {
      for await (const _ of walkSources([path.join(dir, 'top'), path.join(dir, 'top')])) void _;
    }, (e: Error & { code?: string }) => e.code === 'DuplicateMember');
  });

  it('hashes a file and lets a cache skip the read', async () => {
    const f = path.join(dir, 'top/b.txt');
    const h = await hashFile(f);
    assert.equal(h.sha256, '3e744b9dc39389baf0c5a0660589b8402f3dbb49b89b3e75f2c9355852a3c677');
    assert.equal(h.fromCache, false);
    const calls: Array<[string, number]> = [];
    const c = await hashFile(f, { cache: (p, size) => { calls.push([p, size]); return 'cafe'; } });
    assert.deepEqual([c.sha256, c.fromCache, calls], ['cafe', true, [[f, 3]]]);
  });
});
