import type { OptionSpec, ParsedArgs } from './args';
import type { CliContext } from './context';
import type { ExitCode } from './exitCodes';

/** One `freezer` subcommand. */
export interface Command {
  name: string;
  aliases?: string[];
  /** Arguments after the name, for --help: e.g. "PATH… --vault V". */
  usage: string;
  summary: string;
  /** Options only this command takes (the global ones are always accepted). */
  options?: Record<string, OptionSpec>;
  /** Lines of detail for `freezer help COMMAND`. */
  details?: string[];
  /** False for commands that work without a catalogue (endpoint, thaw): its stored settings are not read. */
  usesService?: boolean;
  run(ctx: CliContext, args: ParsedArgs): Promise<ExitCode | void>;
}
