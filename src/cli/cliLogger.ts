import { formatLogLine, type Logger } from '../core/log';
import { scrub } from './secrets';

export interface CliLoggerOptions {
  /** Show debug messages. */
  verbose: boolean;
  /** Comma-separated module names: debug output only for these (implies verbose for them). */
  trace?: string;
  /** Where lines go (stderr by default, so stdout stays clean for --json). */
  write?: (line: string) => void;
  /** Show info messages (commands print their own results; the daemon logs its work). */
  info?: boolean;
}

/** A Logger for one module of the CLI, plus a way to make loggers for other modules. */
export interface CliLogger extends Logger {
  child(module: string): CliLogger;
}

/**
 * Logs to stderr with a timestamp and the module name. Debug lines appear with --verbose, or only
 * for the modules listed by --trace. Every line is scrubbed of registered secrets (see secrets.ts).
 */
export function createCliLogger(opts: CliLoggerOptions): CliLogger {
  const traced = new Set((opts.trace ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean));
  const write = opts.write ?? ((line: string) => process.stderr.write(line + '\n'));
  const make = (module: string): CliLogger => {
    const debugOn = traced.size ? [...traced].some((t) => module.toLowerCase() === t || module.toLowerCase().startsWith(`${t}.`)) : opts.verbose;
    const emit = (level: string, msg: string, args: unknown[]) => {
      const text = formatLogLine(msg, args);
      write(scrub(`${new Date().toISOString()} ${level.padEnd(5)} [${module}] ${text}`));
    };
    return {
      debug: (msg, ...args) => { if (debugOn) emit('DEBUG', msg, args); },
      info: (msg, ...args) => { if (opts.info !== false || debugOn) emit('INFO', msg, args); },
      warn: (msg, ...args) => emit('WARN', msg, args),
      error: (msg, ...args) => emit('ERROR', msg, args),
      child: (m) => make(`${module}.${m}`.replace(/^cli\./, '')),
    };
  };
  return make('cli');
}
