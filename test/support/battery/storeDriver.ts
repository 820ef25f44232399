/**
 * What the fault battery needs to know about one kind of store, so the same runs (kills, lost answers,
 * fault rates) go against each: how to create one with the CLI, which CLI arguments pick it, how many
 * archives the endpoint holds in it, and which endpoint operations carry its uploads and downloads.
 * A new store kind adds a driver spec (here, or in its own file as s3Driver.ts) to the battery's list.
 */
import { DescribeVaultCommand, GlacierClient } from '@aws-sdk/client-glacier';
import type { LocalEndpointOptions, ObservedRequest } from '../../../src/core/endpoint';

export interface StoreDriver {
  /** Shown in the summary lines, e.g. `vault`. */
  kind: string;
  /** CLI arguments that create the store `name`. */
  createArgs(name: string): string[];
  /** CLI arguments that pick the store `name` for `freeze`. */
  freezeArgs(name: string): string[];
  /** The store's name in the catalogue (and in `archives`). */
  storeName(name: string): string;
  /** Whether the endpoint request concerns the store `name`. */
  touches(r: ObservedRequest, name: string): boolean;
  /** Tier of the battery's retrievals. */
  retrieveTier: 'Expedited' | 'Standard' | 'Bulk';
  /** Archives (object sets that count as one billed archive) the endpoint holds in the store. */
  archivesAt(name: string): Promise<number>;
  /** What the store holds beside whole archives (billed but unlisted): each a sentence; none is the goal. */
  leftovers?(name: string): Promise<string[]>;
  /** For a request to the store `name` that stored one upload part: a key naming the part (same part, same key), else undefined. */
  partKey(r: ObservedRequest, name: string): string | undefined;
  /** The operation sending one part of a multipart upload (its lost answer forces one re-send). */
  partOperation: string;
  /** Operations of the freeze → retrieve → download path that change state at the endpoint. */
  mutatingOperations: readonly string[];
  /** The operation whose answer carries archive bytes back (cut-body runs, download kills). */
  downloadOperation: string;
  /** Lost write answers in the store `name`: how many were settled by a read first, and what was sent again unsettled (none is the goal). */
  lostAnswers?(name: string): { settled: number; problems: string[] };
  close(): void;
}

/** How the battery sets up for one kind of store, and makes its driver once the endpoint runs. */
export interface StoreDriverSpec {
  kind: string;
  /** Endpoint options the store needs (e.g. restore delays). */
  endpoint?: Pick<LocalEndpointOptions, 'jobDelays'>;
  /** Extra freezer.conf settings. */
  config?: Record<string, string | number>;
  /** Size of the source's largest file (enough for several parts of the store's part size). */
  bigFileBytes?: number;
  create(endpoint: { url: string; region: string }, seen: readonly ObservedRequest[]): StoreDriver;
}

export const vaultDriverSpec: StoreDriverSpec = { kind: 'vault', create: (endpoint, seen) => vaultDriver(endpoint, seen) };

/** A Glacier vault on the local endpoint; `seen` is every request the endpoint observed. */
export function vaultDriver(endpoint: { url: string; region: string }, seen: readonly ObservedRequest[]): StoreDriver {
  // Catalogue snapshots (docs/RECOVERY.md) are small archives beside the user's: not counted as freezes.
  const snapshotsIn = (name: string): number => seen.filter((r) => r.operation === 'UploadArchive' && r.url.includes(`/vaults/${encodeURIComponent(name)}/`)
    && /kind=catalogue/.test(String(r.headers['x-amz-archive-description'] ?? '')) && (r.status === 201 || r.fault === 'apply-then-drop' || r.fault === 'cut-body')).length;
  const glacier = new GlacierClient({ endpoint: endpoint.url, region: endpoint.region, credentials: { accessKeyId: 'battery', secretAccessKey: 'battery' } });
  return {
    kind: 'vault',
    createArgs: (name) => ['vault', 'create', name],
    freezeArgs: (name) => ['--vault', name],
    storeName: (name) => name,
    touches: (r, name) => r.url.includes(`/vaults/${encodeURIComponent(name)}/`),
    retrieveTier: 'Expedited',
    async archivesAt(name) {
      return ((await glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: name }))).NumberOfArchives ?? 0) - snapshotsIn(name);
    },
    partKey(r, name) {
      if (r.operation !== 'UploadMultipartPart' || r.status === undefined || r.status >= 300) return undefined;
      if (!r.url.includes(`/vaults/${encodeURIComponent(name)}/`)) return undefined;
      // One archive per store in a run, so a byte range names a part across every upload of it.
      return `${String(r.headers['content-range'])} ${String(r.headers['x-amz-sha256-tree-hash'])}`;
    },
    partOperation: 'UploadMultipartPart',
    mutatingOperations: ['InitiateMultipartUpload', 'UploadMultipartPart', 'CompleteMultipartUpload', 'InitiateJob'],
    downloadOperation: 'GetJobOutput',
    close: () => glacier.destroy(),
  };
}
