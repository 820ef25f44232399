import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Output } from '../../../src/cli/output';

/** Plain (non-terminal) progress lines, as a log or a pipe receives them. */
function capture(): { err: NodeJS.WriteStream; lines: () => string[] } {
  const chunks: string[] = [];
  const err = { isTTY: false, write: (s: string) => { chunks.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { err, lines: () => chunks.join('').split('\n').filter(Boolean) };
}

test('the last plain progress line is the final state, even when the throttle held it back', () => {
  const { err, lines } = capture();
  const progress = new Output({ json: false, stderr: err }).progress('restore');
  // The bytes are all read before the files are placed: the 100 % line first says file 0.
  progress({ phase: 'restoring', filesDone: 0, filesTotal: 3, bytesDone: 100, bytesTotal: 100 });
  progress({ phase: 'restoring', filesDone: 3, filesTotal: 3, bytesDone: 100, bytesTotal: 100 });
  progress.end();
  const all = lines();
  assert.match(all[all.length - 1], /^restore: 100% restoring file 3 of 3, 100 B of 100 B/, all.join('\n'));
  assert.equal(all.length, 2, 'the held line is printed once, at the end');
});

test('a line already printed is not repeated at the end', () => {
  const { err, lines } = capture();
  const progress = new Output({ json: false, stderr: err }).progress('freeze');
  progress({ phase: 'packing', filesDone: 1, filesTotal: 1, bytesDone: 10, bytesTotal: 10 });
  progress.end();
  assert.equal(lines().length, 1, lines().join('\n'));
});
