import { version } from '../../package.json';
import { CancellationError } from '../core/errors';
import { GLOBAL_OPTIONS, parseArgs, str, type OptionSpec, type ParsedArgs } from './args';
import { readCatalogueSettings } from './catalogueSettings';
import { createCliLogger } from './cliLogger';
import { COMMANDS, findCommand } from './commands';
import { resolveSettings } from './config';
import { createContext, type CliContext } from './context';
import { failedOperation, SDK_MAX_ATTEMPTS } from '../core/glacier/clients';
import { errorCode, EXIT, exitCodeFor, UsageError } from './exitCodes';
import { commandHelp, mainHelp } from './help';
import { Output, printable } from './output';
import { restoreDaysOf } from './restoreDays';
import { scrub, shownArgument } from './secrets';

/** Every option any command knows; each command then refuses the ones that are not its own. */
function allOptions(): Record<string, OptionSpec> {
  const out: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const c of COMMANDS) Object.assign(out, c.options);
  return out;
}

/** Runs the `freezer` command line; resolves to the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Promise<number> {
  const json = argv.includes('--json');
  const out = new Output({ json });
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, allOptions());
  } catch (e) {
    return fail(out, e);
  }
  if (args.values.version) {
    out.line(version);
    return EXIT.ok;
  }
  let name = args.values['no-gui'] ? 'daemon' : args.positionals[0];
  if (args.values['no-gui'] && args.positionals[0] !== undefined && args.positionals[0] !== 'daemon') {
    return fail(out, new UsageError('--no-gui runs the daemon and takes no command.'));
  }
  if (args.values['no-gui'] && args.positionals[0] === undefined) args.positionals.unshift('daemon');
  if (name === 'help') {
    const c = args.positionals[1] ? findCommand(args.positionals[1]) : undefined;
    if (args.positionals[1] && !c) return fail(out, new UsageError(`Unknown command ${shownArgument(args.positionals[1])}.`));
    out.line(c ? commandHelp(c) : mainHelp(version));
    return EXIT.ok;
  }
  if (!name) {
    if (args.values.help) {
      out.line(mainHelp(version));
      return EXIT.ok;
    }
    process.stderr.write(`${mainHelp(version)}\n`);
    return EXIT.usage;
  }
  const cmd = findCommand(name);
  if (!cmd) return fail(out, new UsageError(`Unknown command ${shownArgument(name)}. Commands: ${COMMANDS.map((c) => c.name).join(', ')}.`));
  name = cmd.name;
  if (args.values.help) {
    out.line(commandHelp(cmd));
    return EXIT.ok;
  }
  for (const opt of args.given) {
    if (!(opt in GLOBAL_OPTIONS) && !(cmd.options && opt in cmd.options)) return fail(out, new UsageError(`freezer ${name} does not take --${opt}. See freezer help ${name}.`));
  }

  const stopper = new AbortController();
  let signals = 0;
  let interrupted = false;
  let ctx: CliContext | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      process.stderr.write(`freezer: ${sig} again, exiting now\n`);
      process.exit(EXIT.interrupted);
    }
    interrupted = true;
    // The daemon and the endpoint stop cleanly; other service work is suspended, not cancelled, so an
    // upload in progress stays resumable (freeze --resume) and a download keeps its checkpoint.
    if (name !== 'daemon' && name !== 'endpoint' && ctx?.suspend()) {
      process.stderr.write(`freezer: ${sig} received, stopping; an unfinished upload resumes with: freezer freeze --resume\n`);
      return;
    }
    process.stderr.write(`freezer: ${sig} received, stopping (again to force)…\n`);
    stopper.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const resolved = await resolveSettings(args, env, cwd, cmd.usesService === false ? undefined : readCatalogueSettings);
    const log = createCliLogger({ verbose: resolved.settings.verbose, trace: resolved.settings.trace ?? str(args.values.trace), info: name === 'daemon' || name === 'endpoint' || resolved.settings.verbose });
    for (const n of resolved.notes) log.debug('%s', n);
    for (const w of resolved.warnings) out.note(`freezer: ${w}`, true);
    log.debug('freezer %s %s (pid %d)', version, name, process.pid);
    ctx = createContext(resolved, out, log, stopper.signal, {
      autoDownload: name === 'daemon', quietCatalogueNotice: name === 'catalogue',
      resumesUploads: name === 'daemon' || (name === 'freeze' && args.values.resume === true),
      restoreDays: restoreDaysOf(args),
    });
    const code = (await cmd.run(ctx, args)) ?? EXIT.ok;
    if (interrupted && name !== 'daemon' && name !== 'endpoint') return EXIT.interrupted;
    return code;
  } catch (e) {
    // Stopping may surface as whatever the interrupted step met (a cancellation, a closed catalogue).
    if (interrupted) {
      out.note(`freezer: interrupted${CancellationError.is(e) ? '' : ` (${scrub((e as Error).message)})`}`, true);
      return EXIT.interrupted;
    }
    if (env.FREEZER_DEBUG_STACK) process.stderr.write(scrub(String((e as Error).stack)) + '\n');
    return fail(out, e, name);
  } finally {
    await ctx?.close().catch(() => undefined);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What to do about errors whose own message does not say. */
const HINTS: Record<string, string> = {
  CredentialsProviderError: 'No AWS credentials found: give --access-key and --secret-key, a --profile, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY; or try Freezer without AWS with --endpoint local.',
  UploadInterrupted: 'To finish it now: freezer freeze --resume',
};

/** Errors of the connection itself (after the SDK's retries), which name neither the request nor a remedy. */
const NETWORK = /socket hang up|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|TimeoutError|RequestTimeout|Throttl|ServiceUnavailable|InternalFailure|InternalError/;

/** "socket hang up" becomes what failed and what to do next. */
function networkHint(e: unknown, command: string | undefined): string | undefined {
  const inner = e instanceof Error && e.cause instanceof Error ? e.cause : e;
  if (!(inner instanceof Error)) return undefined;
  const status = (inner as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const what = `${(inner as { code?: string }).code ?? ''} ${inner.name} ${inner.message}`;
  if (!NETWORK.test(what) && !(status !== undefined && status >= 500)) return undefined;
  const op = failedOperation(inner);
  // An interrupted upload already says how to resume it (HINTS).
  const again = errorCode(e) === 'UploadInterrupted' ? 'then resume' : `then run freezer ${command ?? 'the command'} again`;
  return `${op ? `The ${op} request` : 'A request'} kept failing after ${SDK_MAX_ATTEMPTS} attempts. Check the network and that the endpoint answers (--endpoint, or AWS's status), ${again}`;
}

function fail(out: Output, e: unknown, command?: string): number {
  const code = exitCodeFor(e);
  const hint = [HINTS[errorCode(e)], networkHint(e, command)].filter(Boolean).join('. ');
  const text = e instanceof Error ? e.message : String(e);
  const message = hint ? `${text.replace(/\.$/, '')}. ${hint}.` : text;
  if (out.json) out.line(JSON.stringify({ error: { code: errorCode(e), message: scrub(message), exitCode: code } }));
  else process.stderr.write(scrub(printable(`freezer: ${message}${code === EXIT.usage && !/--help|freezer help/.test(message) ? ' (see freezer --help)' : ''}`)) + '\n');
  return code;
}

if (require.main === module) {
  // The SDK's notice about its future Node requirement is for developers; Freezer supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  main(process.argv.slice(2)).then(
    (code) => {
      // Let stdout drain, then exit even if an SDK socket or timer lingers.
      process.stdout.write('', () => process.exit(code));
    },
    (e: unknown) => {
      process.stderr.write(scrub(`freezer: ${(e as Error)?.message ?? String(e)}`) + '\n');
      process.exit(EXIT.failure);
    },
  );
}
