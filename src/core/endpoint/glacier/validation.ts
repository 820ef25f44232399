import { AwsError, invalidParameter } from '../awsError';

const VAULT_NAME = /^[A-Za-z0-9_.-]{1,255}$/;

export function checkVaultName(name: string): void {
  if (!VAULT_NAME.test(name)) {
    throw invalidParameter(`Invalid vault name "${name.slice(0, 300)}": use 1 to 255 characters from a-z, A-Z, 0-9, '_', '-' and '.'.`);
  }
}

/** Archive and job descriptions: at most 1024 printable ASCII characters. */
export function checkDescription(d: string | undefined, what = 'archive description'): string {
  if (d === undefined) return '';
  if (d.length > 1024) throw invalidParameter(`The ${what} is ${d.length} characters long; at most 1024 are allowed.`);
  if (!/^[\x20-\x7e]*$/.test(d)) throw invalidParameter(`The ${what} must contain only printable ASCII characters (0x20-0x7E).`);
  return d;
}

/** The account path segment: '-' (the caller's account) or the endpoint's own account id. */
export function checkAccount(account: string, accountId: string): void {
  if (account !== '-' && account !== accountId) {
    throw new AwsError(403, 'AccessDeniedException', `Account ${account} is not the endpoint's account (${accountId}); use '-' or ${accountId}.`);
  }
}

/** `limit` query parameter: an integer in [1, max]; absent means `dflt`. */
export function parseLimit(value: string | null, max: number, dflt: number): number {
  if (value === null) return dflt;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw invalidParameter(`Invalid limit "${value}": must be an integer from 1 to ${max}.`);
  }
  return Number(value);
}

/** Splits a list for paging: items after `marker` (the key of the first item to return), up to `limit`. */
export function page<T>(items: readonly T[], key: (t: T) => string, marker: string | null, limit: number): { items: T[]; marker: string | null } {
  let start = 0;
  if (marker !== null) {
    start = items.findIndex((t) => key(t) === marker);
    if (start < 0) throw invalidParameter(`Invalid marker "${marker.slice(0, 200)}": it does not come from a previous listing.`);
  }
  const slice = items.slice(start, start + limit);
  const next = start + limit < items.length ? key(items[start + limit]) : null;
  return { items: slice, marker: next };
}
