import { combineTreeHashes, isValidPartSize } from '../../hash/treeHash';
import { invalidParameter, notFound } from '../awsError';
import { receivePart, removeBlob } from '../blobStore';
import { randomId, sendEmpty, sendJson } from '../http';
import { arnOf, getVault, nowIso, type GlacierCall, type GlacierContext } from './context';
import { descriptionHeader, header, requireContentLength, requireHeader, requireTreeHash } from './headers';
import type { ArchiveRecord, UploadRecord } from './model';
import { checkDescription, page, parseLimit } from './validation';

const MAX_PARTS = 10_000;

function getUpload(ctx: GlacierContext, vault: string, uploadId: string): UploadRecord {
  const u = getVault(ctx, vault).uploads.get(uploadId);
  if (!u) throw notFound(`Multipart upload not found for upload ID: ${uploadId}`);
  return u;
}

export async function initiateMultipartUpload(ctx: GlacierContext, call: GlacierCall, vault: string): Promise<void> {
  const v = getVault(ctx, vault);
  const description = checkDescription(descriptionHeader(call.req));
  const sizeHeader = requireHeader(call.req, 'x-amz-part-size');
  const partSize = /^\d+$/.test(sizeHeader) ? Number(sizeHeader) : NaN;
  if (!isValidPartSize(partSize)) {
    throw invalidParameter(`Invalid part size: ${sizeHeader}. Part size must be a megabyte (1024 KB) multiplied by a power of 2, from 1 MB to 4 GB.`);
  }
  const upload: UploadRecord = { vault, uploadId: randomId(69), description, creationDate: nowIso(), partSize, parts: {} };
  await ctx.store.saveUpload(upload);
  v.uploads.set(upload.uploadId, upload);
  sendEmpty(call.res, 201, {
    location: `/${call.account}/vaults/${vault}/multipart-uploads/${upload.uploadId}`,
    'x-amz-multipart-upload-id': upload.uploadId,
  });
}

/** UploadMultipartPart: `Content-Range: bytes S-E/*`, S a multiple of the part size, at most one part long. */
export async function uploadMultipartPart(ctx: GlacierContext, call: GlacierCall, vault: string, uploadId: string): Promise<void> {
  const u = getUpload(ctx, vault, uploadId);
  const range = requireHeader(call.req, 'content-range');
  const m = /^bytes (\d+)-(\d+)\/\*$/.exec(range.trim());
  if (!m) throw invalidParameter(`Invalid Content-Range "${range}": expected "bytes StartByte-EndByte/*".`);
  const start = Number(m[1]);
  const end = Number(m[2]);
  const length = requireContentLength(call.req);
  const expected = requireTreeHash(call.req);
  if (end < start) throw invalidParameter(`Invalid Content-Range "${range}": the end is before the start.`);
  if (start % u.partSize !== 0) {
    throw invalidParameter(`Content-Range start ${start} is not a multiple of the upload's part size (${u.partSize}).`);
  }
  if (end - start + 1 > u.partSize) {
    throw invalidParameter(`Content-Range ${range} covers ${end - start + 1} bytes, more than the part size (${u.partSize}).`);
  }
  if (end - start + 1 !== length) {
    throw invalidParameter(`Content-Range ${range} covers ${end - start + 1} bytes but Content-Length is ${length}.`);
  }
  const index = start / u.partSize;
  if (index >= MAX_PARTS) throw invalidParameter(`A multipart upload has at most ${MAX_PARTS} parts.`);
  const part = await receivePart(call.req, ctx.storage.blobDir(u.uploadId), index, {
    length, treeHash: expected, contentSha256: header(call.req, 'x-amz-content-sha256'),
  });
  if (!getVault(ctx, vault).uploads.has(uploadId)) throw notFound(`Multipart upload not found for upload ID: ${uploadId}`);
  u.parts[String(index)] = part;
  await ctx.store.saveUpload(u);
  sendEmpty(call.res, 204, { 'x-amz-sha256-tree-hash': part.treeHash });
}

/**
 * CompleteMultipartUpload: the parts must cover [0, archive size) exactly, all but the last one part
 * size long, and the archive tree hash (combined from the part hashes) must match the header.
 */
export async function completeMultipartUpload(ctx: GlacierContext, call: GlacierCall, vault: string, uploadId: string): Promise<void> {
  const v = getVault(ctx, vault);
  const u = getUpload(ctx, vault, uploadId);
  const sizeHeader = requireHeader(call.req, 'x-amz-archive-size');
  const expected = requireTreeHash(call.req);
  if (!/^\d+$/.test(sizeHeader) || Number(sizeHeader) === 0) throw invalidParameter(`Invalid x-amz-archive-size "${sizeHeader}".`);
  const size = Number(sizeHeader);
  const count = Math.ceil(size / u.partSize);
  const hashes: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const p = u.parts[String(i)];
    const want = i < count - 1 ? u.partSize : size - (count - 1) * u.partSize;
    if (!p) throw invalidParameter(`Part ${i} (bytes ${i * u.partSize}-${i * u.partSize + want - 1}) was never uploaded; the archive size ${size} needs ${count} parts.`);
    if (p.size !== want) {
      throw invalidParameter(`Part ${i} holds ${p.size} bytes but an archive of ${size} bytes in ${u.partSize}-byte parts needs ${want} there.`);
    }
    hashes.push(Buffer.from(p.treeHash, 'hex'));
  }
  const extra = Object.keys(u.parts).map(Number).filter((i) => i >= count);
  if (extra.length) throw invalidParameter(`Parts beyond the archive size ${size} were uploaded (part ${extra[0]} starts at byte ${extra[0] * u.partSize}).`);
  const actual = combineTreeHashes(hashes).toString('hex');
  if (actual !== expected) {
    throw invalidParameter(`Checksum mismatch: x-amz-sha256-tree-hash is ${expected} but the uploaded parts' SHA-256 tree hash is ${actual}.`);
  }
  const archive: ArchiveRecord = {
    vault, archiveId: randomId(103), description: u.description, creationDate: nowIso(), treeHash: actual,
    blob: { blobId: u.uploadId, size, partSize: u.partSize, partCount: count },
  };
  await ctx.store.saveArchive(archive);
  v.archives.set(archive.archiveId, archive);
  v.uploads.delete(uploadId);
  await ctx.store.removeUpload(u);
  sendEmpty(call.res, 201, {
    location: `/${call.account}/vaults/${vault}/archives/${archive.archiveId}`,
    'x-amz-archive-id': archive.archiveId,
    'x-amz-sha256-tree-hash': actual,
  });
}

export async function abortMultipartUpload(ctx: GlacierContext, call: GlacierCall, vault: string, uploadId: string): Promise<void> {
  const u = getUpload(ctx, vault, uploadId);
  getVault(ctx, vault).uploads.delete(uploadId);
  await ctx.store.removeUpload(u);
  await removeBlob(ctx.storage.blobsRoot, u.uploadId);
  sendEmpty(call.res, 204);
}

export function listParts(ctx: GlacierContext, call: GlacierCall, vault: string, uploadId: string): void {
  const u = getUpload(ctx, vault, uploadId);
  const limit = parseLimit(call.query.get('limit'), 1000, 1000);
  const parts = Object.entries(u.parts)
    .map(([i, p]) => ({ index: Number(i), ...p }))
    .sort((a, b) => a.index - b.index);
  const p = page(parts, (x) => String(x.index * u.partSize), call.query.get('marker'), limit);
  sendJson(call.res, 200, {
    ArchiveDescription: u.description,
    CreationDate: u.creationDate,
    Marker: p.marker,
    MultipartUploadId: u.uploadId,
    PartSizeInBytes: u.partSize,
    Parts: p.items.map((x) => ({ RangeInBytes: `${x.index * u.partSize}-${x.index * u.partSize + x.size - 1}`, SHA256TreeHash: x.treeHash })),
    VaultARN: arnOf(ctx, vault),
  });
}

export function listMultipartUploads(ctx: GlacierContext, call: GlacierCall, vault: string): void {
  const v = getVault(ctx, vault);
  const limit = parseLimit(call.query.get('limit'), 1000, 1000);
  const all = [...v.uploads.values()].sort((a, b) => a.creationDate.localeCompare(b.creationDate));
  const p = page(all, (u) => u.uploadId, call.query.get('marker'), limit);
  sendJson(call.res, 200, {
    Marker: p.marker,
    UploadsList: p.items.map((u) => ({
      ArchiveDescription: u.description, CreationDate: u.creationDate, MultipartUploadId: u.uploadId,
      PartSizeInBytes: u.partSize, VaultARN: arnOf(ctx, vault),
    })),
  });
}
