import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readKeys } from '../../../src/core/service/fileKeyStore';

describe('key file shared by several processes', () => {
  it('keeps every key when 5 processes add keys at once', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-keys-'));
    try {
      const file = path.join(dir, 'keys.json');
      const run = () => new Promise<void>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures', 'putKeys.ts'), file, '3'], { stdio: ['ignore', 'ignore', 'pipe'] });
        let stderr = '';
        child.stderr.on('data', (d) => { stderr += d; });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`child failed (${code}): ${stderr}`))));
      });
      await Promise.all([run(), run(), run(), run(), run()]);
      const keys = await readKeys(file);
      assert.equal(new Set(keys.map((k) => k.id)).size, 15, 'all 15 keys kept');
      if (process.platform !== 'win32') assert.equal((await fs.stat(file)).mode & 0o777, 0o600);
      const left = (await fs.readdir(dir)).filter((f) => f !== 'keys.json');
      assert.deepEqual(left, [], 'no lock or temporary file left');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
