/**
 * What the fault battery needs to know about one kind of store, so the same runs (kills, lost answers,
 * fault rates) go against each: how to create one with the CLI, which CLI arguments pick it, how many
 * archives the endpoint holds in it, and which endpoint operations carry its uploads and downloads.
 * A new store kind (S3) adds a driver here and to the battery's list.
 */
import { DescribeVaultCommand, GlacierClient } from '@aws-sdk/client-glacier';
import type { ObservedRequest } from '../../../src/core/endpoint';

export interface StoreDriver {
  /** Shown in the summary lines, e.g. `vault`. */
  kind: string;
  /** CLI arguments that create the store `name`. */
  createArgs(name: string): string[];
  /** CLI arguments that pick the store `name` for `freeze` (and `archives`). */
  freezeArgs(name: string): string[];
  /** `archives` positional naming the store. */
  listRef(name: string): string;
  /** Archives (objects that count as one billed archive) the endpoint holds in the store. */
  archivesAt(name: string): Promise<number>;
  /** For a request to the store `name` that stored one upload part: a key naming the part (same part, same key), else undefined. */
  partKey(r: ObservedRequest, name: string): string | undefined;
  /** Operations of the freeze → retrieve → download path that change state at the endpoint. */
  mutatingOperations: readonly string[];
  /** The operation whose answer carries archive bytes back (cut-body runs, download kills). */
  downloadOperation: string;
  close(): void;
}

/** A Glacier vault on the local endpoint. */
export function vaultDriver(endpoint: { url: string; region: string }): StoreDriver {
  const glacier = new GlacierClient({ endpoint: endpoint.url, region: endpoint.region, credentials: { accessKeyId: 'battery', secretAccessKey: 'battery' } });
  return {
    kind: 'vault',
    createArgs: (name) => ['vault', 'create', name],
    freezeArgs: (name) => ['--vault', name],
    listRef: (name) => name,
    async archivesAt(name) {
      return (await glacier.send(new DescribeVaultCommand({ accountId: '-', vaultName: name }))).NumberOfArchives ?? 0;
    },
    partKey(r, name) {
      if (r.operation !== 'UploadMultipartPart' || r.status === undefined || r.status >= 300) return undefined;
      if (!r.url.includes(`/vaults/${encodeURIComponent(name)}/`)) return undefined;
      // One archive per store in a run, so a byte range names a part across every upload of it.
      return `${String(r.headers['content-range'])} ${String(r.headers['x-amz-sha256-tree-hash'])}`;
    },
    mutatingOperations: ['InitiateMultipartUpload', 'UploadMultipartPart', 'CompleteMultipartUpload', 'InitiateJob'],
    downloadOperation: 'GetJobOutput',
    close: () => glacier.destroy(),
  };
}
