import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Catalogue } from '../../../src/core/catalogue/catalogue';
import { acquireLock, processAlive } from '../../../src/core/catalogue/lockFile';
import { FreezerError } from '../../../src/core/errors';
import { tempDir } from './tempDir';

const dir = tempDir();
const root = path.resolve(__dirname, '../../..');

function runChild(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'fixtures/counterWriter.ts'), ...args], { cwd: root });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => resolve({ code, out, err }));
  });
}

test('two processes writing the same catalogue at once lose no update', async () => {
  const file = path.join(dir, 'shared.db');
  (await Catalogue.open(file)).close();
  const count = 30;
  const startAt = String(Date.now() + 2500); // both children have loaded tsx by then
  const [a, b] = await Promise.all([runChild([file, 'a', String(count), startAt]), runChild([file, 'b', String(count), startAt])]);
  assert.equal(a.code, 0, a.err);
  assert.equal(b.code, 0, b.err);
  const c = await Catalogue.open(file);
  assert.equal(await c.getSetting('counter'), String(2 * count));
  assert.equal((await c.listVaults()).length, 2 * count);
  c.close();
  const interleaved = JSON.parse(a.out).interleaved + JSON.parse(b.out).interleaved;
  assert.ok(interleaved > 0, 'the two writers really alternated');
  assert.equal(fs.existsSync(`${file}.lock`), false);
  assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('two catalogue objects in one process: each sees and keeps the other’s changes', async () => {
  const file = path.join(dir, 'twice.db');
  const x = await Catalogue.open(file);
  const y = await Catalogue.open(file);
  await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? x : y).write((tx) => {
    tx.setSetting('n', String(Number(tx.getSetting('n') ?? 0) + 1));
  })));
  assert.equal(await x.getSetting('n'), '10');
  assert.equal(await y.getSetting('n'), '10');
  await x.write((tx) => tx.upsertVault({ name: 'from-x' }));
  assert.deepEqual((await y.listVaults()).map((v) => v.name), ['from-x']);
  assert.equal(await y.refresh(), false);
  x.close();
  y.close();
});

test('a lock left by a dead process is taken over', async () => {
  const file = path.join(dir, 'stale.db');
  (await Catalogue.open(file)).close();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
  assert.equal(processAlive(Number(dead)), false);
  fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: Number(dead), hostname: os.hostname(), token: 't', since: '2020-01-01T00:00:00Z' }));
  const c = await Catalogue.open(file, { lockTimeoutMs: 2000 });
  await c.write((tx) => tx.setSetting('after', 'stale'));
  assert.equal(await c.getSetting('after'), 'stale');
  assert.equal(fs.existsSync(`${file}.lock`), false);
  c.close();
});

test('a lock held by a live process beyond the timeout gives CatalogueLocked naming it; a fresh half-written lock is waited for', async () => {
  const file = path.join(dir, 'held.db');
  const c = await Catalogue.open(file, { lockTimeoutMs: 300 });
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)']);
  try {
    fs.writeFileSync(`${file}.lock`, JSON.stringify({ pid: holder.pid, hostname: os.hostname(), token: 't', since: 'now' }));
    await assert.rejects(c.write((tx) => tx.setSetting('x', '1')), (e) => FreezerError.is(e, 'CatalogueLocked') && e.message.includes(String(holder.pid)));
    fs.writeFileSync(`${file}.lock`, '');
    await assert.rejects(c.write((tx) => tx.setSetting('x', '1')), (e) => FreezerError.is(e, 'CatalogueLocked'));
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(`${file}.lock`, old, old);
    await c.write((tx) => tx.setSetting('x', '1'));
    assert.equal(await c.getSetting('x'), '1');
  } finally {
    holder.kill();
    c.close();
  }
});

test('a lock from another host is respected until it is very old', async () => {
  const lock = path.join(dir, 'foreign.lock');
  fs.writeFileSync(lock, JSON.stringify({ pid: 1, hostname: 'elsewhere.example', token: 't', since: 'x' }));
  await assert.rejects(acquireLock(lock, { timeoutMs: 100 }), (e) => FreezerError.is(e, 'CatalogueLocked') && /elsewhere\.example/.test(e.message));
  const old = new Date(Date.now() - 3_600_000);
  fs.utimesSync(lock, old, old);
  const release = await acquireLock(lock, { timeoutMs: 100 });
  assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, process.pid);
  await release();
  assert.equal(fs.existsSync(lock), false);
});
