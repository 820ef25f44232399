import * as vscode from 'vscode';
import type { Compression } from '../core/archive/description';

export const SECTION = 'freezer';

/** The `freezer.*` settings, typed. Keys match package.json `contributes.configuration`. */
export interface FreezerSettings {
  /** 'local' (embedded endpoint), 'aws', an http(s):// URL, or '' when not configured yet. */
  endpoint: string;
  region: string;
  accountId: string;
  profile: string;
  notificationQueueUrl: string;
  snsTopicArn: string;
  pollTimeSeconds: number;
  threads: number;
  chunkSizeMiB: number;
  databasePath: string;
  uploadFolder: string;
  localEndpointFolder: string;
  defaultCompression: Compression;
  backupFilterPatterns: string[];
  exclusionPaths: string[];
  /** The user chose "Always Freeze Unencrypted" when Freezer had no key: no more asking. */
  allowUnencrypted: boolean;
  fileDecorations: boolean;
  /** Archives per page in the Vaults view. */
  pageSize: number;
  /** Days an S3 restore keeps its restored copy. */
  restoredCopyDays: number;
}

export type SettingKey = keyof FreezerSettings;

const DEFAULTS: FreezerSettings = {
  endpoint: '',
  region: 'us-east-1',
  accountId: '-',
  profile: '',
  notificationQueueUrl: '',
  snsTopicArn: '',
  pollTimeSeconds: 20,
  threads: 4,
  chunkSizeMiB: 0,
  databasePath: '',
  uploadFolder: '',
  localEndpointFolder: '',
  defaultCompression: 'zstd',
  backupFilterPatterns: [],
  exclusionPaths: [],
  allowUnencrypted: false,
  fileDecorations: true,
  pageSize: 100,
  restoredCopyDays: 3,
};

export const SETTING_KEYS = Object.keys(DEFAULTS) as SettingKey[];

const NUMBER_BOUNDS: [('pollTimeSeconds' | 'threads' | 'chunkSizeMiB' | 'pageSize' | 'restoredCopyDays'), number, number][] = [
  ['pollTimeSeconds', 1, 20], ['threads', 1, 32], ['chunkSizeMiB', 0, 4096], ['pageSize', 10, 1000], ['restoredCopyDays', 1, 30],
];

/** Reads the whole `freezer` section; values VS Code does not know fall back to the defaults above. */
export function readSettings(): FreezerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const out = {} as Record<SettingKey, unknown>;
  for (const key of SETTING_KEYS) out[key] = cfg.get(key, DEFAULTS[key]);
  const s = out as unknown as FreezerSettings;
  s.endpoint = String(s.endpoint ?? '').trim();
  // settings.json is not checked against the schema's bounds: keep numbers where package.json says.
  for (const [key, min, max] of NUMBER_BOUNDS) {
    const v = Number(s[key]);
    s[key] = Number.isFinite(v) ? Math.min(max, Math.max(min, Math.floor(v))) : DEFAULTS[key];
  }
  return s;
}

/** Writes one setting in the user settings (global), or removes it when `value` is undefined. */
export async function updateSetting<K extends SettingKey>(key: K, value: FreezerSettings[K] | undefined): Promise<void> {
  await vscode.workspace.getConfiguration(SECTION).update(key, value, vscode.ConfigurationTarget.Global);
}

/** True when Freezer has somewhere to keep vaults: the local endpoint, AWS or a custom URL. */
export function isConfigured(s: Pick<FreezerSettings, 'endpoint'>): boolean {
  return s.endpoint === 'local' || s.endpoint === 'aws' || /^https?:\/\//i.test(s.endpoint);
}
