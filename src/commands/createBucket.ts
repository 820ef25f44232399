import * as vscode from 'vscode';
import { CancellationError } from '../core/errors';
import { bucketNameProblem, normalizePrefix } from '../core/s3/bucketName';
import { ARCHIVE_STORAGE_CLASSES, STORAGE_CLASS_LABELS } from '../core/s3/storageClass';
import type { StorageClass, VaultInfo } from '../core/service/types';
import type { CommandDeps, FreezerCommand } from './deps';

const CLASS_DETAILS: Record<StorageClass, string> = {
  DEEP_ARCHIVE: 'cheapest to keep (≈ $1 per TB-month); restores within 12 h (Bulk 48 h); 180-day minimum',
  GLACIER: '≈ $3.6 per TB-month; restores in minutes (Expedited) to hours; 90-day minimum',
  GLACIER_IR: '≈ $4 per TB-month; readable at once, no restore; 90-day minimum',
};

/** The storage class: the argument when valid, else a pick with the store's default first. */
export async function pickStorageClass(current: StorageClass | undefined, title: string): Promise<StorageClass> {
  const first = current ?? 'DEEP_ARCHIVE';
  const order = [first, ...ARCHIVE_STORAGE_CLASSES.filter((c) => c !== first)];
  const pick = await vscode.window.showQuickPick(
    order.map((c) => ({ label: c, description: `${STORAGE_CLASS_LABELS[c]}${c === current ? ' · last used here' : ''}`, detail: CLASS_DETAILS[c], c })),
    { title, placeHolder: 'Storage class of the archive (remembered for this store)' },
  );
  if (!pick) throw new CancellationError();
  return pick.c;
}

/** Asks for s3://bucket[/prefix]: the bucket name checked against S3's rules as it is typed. */
async function askLocation(title: string, given: unknown): Promise<string> {
  if (typeof given === 'string' && given) return given;
  const v = await vscode.window.showInputBox({
    title,
    prompt: 'Bucket name, optionally with a key prefix for Freezer\'s objects: my-backups or my-backups/laptop',
    placeHolder: 'my-backups/laptop',
    ignoreFocusOut: true,
    validateInput: (text) => {
      const t = text.trim().replace(/^s3:\/\//i, '');
      if (!t) return 'Enter a bucket name.';
      const slash = t.indexOf('/');
      const name = slash < 0 ? t : t.slice(0, slash);
      const problem = bucketNameProblem(name);
      if (problem) return `"${name}" cannot be an S3 bucket name: it ${problem}.`;
      try {
        normalizePrefix(slash < 0 ? '' : t.slice(slash + 1));
      } catch (e) {
        return (e as Error).message;
      }
      return undefined;
    },
  });
  if (v === undefined) throw new CancellationError();
  return `s3://${v.trim().replace(/^s3:\/\//i, '')}`;
}

async function addStore(deps: CommandDeps, create: boolean, locationArg: unknown, classArg: unknown): Promise<VaultInfo> {
  const location = await askLocation(create ? 'Create Bucket' : 'Add Existing Bucket', locationArg);
  const storageClass = typeof classArg === 'string' ? (classArg as StorageClass) : await pickStorageClass(undefined, `Default storage class of ${location}`);
  const svc = await deps.host.ready();
  const store = await svc.addBucket(location, { create, storageClass });
  deps.log.info(`${create ? 'Created' : 'Added'} bucket store ${store.name} (${store.storageClass})`);
  deps.vaults.refresh();
  return store;
}

export const createBucket: FreezerCommand = {
  id: 'freezer.createBucket',
  run: (deps, location?: unknown, storageClass?: unknown) => addStore(deps, true, location, storageClass),
};

export const addBucket: FreezerCommand = {
  id: 'freezer.addBucket',
  run: (deps, location?: unknown, storageClass?: unknown) => addStore(deps, false, location, storageClass),
};
