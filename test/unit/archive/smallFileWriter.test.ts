import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmallFileWriter } from '../../../src/core/archive/smallFileWriter';

/** A job that finishes when the test says so. */
function gate(): { job: () => Promise<void>; open: () => void; fail: (e: Error) => void } {
  let open!: () => void;
  let fail!: (e: Error) => void;
  const p = new Promise<void>((res, rej) => { open = res; fail = rej; });
  return { job: () => p, open, fail };
}

test('small file writer: at most maxFiles at once, the next waits for room', async () => {
  const w = new SmallFileWriter(2, 1 << 20);
  const a = gate();
  const b = gate();
  await w.add('a', 10, a.job);
  await w.add('b', 10, b.job);
  let third = false;
  const c = w.add('c', 10, async () => { third = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(third, false);
  b.open();
  await c;
  assert.equal(third, true);
  a.open();
  await w.drain();
});

test('small file writer: a second write to the same target waits for the first', async () => {
  const w = new SmallFileWriter(8, 1 << 20);
  const first = gate();
  const order: string[] = [];
  await w.add('t', 1, async () => { await first.job(); order.push('first'); });
  assert.equal(w.pending('t'), true);
  const second = w.add('t', 1, async () => { order.push('second'); });
  first.open();
  await second;
  await w.drain();
  assert.deepEqual(order, ['first', 'second']);
  assert.equal(w.pending('t'), false);
});

test('small file writer: the first failure is thrown by the next call and by drain, and nothing new starts', async () => {
  const w = new SmallFileWriter(8, 1 << 20);
  const bad = gate();
  await w.add('x', 1, bad.job);
  bad.fail(new Error('disk full'));
  await w.settle();
  let started = false;
  await assert.rejects(w.add('y', 1, async () => { started = true; }), /disk full/);
  assert.equal(started, false);
  await assert.rejects(w.drain(), /disk full/);
});
