import { randomBytes } from 'node:crypto';
import { FreezerError } from '../errors';
import { parseKeyAlgorithm, type KeyAlgorithm } from '../crypto/keys';

export type Compression = 'gzip' | 'bzip2' | 'zstd' | 'none';
export type EncryptionFormat = 'fzr1' | 'legacy-cbc' | 'none';

/** What an archive's Glacier description says about it. */
export interface ArchiveDescription {
  name: string;
  compression: Compression;
  encryption: EncryptionFormat;
  /** fzr1: key fingerprint; legacy: absent (legacy ids are database rows, match on algorithm instead). */
  keyId?: string;
  /** The cipher and key size (legacy archives name it; fzr1 is always AES-256). */
  algorithm?: KeyAlgorithm;
  /** Legacy descriptions end with the old database's key row id. */
  legacyKeyId?: number;
  /** True when parsed from the original tool's `file.tar.gz:AES-256-3` form. */
  legacy: boolean;
  /** Creation time (ISO 8601), when recorded. */
  created?: string;
  /**
   * A random token unique to this archive (`u=`). Glacier answers the archive id only to the
   * CompleteMultipartUpload whose answer may be lost: the token finds the archive in an inventory.
   */
  token?: string;
}

export const DESCRIPTION_PREFIX = 'freezer/1';
export const MAX_DESCRIPTION_LENGTH = 1024;
const PRINTABLE = /^[\x20-\x7e]*$/;
const ARCHIVE_TOKEN = /^[A-Za-z0-9_-]{16,64}$/;

/** A new archive token: 128 random bits. */
export function newArchiveToken(): string {
  return randomBytes(16).toString('base64url');
}

/** The token of a description, if it has one (undefined for legacy or unparseable text). */
export function descriptionToken(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    return parseDescription(text).token;
  } catch {
    return undefined;
  }
}
const COMPRESSIONS: readonly Compression[] = ['gzip', 'bzip2', 'zstd', 'none'];
const ENCRYPTIONS: readonly EncryptionFormat[] = ['fzr1', 'legacy-cbc', 'none'];

// Percent-encode everything but a conservative printable set (';', '=', '%' and non-ASCII are encoded).
function encodeName(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'))
    .map((b) => (/[A-Za-z0-9 ._\-()+,@~!'[\]{}#&$^]/.test(String.fromCharCode(b)) && b < 0x80 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`))
    .join('');
}

/** Cuts a percent-encoded name to `room` characters without splitting an escape or a UTF-8 character. */
function shortenEncoded(enc: string, room: number): string {
  if (enc.length <= room) return enc;
  const tokens = enc.match(/%[0-9A-F]{2}|[^%]/g) ?? [];
  let len = 0;
  let n = 0;
  while (n < tokens.length && len + tokens[n].length <= room) len += tokens[n++].length;
  const kept = tokens.slice(0, n);
  const byteOf = (t: string): number => (t.length === 3 ? parseInt(t.slice(1), 16) : t.charCodeAt(0));
  let lead = kept.length - 1;
  while (lead >= 0 && (byteOf(kept[lead]) & 0xc0) === 0x80) lead--;
  if (lead >= 0) {
    const b = byteOf(kept[lead]);
    const need = b < 0x80 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
    if (kept.length - lead < need) kept.length = lead;
  }
  return kept.join('');
}

function decodeName(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new FreezerError('InvalidDescription', 'The archive description has a badly encoded name.');
  }
}

/**
 * Our description: `freezer/1;name=<pct-encoded>;c=<compression>;e=<encryption>[;alg=AES-256][;key=<fingerprint>][;t=<ISO time>][;u=<token>]`.
 * A name too long for Glacier's 1024-character limit is shortened (the catalogue keeps the full one).
 */
export function formatDescription(d: Omit<ArchiveDescription, 'legacy'> & { legacy?: boolean }): string {
  if (d.legacy) return formatLegacyDescription(d);
  const tail = [`c=${d.compression}`, `e=${d.encryption}`];
  if (d.algorithm) tail.push(`alg=${d.algorithm}`);
  if (d.keyId) tail.push(`key=${d.keyId}`);
  if (d.created) tail.push(`t=${d.created}`);
  if (d.token) {
    if (!ARCHIVE_TOKEN.test(d.token)) throw new FreezerError('InvalidDescription', 'An archive token is 16–64 letters, digits, "-" or "_".');
    tail.push(`u=${d.token}`);
  }
  const suffix = ';' + tail.join(';');
  const head = `${DESCRIPTION_PREFIX};name=`;
  const room = MAX_DESCRIPTION_LENGTH - head.length - suffix.length;
  if (room < 1) throw new FreezerError('InvalidDescription', 'The archive description does not fit in 1024 characters.');
  const name = shortenEncoded(encodeName(d.name), room);
  const out = head + name + suffix;
  if (!PRINTABLE.test(out) || out.length > MAX_DESCRIPTION_LENGTH) throw new FreezerError('InvalidDescription', 'The archive description must be at most 1024 printable ASCII characters.');
  return out;
}

const LEGACY_EXT: Array<[string, Compression]> = [['.tar.gz', 'gzip'], ['.tgz', 'gzip'], ['.tar.bz2', 'bzip2'], ['.tar.zst', 'zstd'], ['.tar', 'none']];

/** The original tool's form `<file>.tar.gz[:<ALG>-<bits>-<key row id>]` (used when writing legacy archives). */
export function formatLegacyDescription(d: { name: string; compression: Compression; algorithm?: KeyAlgorithm; legacyKeyId?: number; encryption: EncryptionFormat }): string {
  const ext = LEGACY_EXT.find(([, c]) => c === d.compression)![0];
  let out = d.name + ext;
  if (d.encryption !== 'none') {
    if (!d.algorithm) throw new FreezerError('InvalidArgument', 'A legacy description of an encrypted archive needs the key algorithm.');
    out += `:${d.algorithm}-${d.legacyKeyId ?? -1}`;
  }
  if (!PRINTABLE.test(out) || out.length > MAX_DESCRIPTION_LENGTH) throw new FreezerError('InvalidDescription', 'The archive description must be at most 1024 printable ASCII characters.');
  return out;
}

/** Parses ours or the original tool's description. Unknown text is read as a legacy unencrypted file name. */
export function parseDescription(text: string): ArchiveDescription {
  if (text.startsWith(DESCRIPTION_PREFIX + ';')) {
    const fields = new Map<string, string>();
    for (const part of text.slice(DESCRIPTION_PREFIX.length + 1).split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
    }
    const c = fields.get('c') as Compression;
    const e = fields.get('e') as EncryptionFormat;
    if (!COMPRESSIONS.includes(c) || !ENCRYPTIONS.includes(e) || !fields.has('name')) {
      throw new FreezerError('InvalidDescription', `The archive description "${text.slice(0, 80)}" is not one Freezer wrote (bad c=, e= or name=).`);
    }
    const alg = fields.get('alg');
    return {
      name: decodeName(fields.get('name')!),
      compression: c,
      encryption: e,
      ...(fields.get('key') ? { keyId: fields.get('key') } : {}),
      ...(alg ? { algorithm: parseAlg(alg) } : e === 'fzr1' ? { algorithm: 'AES-256' as KeyAlgorithm } : {}),
      ...(fields.get('t') ? { created: fields.get('t') } : {}),
      ...(fields.get('u') && ARCHIVE_TOKEN.test(fields.get('u')!) ? { token: fields.get('u') } : {}),
      legacy: false,
    };
  }
  let file = text;
  let algorithm: KeyAlgorithm | undefined;
  let legacyKeyId: number | undefined;
  const colon = text.lastIndexOf(':');
  if (colon >= 0) {
    const m = /^([A-Za-z0-9]+)-(\d+)-(-?\d+)$/.exec(text.slice(colon + 1));
    if (m) {
      file = text.slice(0, colon);
      algorithm = parseKeyAlgorithm(m[1], Number(m[2]));
      legacyKeyId = Number(m[3]);
    }
  }
  const base = file.split('/').pop()!;
  const ext = LEGACY_EXT.find(([x]) => base.toLowerCase().endsWith(x));
  return {
    name: ext ? base.slice(0, base.length - ext[0].length) : base,
    compression: ext ? ext[1] : 'none',
    encryption: algorithm ? 'legacy-cbc' : 'none',
    ...(algorithm ? { algorithm } : {}),
    ...(legacyKeyId !== undefined ? { legacyKeyId } : {}),
    legacy: true,
  };
}

function parseAlg(s: string): KeyAlgorithm {
  const i = s.lastIndexOf('-');
  return parseKeyAlgorithm(s.slice(0, i), Number(s.slice(i + 1)));
}
