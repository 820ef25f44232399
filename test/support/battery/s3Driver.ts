/**
 * The fault battery's S3 bucket store: a bucket with a prefix on the local endpoint, archives in
 * DEEP_ARCHIVE (restored with Standard, whose delay the endpoint keeps short), 5 MiB parts and 8 MiB
 * segments so one freeze holds multipart segments, a single-PUT segment and the manifest.
 */
import { ListMultipartUploadsCommand, ListObjectsV2Command, ListPartsCommand, S3Client } from '@aws-sdk/client-s3';
import type { ObservedRequest } from '../../../src/core/endpoint';
import { MIB } from '../../../src/core/s3/layout';
import type { StoreDriver, StoreDriverSpec } from './storeDriver';

const PREFIX = 'battery';
const ROOT = `${PREFIX}/freezer/v1/`;

/** Path and query of a request the endpoint saw (path-style: /bucket/key?query). */
const where = (r: ObservedRequest) => new URL(r.url, 'http://endpoint');
const keyOf = (r: ObservedRequest, bucket: string): string | undefined => {
  const p = decodeURIComponent(where(r).pathname);
  return p.startsWith(`/${bucket}/`) ? p.slice(bucket.length + 2) : undefined;
};
const isData = (key: string | undefined) => !!key?.startsWith(`${ROOT}data/`);

/** The objects under Freezer's root, grouped by archive id: segments and whether the manifest is there. */
async function objectSets(s3: S3Client, bucket: string): Promise<Map<string, { segments: number; manifest: boolean }>> {
  const sets = new Map<string, { segments: number; manifest: boolean }>();
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: ROOT, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const rest = (o.Key ?? '').slice(ROOT.length);
      const m = /^data\/([^/]+)\/\d{6}$/.exec(rest) ?? /^manifests\/([^/]+)\.json\.gz$/.exec(rest);
      if (!m) continue;
      const s = sets.get(m[1]) ?? { segments: 0, manifest: false };
      if (rest.startsWith('data/')) s.segments++;
      else s.manifest = true;
      sets.set(m[1], s);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return sets;
}

export const s3DriverSpec: StoreDriverSpec = {
  kind: 'bucket',
  // Short Standard restores: the battery sees restores in progress, then ready, within a run.
  endpoint: { jobDelays: { Standard: 300 } },
  config: { 'segment-size': '8MiB' },
  // 16 MiB of noise: three segments (5 + 3 MiB parts, twice, then one small PUT) and the manifest.
  bigFileBytes: 16 * MIB + 123,
  create(endpoint, seen): StoreDriver {
    const s3 = new S3Client({ endpoint: endpoint.url, region: endpoint.region, forcePathStyle: true, credentials: { accessKeyId: 'battery', secretAccessKey: 'battery' } });
    return {
      kind: 'bucket',
      createArgs: (name) => ['bucket', 'create', `s3://${name}/${PREFIX}`],
      freezeArgs: (name) => ['--store', `s3://${name}/${PREFIX}`],
      storeName: (name) => `s3://${name}/${PREFIX}`,
      touches: (r, name) => keyOf(r, name) !== undefined,
      // DEEP_ARCHIVE has no Expedited tier.
      retrieveTier: 'Standard',
      async archivesAt(name) {
        return (await objectSets(s3, name)).size;
      },
      async leftovers(name) {
        const out: string[] = [];
        for (const [id, s] of await objectSets(s3, name)) {
          if (!s.manifest) out.push(`${s.segments} segment object(s) of ${id} without a manifest`);
        }
        // A multipart upload left open holds billed parts no listing of objects shows.
        const open = await s3.send(new ListMultipartUploadsCommand({ Bucket: name, Prefix: ROOT }));
        for (const u of open.Uploads ?? []) {
          const parts = await s3.send(new ListPartsCommand({ Bucket: name, Key: u.Key, UploadId: u.UploadId }));
          out.push(`an open multipart upload of ${u.Key} with ${parts.Parts?.length ?? 0} part(s)`);
        }
        return out;
      },
      partKey(r, name) {
        if (r.status === undefined || r.status >= 300) return undefined;
        const key = keyOf(r, name);
        if (!isData(key)) return undefined;
        // Segment index and part number (not the archive id): a resume that started a new archive
        // id would send the same bytes under new keys, and must count as re-sent.
        const seg = key!.slice(-6);
        const sha = String(r.headers['x-amz-checksum-sha256'] ?? r.headers['content-md5'] ?? '');
        if (r.operation === 'UploadPart') return `${seg}#${where(r).searchParams.get('partNumber')} ${sha}`;
        if (r.operation === 'PutObject') return `${seg} ${sha}`;
        return undefined;
      },
      partOperation: 'UploadPart',
      mutatingOperations: ['CreateMultipartUpload', 'UploadPart', 'CompleteMultipartUpload', 'PutObject', 'RestoreObject'],
      downloadOperation: 'GetObject',
      lostAnswers(name) {
        // A segment write whose answer was lost is settled by HEAD before anything of it is sent again.
        const problems: string[] = [];
        let settled = 0;
        seen.forEach((r, i) => {
          if (r.fault !== 'apply-then-drop' || !['CompleteMultipartUpload', 'PutObject'].includes(r.operation)) return;
          const key = keyOf(r, name);
          if (!isData(key)) return;
          const next = seen.slice(i + 1).find((x) => keyOf(x, name) === key);
          if (next?.operation === 'HeadObject') settled++;
          else if (next) problems.push(`after the lost answer of ${r.operation} ${key}, ${next.operation} came before any HEAD`);
        });
        return { settled, problems };
      },
      close: () => s3.destroy(),
    };
  },
};
