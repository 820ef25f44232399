import { CancellationError, FreezerError } from '../core/errors';

/** The `freezer` command's exit codes (documented in docs/CLI.md and `--help`). */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  notFound: 3,
  config: 4,
  integrity: 5,
  /** A retrieval job was started: the files arrive when it completes (the daemon finishes the restore). */
  pending: 6,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A usage mistake (unknown option, missing argument): exit code 2 and a pointer to --help. */
export class UsageError extends FreezerError {
  constructor(message: string) {
    super('Usage', message);
    this.name = 'UsageError';
  }
}

/** Codes whose class the patterns below would get wrong. */
const EXPLICIT: Record<string, ExitCode> = {
  ConfigNotFound: EXIT.config,
  KeyFileNotFound: EXIT.config,
  KeyNotFound: EXIT.config,
  // The archive was not encrypted with the key offered: its bytes do not open, as with damage.
  WrongKey: EXIT.integrity,
  MissingKey: EXIT.config,
  UnknownKey: EXIT.config,
  CredentialsProviderError: EXIT.config,
};

const NOT_FOUND = /NotFound|NoSuch|Unknown(Archive|Vault|Job|Key)|^Missing(File)?$/;
const CONFIG = /Credential|Auth|Access|Signature|Config|KeyFile|InvalidKey|Locked|Token|Forbidden|UnsupportedCipher|Bzip2Unavailable/;
const INTEGRITY = /Corrupt|Integrity|Hash|Mismatch|Tamper|Damaged|Checksum|Decrypt|Tag|Truncated|ShortRead|BadInventory|UnsupportedFormat/;

/** Maps an error to an exit code: by FreezerError code, AWS error name, or Node errno. */
export function exitCodeFor(e: unknown): ExitCode {
  if (e instanceof UsageError) return EXIT.usage;
  if (CancellationError.is(e)) return EXIT.interrupted;
  const code = FreezerError.is(e) ? e.code
    : e instanceof Error ? ((e as { code?: string }).code ?? e.name) : '';
  if (EXPLICIT[code] !== undefined) return EXPLICIT[code];
  if (code === 'ENOENT') return EXIT.notFound;
  if (code === 'EACCES' || code === 'EPERM') return EXIT.config;
  if (NOT_FOUND.test(code)) return EXIT.notFound;
  if (INTEGRITY.test(code)) return EXIT.integrity;
  if (CONFIG.test(code)) return EXIT.config;
  return EXIT.failure;
}

/** The stable code shown in `--json` errors. */
export function errorCode(e: unknown): string {
  if (FreezerError.is(e)) return e.code;
  if (e instanceof Error) return (e as { code?: string }).code ?? e.name;
  return 'Error';
}
