/**
 * Values that must never be printed (the AWS secret key, a session token). They are masked where
 * they would be printed (`settings`, `describeSettings`); nothing else is meant to print them.
 *
 * `scrub` is only a net under that: replacing every occurrence of a short secret would itself reveal
 * it (a secret `liquid` would turn the STATE column into `***`), so only secrets long enough that no
 * other text printed can contain them by chance are registered. AWS secret keys are 40 characters.
 */
const secrets = new Set<string>();

/** Shorter secrets are not searched for: a match could as well be ordinary output. */
export const MIN_SCRUBBED_SECRET_LENGTH = 16;

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= MIN_SCRUBBED_SECRET_LENGTH) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}

/**
 * Whether a stray argument may be a secret passed without its flag (`freezer wJalrX… vaults`): then
 * an error names it without echoing it. Command names are short words; keys and tokens are long runs
 * of letters, digits and `+/=`.
 */
export function looksLikeSecret(arg: string): boolean {
  if (/^[a-z][a-z-]{0,23}$/.test(arg)) return false;
  return arg.length >= 12 && !/\s/.test(arg) && /[0-9]/.test(arg) && /[A-Za-z]/.test(arg);
}

/** An argument for an error message: quoted, or a placeholder when it may be a secret. */
export function shownArgument(arg: string): string {
  return looksLikeSecret(arg) ? `(an argument of ${arg.length} characters, not shown: it looks like a key or secret)` : JSON.stringify(arg);
}
