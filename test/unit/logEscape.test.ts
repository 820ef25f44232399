/** Text from outside (job ids, ARNs, names) cannot forge a log line, in the CLI's logger nor the extension's channel. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import { createCliLogger } from '../../src/cli/cliLogger';
import { escapeControl, formatLogLine } from '../../src/core/log';
import { channelLogger, escapingChannel } from '../../src/platform/logger';

const RAW = ['\n', '\r', '\u001b', '\u009b', '\u202e', '\u2028'];
const clean = (l: string) => !RAW.some((c) => l.includes(c));
const evil = 'job-1\n2026-01-01 [info] forged\r\u001b[31mred\u009b\u202egnp.exe\u2028x\tok';

test('control characters are written as escapes; tabs and ordinary Unicode stay', () => {
  assert.equal(escapeControl(evil), 'job-1\\n2026-01-01 [info] forged\\r\\x1b[31mred\\x9b\\u202egnp.exe\\u2028x\tok');
  assert.equal(escapeControl('été 日本'), 'été 日本');
  assert.equal(formatLogLine('Job %s failed: %s (%d)', [evil, new Error('bad\nline'), 3]).split('\n').length, 1);
});

test('the CLI logger writes one line per message whatever its arguments hold', () => {
  const lines: string[] = [];
  const log = createCliLogger({ verbose: true, write: (l) => lines.push(l) });
  log.warn('Handling notification for job %s failed', evil);
  assert.equal(lines.length, 1);
  assert.ok(clean(lines[0]), lines[0]);
  assert.match(lines[0], /job-1\\n2026-01-01 \[info\] forged/);
});

test("the extension's channel escapes template strings and arguments alike", () => {
  const got: string[] = [];
  const record = (m: string, ...a: unknown[]) => { got.push([m, ...a].join(' ')); };
  const fake = { name: 'Freezer', trace: record, debug: record, info: record, warn: record, error: record } as unknown as vscode.LogOutputChannel;
  const channel = escapingChannel(fake);
  channel.info(`Removed archive 3 (${evil})`);
  channel.error(new Error(`failed: ${evil}`));
  channelLogger(channel, 'host').warn('Job %s', evil);
  assert.equal(channel.name, 'Freezer');
  assert.equal(got.length, 3);
  for (const l of got) assert.ok(clean(l), l);
});
