import { createHash } from 'node:crypto';
import fsp from 'node:fs/promises';
import type { Storage } from '../storage';
import type { BucketRecord, ObjectRecord, UploadRecord } from './model';
import { removeBlobDir } from './objectBlob';

export interface BucketState {
  record: BucketRecord;
  objects: Map<string, ObjectRecord>;
  uploads: Map<string, UploadRecord>;
  /** Keys in S3's listing order (UTF-8 bytes), rebuilt after a change. */
  sorted?: string[];
}

const keyFile = (key: string): string => `${createHash('sha256').update(key, 'utf8').digest('hex')}.json`;

export const compareKeys = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Blob directories of S3 objects and uploads start with these, so orphans can be told from Glacier's. */
export const OBJECT_BLOB_PREFIX = 's3o-';
export const UPLOAD_BLOB_PREFIX = 's3u-';

/**
 * S3's state: in memory for listing, written through to one JSON file per bucket, object and upload
 * (meta/s3/…), each replaced atomically, so a restart keeps objects, uploads and restores.
 */
export class S3Store {
  readonly buckets = new Map<string, BucketState>();

  constructor(private readonly storage: Storage) {}

  async load(): Promise<void> {
    const s = this.storage;
    const used = new Set<string>();
    for (const record of await s.readAll<BucketRecord>(s.meta('s3', 'buckets'))) {
      const b: BucketState = { record, objects: new Map(), uploads: new Map() };
      for (const o of await s.readAll<ObjectRecord>(s.meta('s3', 'objects', record.name))) { b.objects.set(o.key, o); used.add(o.blob.dir); }
      for (const u of await s.readAll<UploadRecord>(s.meta('s3', 'uploads', record.name))) { b.uploads.set(u.uploadId, u); used.add(UPLOAD_BLOB_PREFIX + u.uploadId); }
      this.buckets.set(record.name, b);
    }
    // Bytes received for a request that never committed (killed mid-upload) are not anybody's.
    for (const name of await fsp.readdir(s.blobsRoot).catch(() => [] as string[])) {
      if ((name.startsWith(OBJECT_BLOB_PREFIX) || name.startsWith(UPLOAD_BLOB_PREFIX)) && !used.has(name)) await removeBlobDir(s.blobsRoot, name);
    }
  }

  sortedKeys(b: BucketState): string[] {
    return (b.sorted ??= [...b.objects.keys()].sort(compareKeys));
  }

  saveBucket(r: BucketRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('s3', 'buckets', `${r.name}.json`), r);
  }

  async removeBucket(name: string): Promise<void> {
    const s = this.storage;
    await s.remove(s.meta('s3', 'buckets', `${name}.json`));
    await s.remove(s.meta('s3', 'objects', name));
    await s.remove(s.meta('s3', 'uploads', name));
  }

  async putObject(b: BucketState, o: ObjectRecord): Promise<void> {
    await this.storage.writeJson(this.storage.meta('s3', 'objects', o.bucket, keyFile(o.key)), o);
    if (!b.objects.has(o.key)) b.sorted = undefined;
    b.objects.set(o.key, o);
  }

  /** Writes a changed record (restore state) of an object still current. */
  saveObject(o: ObjectRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('s3', 'objects', o.bucket, keyFile(o.key)), o);
  }

  async removeObject(b: BucketState, key: string): Promise<void> {
    b.objects.delete(key);
    b.sorted = undefined;
    await this.storage.remove(this.storage.meta('s3', 'objects', b.record.name, keyFile(key)));
  }

  saveUpload(u: UploadRecord): Promise<void> {
    return this.storage.writeJson(this.storage.meta('s3', 'uploads', u.bucket, `${u.uploadId}.json`), u);
  }

  removeUpload(u: UploadRecord): Promise<void> {
    return this.storage.remove(this.storage.meta('s3', 'uploads', u.bucket, `${u.uploadId}.json`));
  }
}
