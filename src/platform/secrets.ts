import * as vscode from 'vscode';
import { exportKeyJson, importKeyJson } from '../core/crypto/keys';
import type { KeyStore } from '../core/service/service';

const AWS_CREDENTIALS = 'freezer.aws.credentials';
const KEY_PREFIX = 'freezer.key.';

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

  /** Key material by key id; the catalogue lists keys, this only holds their bytes. */
  keyStore(): KeyStore {
    const secrets = this.secrets;
    return {
      async get(id) {
        const text = await secrets.get(KEY_PREFIX + id);
        return text ? importKeyJson(text) : undefined;
      },
      async put(key) {
        await secrets.store(KEY_PREFIX + key.id, exportKeyJson(key));
      },
      async delete(id) {
        await secrets.delete(KEY_PREFIX + id);
      },
    };
  }
}
