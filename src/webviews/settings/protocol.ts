/**
 * Messages between the settings panel and its webview. Imported by both sides: types and constants only.
 * Secrets never travel to the webview: it learns only whether AWS keys are stored.
 */
import type { KeyAlgorithm } from '../../core/crypto/keys';

export const SETTINGS_VIEW_TYPE = 'freezer.settings';
export const SETTINGS_PANEL = 'settings';

export type Section = 'aws' | 'encryption' | 'exclusions';
export const SECTIONS: readonly Section[] = ['aws', 'encryption', 'exclusions'];

export type EndpointKind = 'local' | 'aws' | 'url';
export type CredentialSource = 'profile' | 'keys';

/** The form's values; each maps to one `freezer.*` setting (credentials excepted: SecretStorage). */
export interface SettingsValues {
  endpoint: EndpointKind;
  endpointUrl: string;
  region: string;
  accountId: string;
  credentialSource: CredentialSource;
  profile: string;
  snsTopicArn: string;
  notificationQueueUrl: string;
  pollTimeSeconds: number;
  threads: number;
  chunkSizeMiB: number;
  exclusionPaths: string[];
}

/** New explicit keys typed in the form; absent means "keep what is stored". */
export interface NewCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface CredentialsStatus {
  stored: boolean;
  /** Last four characters of the stored access key id (an identifier, not the secret). */
  accessKeyIdHint?: string;
}

export interface KeyView {
  id: string;
  label: string;
  algorithm: KeyAlgorithm;
  fingerprint: string;
  createdAt: string;
  isDefault: boolean;
  legacy: boolean;
}

export interface AlgorithmChoice {
  id: KeyAlgorithm;
  label: string;
  /** Legacy CBC ciphers of the original tool: readable, not recommended for new archives. */
  legacy: boolean;
}

export interface SettingsInit {
  values: SettingsValues;
  credentials: CredentialsStatus;
  keys: KeyView[];
  /** Set when the keys could not be listed (Freezer not set up yet, or the service failed). */
  keysProblem?: string;
  algorithms: AlgorithmChoice[];
  section: Section;
}

export interface SettingsRequests {
  ready: { params: Record<string, never>; result: SettingsInit };
  save: { params: { values: SettingsValues; credentials?: NewCredentials }; result: { values: SettingsValues; credentials: CredentialsStatus } };
  clearCredentials: { params: Record<string, never>; result: CredentialsStatus };
  testConnection: { params: { values: SettingsValues; credentials?: NewCredentials }; result: { vaults: string[] } };
  createKey: { params: { algorithm: KeyAlgorithm; label: string }; result: { keys: KeyView[]; created: KeyView } };
  exportKey: { params: { id: string; form: 'freezer' | 'legacy'; to: 'clipboard' | 'file' }; result: { done: boolean; where?: string } };
  importKey: { params: { json: string; label: string }; result: { keys: KeyView[]; imported: KeyView; alreadyThere: boolean } };
  importKeyFile: { params: { label: string }; result: { keys: KeyView[]; imported: KeyView; alreadyThere: boolean } | null };
  setDefaultKey: { params: { id: string | null }; result: { keys: KeyView[] } };
  listKeys: { params: Record<string, never>; result: { keys: KeyView[]; keysProblem?: string } };
}

export interface SettingsEvents {
  section: { section: Section };
  values: { values: SettingsValues };
  keys: { keys: KeyView[] };
}

/** What the webview keeps with setState. Never holds secrets (the secret-key field is not saved). */
export interface SettingsState {
  version: 1;
  section: Section;
  /** Unsaved edits. */
  draft?: SettingsValues;
}
