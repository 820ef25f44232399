import { EMBEDDED_CREDENTIALS } from './embeddedEndpoint';

const LOOPBACK = /^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i;

/** True for an endpoint URL on this machine (a `freezer endpoint`, moto): no AWS account behind it. */
export function isLoopbackUrl(url: string | undefined): boolean {
  return !!url && LOOPBACK.test(url);
}

/**
 * Credentials for an endpoint on this machine when the user gave none and no profile: it accepts any
 * signature, and without these the SDK would look for AWS credentials and fail.
 */
export function loopbackCredentials(url: string | undefined, profile: string | undefined): typeof EMBEDDED_CREDENTIALS | undefined {
  return isLoopbackUrl(url) && !profile ? { ...EMBEDDED_CREDENTIALS } : undefined;
}
