import type * as vscode from 'vscode';
import { escapeControl, formatLogLine, type Logger } from '../core/log';

/**
 * The core's Logger on top of the "Freezer" LogOutputChannel. The channel does not printf-format its
 * arguments (it appends them), so messages are formatted here first, with outside text escaped.
 */
export function channelLogger(channel: vscode.LogOutputChannel, component?: string): Logger {
  const prefix = component ? `[${component}] ` : '';
  const line = (msg: string, args: unknown[]): string => prefix + formatLogLine(msg, args);
  return {
    debug: (msg, ...args) => channel.debug(line(msg, args)),
    info: (msg, ...args) => channel.info(line(msg, args)),
    warn: (msg, ...args) => channel.warn(line(msg, args)),
    error: (msg, ...args) => channel.error(line(msg, args)),
  };
}

/**
 * The channel with every line escaped (`escapeControl`): command files log names and messages that
 * came from outside in template strings, and a newline or ANSI escape in one must not forge a line.
 */
export function escapingChannel(channel: vscode.LogOutputChannel): vscode.LogOutputChannel {
  const wrap = (fn: (message: string, ...args: unknown[]) => void) => (message: string | Error, ...args: unknown[]) =>
    fn(escapeControl(message instanceof Error ? message.message : String(message)), ...args.map((a) => (typeof a === 'string' ? escapeControl(a) : a)));
  const methods: Record<string, unknown> = {
    trace: wrap(channel.trace.bind(channel)), debug: wrap(channel.debug.bind(channel)), info: wrap(channel.info.bind(channel)),
    warn: wrap(channel.warn.bind(channel)), error: wrap(channel.error.bind(channel)),
  };
  return new Proxy(channel, {
    get: (target, prop, receiver) => (typeof prop === 'string' && prop in methods ? methods[prop] : Reflect.get(target, prop, receiver)),
  });
}
