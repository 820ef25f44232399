import { gunzipSync, gzipSync } from 'node:zlib';
import { parseDescription } from '../archive/description';
import type { KeySource } from '../archive/keyLookup';
import { openPayloadReader } from '../archive/rangeRestore';
import { Fzr1Encryptor, isFzr1 } from '../crypto/fzr1';
import type { KeyMaterial } from '../crypto/keys';
import { FreezerError } from '../errors';
import type { ArchiveManifest } from '../storage/coldStore';

/** Small fzr1 chunks: a manifest is small and its final chunk is padded to a whole chunk. */
const MANIFEST_CHUNK = 16 * 1024;

/**
 * The manifest object's body: gzip(JSON), sealed with fzr1 under the archive's key when the archive
 * is encrypted (so member names are as private as the data, and a changed manifest fails to open).
 */
export function encodeManifest(m: ArchiveManifest, key?: KeyMaterial): Buffer {
  const packed = gzipSync(Buffer.from(JSON.stringify(m)));
  if (!key) return packed;
  if (key.algorithm !== 'AES-256') throw new FreezerError('UnsupportedEncryption', 'Archives in S3 are encrypted with fzr1 (AES-256 keys); choose an AES-256 key for this store.');
  const enc = new Fzr1Encryptor(key, MANIFEST_CHUNK);
  return Buffer.concat([...enc.update(packed), ...enc.finish()]);
}

/** Opens a manifest body; a tampered or mismatched one is `ManifestTampered`, never silently used. */
export async function decodeManifest(body: Buffer, expect: { archiveId: string; key: string }, keys?: KeySource): Promise<ArchiveManifest> {
  let packed: Buffer;
  const encrypted = isFzr1(body.subarray(0, 4));
  if (encrypted) {
    try {
      const reader = await openPayloadReader({ readRange: (s, e) => body.subarray(s, e), archiveSize: body.length, keys });
      packed = await reader.read(0, reader.payloadSize);
    } catch (e) {
      if (FreezerError.is(e, 'WrongKey')) throw e;
      throw tampered(expect.key, e);
    }
  } else {
    packed = body;
  }
  let m: ArchiveManifest;
  try {
    m = JSON.parse(gunzipSync(packed).toString('utf8')) as ArchiveManifest;
  } catch (e) {
    throw tampered(expect.key, e);
  }
  if (m?.format !== 'freezer-s3-manifest') throw tampered(expect.key);
  if (m.version !== 1) throw new FreezerError('UnsupportedFormat', `The manifest ${expect.key} has version ${String(m.version)}; this Freezer reads version 1.`);
  if (m.archiveId !== expect.archiveId || !Array.isArray(m.segments) || !Array.isArray(m.members)) throw tampered(expect.key);
  // A plain manifest claiming an encrypted archive was swapped in for the sealed one.
  let claimsEncrypted = false;
  try {
    claimsEncrypted = parseDescription(m.description).encryption !== 'none';
  } catch {
    throw tampered(expect.key);
  }
  if (claimsEncrypted && !encrypted) throw tampered(expect.key);
  return m;
}

function tampered(key: string, cause?: unknown): FreezerError {
  return new FreezerError('ManifestTampered', `The manifest ${key} fails authentication or is damaged; Freezer does not use it. The archive's data objects are untouched: restore the whole archive, or recover it as docs/RECOVERY.md says.`, { cause });
}
