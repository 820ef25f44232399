import { FreezerError } from '../errors';

/**
 * S3's general-purpose bucket naming rules (S3 user guide, "Bucket naming rules"), checked before
 * CreateBucket so the user sees which rule a name breaks instead of AWS's bare InvalidBucketName.
 * Returns the broken rule, or undefined for a valid name.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `is ${name.length} characters long; a bucket name has 3 to 63`;
  if (/[A-Z]/.test(name)) return 'has capital letters; bucket names are lowercase';
  const bad = /[^a-z0-9.-]/.exec(name);
  if (bad) return `contains "${bad[0]}"; only lowercase letters, digits, dots (.) and hyphens (-) are allowed`;
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return 'must begin and end with a letter or a digit';
  if (name.includes('..')) return 'has two dots in a row';
  if (name.includes('.-') || name.includes('-.')) return 'has a dot next to a hyphen';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'is formatted as an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) return `begins with "${p}", which AWS reserves`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) return `ends with "${s}", which AWS reserves`;
  return undefined;
}

/** Throws `InvalidBucketName` with the broken rule. */
export function checkBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw new FreezerError('InvalidBucketName', `"${name}" cannot be an S3 bucket name: it ${problem}.`);
}

/**
 * A key prefix for Freezer's objects in a bucket: '' (the whole bucket) or segments joined by '/',
 * ending in '/'. Leading slashes and empty segments would make keys other tools show oddly.
 */
export function normalizePrefix(prefix: string): string {
  const p = prefix.trim();
  if (!p) return '';
  if (p.startsWith('/')) throw new FreezerError('InvalidPrefix', `The key prefix "${p}" begins with "/"; write it without (e.g. "backups/laptop").`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(p)) throw new FreezerError('InvalidPrefix', `The key prefix "${p}" contains a control character or a backslash.`);
  const segs = p.replace(/\/+$/, '').split('/');
  if (segs.some((s) => s === '' || s === '.' || s === '..')) throw new FreezerError('InvalidPrefix', `The key prefix "${p}" has an empty, "." or ".." segment.`);
  const out = `${segs.join('/')}/`;
  if (Buffer.byteLength(out) > 512) throw new FreezerError('InvalidPrefix', 'The key prefix is longer than 512 bytes; object keys must stay under 1,024.');
  return out;
}
