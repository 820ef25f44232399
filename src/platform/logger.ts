import { format } from 'node:util';
import type * as vscode from 'vscode';
import type { Logger } from '../core/log';

/**
 * The core's Logger on top of the "Freezer" LogOutputChannel. The channel does not printf-format its
 * arguments (it appends them), so messages are formatted here first.
 */
export function channelLogger(channel: vscode.LogOutputChannel, component?: string): Logger {
  const prefix = component ? `[${component}] ` : '';
  const line = (msg: string, args: unknown[]): string => prefix + (args.length ? format(msg, ...args) : msg);
  return {
    debug: (msg, ...args) => channel.debug(line(msg, args)),
    info: (msg, ...args) => channel.info(line(msg, args)),
    warn: (msg, ...args) => channel.warn(line(msg, args)),
    error: (msg, ...args) => channel.error(line(msg, args)),
  };
}
