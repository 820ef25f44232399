import { s3Error } from './s3Error';

/**
 * AWS's naming rules for general purpose buckets: 3–63 characters of a-z, 0-9, '.', '-'; each
 * dot-separated label starts and ends with a letter or digit; not an IP address; not one of the
 * reserved prefixes and suffixes.
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may hold only lowercase letters, digits, dots and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must begin and end with a letter or digit';
  if (name.includes('..')) return 'must not hold two adjacent dots';
  if (name.split('.').some((l) => !/^[a-z0-9](?:.*[a-z0-9])?$/.test(l))) return 'must not have a hyphen next to a dot';
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return 'must not be formatted as an IP address';
  for (const p of ['xn--', 'sthree-', 'amzn-s3-demo-']) if (name.startsWith(p)) return `must not start with "${p}"`;
  for (const s of ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3']) if (name.endsWith(s)) return `must not end with "${s}"`;
  return undefined;
}

export function checkBucketName(name: string): void {
  const problem = bucketNameProblem(name);
  if (problem) throw s3Error(400, 'InvalidBucketName', `The specified bucket is not valid: a bucket name ${problem}.`, { BucketName: name });
}
