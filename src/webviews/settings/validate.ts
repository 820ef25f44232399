/** Validation of every message the settings webview sends (see ../shared/validate.ts). */
import { KEY_ALGORITHMS } from '../../core/crypto/keys';
import { LIMITS } from '../shared/protocol';
import { arrayOf, emptyParams, InvalidMessageError, int, nullable, object, oneOf, optional, parseRequest, regexSource, str, type Check } from '../shared/validate';
import type { NewCredentials, SettingsRequests, SettingsValues } from './protocol';

type Params<K extends keyof SettingsRequests> = SettingsRequests[K]['params'];

const noControl = /^[^\p{Cc}]*$/u;
const text = (max: number, pattern = noControl, what = 'free of control characters'): Check<string> => str({ max, pattern, what });
const keyId = str({ min: 1, max: 128, pattern: /^[A-Za-z0-9._:-]+$/, what: 'a key id' });

export const settingsValues: Check<SettingsValues> = object({
  endpoint: oneOf(['local', 'aws', 'url'] as const),
  endpointUrl: text(2048, /^(?:$|https?:\/\/[^\s]+$)/i, 'an http(s) URL'),
  region: text(64, /^(?:$|[a-z]{2}(?:-[a-z0-9]+)+-\d+$)/, 'an AWS region such as eu-west-1'),
  accountId: text(32, /^(?:$|-|\d{12})$/, 'a 12-digit account id or "-"'),
  credentialSource: oneOf(['profile', 'keys'] as const),
  profile: text(128, /^[A-Za-z0-9_.@+=,-]*$/, 'a profile name'),
  snsTopicArn: text(512, /^(?:$|arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$)/, 'an SNS topic ARN'),
  notificationQueueUrl: text(2048, /^(?:$|https?:\/\/[^\s]+$)/i, 'an SQS queue URL'),
  pollTimeSeconds: int(1, 20),
  threads: int(1, 32),
  chunkSizeMiB: (v, where) => {
    const n = int(0, 4096)(v, where);
    if (n !== 0 && (n & (n - 1)) !== 0) throw new InvalidMessageError(where, 'must be 0 or a power of two');
    return n;
  },
  exclusionPaths: arrayOf(regexSource, LIMITS.patterns),
});

const credentials: Check<NewCredentials> = object({
  accessKeyId: str({ min: 16, max: 128, pattern: /^[A-Z0-9]+$/, what: 'an access key id (letters and digits)' }),
  secretAccessKey: str({ min: 16, max: 256, pattern: /^[\x21-\x7e]+$/, what: 'a secret key (printable characters, no spaces)' }),
});

const label = text(200);

export const settingsRequestChecks: { [K in keyof SettingsRequests]: Check<Params<K>> } = {
  ready: emptyParams,
  save: object({ values: settingsValues, credentials: optional(credentials) }),
  clearCredentials: emptyParams,
  testConnection: object({ values: settingsValues, credentials: optional(credentials) }),
  createKey: object({ algorithm: oneOf(KEY_ALGORITHMS), label }),
  exportKey: object({ id: keyId, form: oneOf(['freezer', 'legacy'] as const), to: oneOf(['clipboard', 'file'] as const) }),
  importKey: object({ json: str({ min: 2, max: LIMITS.keyJson }), label }),
  importKeyFile: object({ label }),
  setDefaultKey: object({ id: nullable(keyId) }),
  listKeys: emptyParams,
};

export type SettingsRequest = { [K in keyof SettingsRequests]: { id: number; method: K; params: Params<K> } }[keyof SettingsRequests];

/** Parses a raw webview message into a typed settings request, or throws InvalidMessageError. */
export function parseSettingsRequest(msg: unknown): SettingsRequest {
  return parseRequest(msg, settingsRequestChecks) as SettingsRequest;
}
