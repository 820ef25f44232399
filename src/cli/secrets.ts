/**
 * Values that must never be printed (the AWS secret key, a session token). Every line the CLI writes
 * (output, logs, errors) passes through `scrub`, a last line of defence: nothing is meant to print
 * them in the first place.
 */
const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function scrub(text: string): string {
  let out = text;
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join('***');
  return out;
}
