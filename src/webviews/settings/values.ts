/** The settings form's values from and to `freezer.*` settings, and error wording (no `vscode`: unit-tested). */
import { KEY_ALGORITHMS } from '../../core/crypto/keys';
import { FreezerError } from '../../core/errors';
import type { FreezerSettings } from '../../platform/settings';
import type { AlgorithmChoice, SettingsValues } from './protocol';

export const ALGORITHM_CHOICES: AlgorithmChoice[] = [
  { id: 'AES-256', label: 'AES-256 — authenticated (fzr1: AES-256-GCM), recommended', legacy: false },
  ...KEY_ALGORITHMS.filter((a) => a !== 'AES-256').map((a) => ({ id: a, label: `${a} — legacy CBC of the original tool (not authenticated; for old archives)`, legacy: true })),
];

/** The form's view of the `freezer.*` settings. */
export function valuesFromSettings(s: FreezerSettings, keysStored: boolean): SettingsValues {
  const url = /^https?:\/\//i.test(s.endpoint);
  return {
    endpoint: s.endpoint === 'aws' ? 'aws' : url ? 'url' : 'local',
    endpointUrl: url ? s.endpoint : '',
    region: s.region,
    accountId: s.accountId,
    credentialSource: keysStored ? 'keys' : 'profile',
    profile: s.profile,
    snsTopicArn: s.snsTopicArn,
    notificationQueueUrl: s.notificationQueueUrl,
    pollTimeSeconds: s.pollTimeSeconds,
    threads: s.threads,
    chunkSizeMiB: s.chunkSizeMiB,
    exclusionPaths: [...s.exclusionPaths],
  };
}

/** The `freezer.endpoint` value for the form's choice. */
export function endpointSetting(v: SettingsValues): string {
  if (v.endpoint !== 'url') return v.endpoint;
  if (!v.endpointUrl) throw new FreezerError('InvalidArgument', 'Enter the endpoint URL (http:// or https://), or choose AWS or the local endpoint.');
  return v.endpointUrl;
}

/** The exact error of a failed call, as the SDK reports it (name, HTTP status, message). */
export function describeConnectionError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const cause = e.cause instanceof Error && e.cause.message !== e.message ? ` (${e.cause.message})` : '';
  return `${e.name}${status ? ` (HTTP ${status})` : ''}: ${e.message}${cause}`;
}
