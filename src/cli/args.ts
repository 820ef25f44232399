import { UsageError } from './exitCodes';

/** One command-line option: `--name VALUE` (string) or `--name` (flag). */
export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Value placeholder for --help. */
  arg?: string;
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
}

/** Options every command accepts (the original tool's, plus ours). */
export const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  trace: { type: 'string', arg: 'MODULES' },
  threads: { type: 'string', arg: 'N' },
  config: { type: 'string', arg: 'FILE' },
  database: { type: 'string', arg: 'FILE' },
  accountid: { type: 'string', arg: 'ID' },
  region: { type: 'string', arg: 'REGION' },
  'access-key': { type: 'string', arg: 'KEY' },
  'secret-key': { type: 'string', arg: 'SECRET' },
  'chunk-size': { type: 'string', arg: 'SIZE' },
  'segment-size': { type: 'string', arg: 'SIZE' },
  queue: { type: 'string', arg: 'URL' },
  topic: { type: 'string', arg: 'ARN' },
  'poll-time': { type: 'string', arg: 'S' },
  endpoint: { type: 'string', arg: 'URL|local|aws' },
  'local-dir': { type: 'string', arg: 'DIR' },
  profile: { type: 'string', arg: 'NAME' },
  keys: { type: 'string', arg: 'FILE' },
  'upload-folder': { type: 'string', arg: 'DIR' },
  json: { type: 'boolean' },
  'no-gui': { type: 'boolean' },
};

export interface ParsedArgs {
  positionals: string[];
  /** Option values by long name; repeated options keep the last value unless `multiple`. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** Option names in the order given (for "which source set this"). */
  given: Set<string>;
}

/**
 * Parses argv by hand: `--opt value`, `--opt=value`, `-x value`, flags, `--` ending options.
 * Options may come before or after the command and its arguments.
 */
export function parseArgs(argv: readonly string[], specs: Record<string, OptionSpec>): ParsedArgs {
  const byShort = new Map(Object.entries(specs).filter(([, s]) => s.short).map(([n, s]) => [s.short!, n] as const));
  const values: ParsedArgs['values'] = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('-') || a === '-') {
      positionals.push(a);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      inline = eq > 0 ? a.slice(eq + 1) : undefined;
    } else {
      const n = byShort.get(a.slice(1));
      if (!n) throw new UsageError(`Unknown option ${a}.`);
      name = n;
    }
    const spec = specs[name];
    if (!spec) throw new UsageError(`Unknown option --${name}.${suggest(name, Object.keys(specs))}`);
    let value: string | boolean;
    if (spec.type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`);
      value = true;
    } else if (inline !== undefined) {
      value = inline;
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`--${name} needs a value (${spec.arg ?? 'VALUE'}).`);
      value = argv[++i];
    }
    given.add(name);
    if (spec.multiple) values[name] = [...((values[name] as string[] | undefined) ?? []), value as string];
    else values[name] = value;
  }
  return { positionals, values, given };
}

function suggest(name: string, known: string[]): string {
  const close = known.filter((k) => k.startsWith(name.slice(0, 3)) || name.startsWith(k.slice(0, 3)));
  return close.length ? ` Did you mean ${close.slice(0, 3).map((k) => `--${k}`).join(', ')}?` : ' See freezer --help.';
}

export function str(v: ParsedArgs['values'][string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
