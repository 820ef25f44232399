import * as vscode from 'vscode';
import { exportKeyJson, importKeyJson } from '../core/crypto/keys';
import type { KeyStore } from '../core/service/service';

const AWS_CREDENTIALS = 'freezer.aws.credentials';
const KEY_PREFIX = 'freezer.key.';
/** SecretStorage cannot be listed: this entry names the keys held (and the default), so a lost catalogue loses none. */
const KEY_INDEX = 'freezer.keys.index';

interface KeyIndex {
  ids: string[];
  defaultKeyId?: string;
}

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Everything secret Freezer keeps: the AWS access key pair and encryption key bytes, in VS Code's
 * SecretStorage only (never settings, logs or the catalogue).
 */
export class FreezerSecrets {
  /** Fires when the AWS credentials change (the service is rebuilt with them). */
  readonly onDidChangeAwsCredentials: vscode.Event<void>;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.onDidChangeAwsCredentials = (listener, thisArg, disposables) =>
      secrets.onDidChange((e) => { if (e.key === AWS_CREDENTIALS) listener.call(thisArg, undefined); }, undefined, disposables);
  }

  async getAwsCredentials(): Promise<AwsCredentials | undefined> {
    const text = await this.secrets.get(AWS_CREDENTIALS);
    if (!text) return undefined;
    try {
      const o = JSON.parse(text) as Partial<AwsCredentials>;
      return o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined;
    } catch {
      return undefined;
    }
  }

  async setAwsCredentials(c: AwsCredentials | undefined): Promise<void> {
    if (!c) await this.secrets.delete(AWS_CREDENTIALS);
    else await this.secrets.store(AWS_CREDENTIALS, JSON.stringify({ accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }));
  }

  /** Key material by key id, and the index of the ids held; the catalogue only lists their facts. */
  keyStore(): KeyStore {
    const secrets = this.secrets;
    let queue: Promise<unknown> = Promise.resolve();
    const readIndex = async (): Promise<KeyIndex> => {
      try {
        const o = JSON.parse((await secrets.get(KEY_INDEX)) ?? '{}') as Partial<KeyIndex>;
        return { ids: Array.isArray(o.ids) ? o.ids.filter((x): x is string => typeof x === 'string') : [], ...(typeof o.defaultKeyId === 'string' ? { defaultKeyId: o.defaultKeyId } : {}) };
      } catch {
        return { ids: [] };
      }
    };
    // Read-modify-write of the index, one at a time in this window.
    const updateIndex = (fn: (i: KeyIndex) => KeyIndex): Promise<void> => {
      const next = queue.catch(() => undefined).then(async () => {
        const before = await readIndex();
        const after = fn({ ids: [...before.ids], ...(before.defaultKeyId ? { defaultKeyId: before.defaultKeyId } : {}) });
        if (JSON.stringify(after) !== JSON.stringify(before)) await secrets.store(KEY_INDEX, JSON.stringify(after));
      });
      queue = next;
      return next;
    };
    return {
      async get(id) {
        const text = await secrets.get(KEY_PREFIX + id);
        return text ? importKeyJson(text) : undefined;
      },
      async put(key) {
        await secrets.store(KEY_PREFIX + key.id, exportKeyJson(key));
        await updateIndex((i) => (i.ids.includes(key.id) ? i : { ...i, ids: [...i.ids, key.id] }));
      },
      async delete(id) {
        await secrets.delete(KEY_PREFIX + id);
        await updateIndex((i) => ({ ids: i.ids.filter((x) => x !== id), ...(i.defaultKeyId && i.defaultKeyId !== id ? { defaultKeyId: i.defaultKeyId } : {}) }));
      },
      async list() {
        return (await readIndex()).ids;
      },
      async getDefault() {
        return (await readIndex()).defaultKeyId;
      },
      async setDefault(id) {
        await updateIndex((i) => ({ ids: i.ids, ...(id ? { defaultKeyId: id } : {}) }));
      },
    };
  }
}
