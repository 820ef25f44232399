import type { ArchiveRecord, JobRecord } from './types';

export type ArchiveState = 'building' | 'uploading' | 'local' | 'liquid' | 'frozen' | 'melting' | 'melted' | 'invalid';

/** What the latest retrieval job of an archive says. */
export type RetrievalFact = 'none' | 'pending' | 'ready' | 'failed' | 'expired';

/** Everything the state depends on (docs/CATALOGUE.md, "Archive state"). */
export interface ArchiveFacts {
  building: boolean;
  uploading: boolean;
  /** Glacier holds it: it has an archive id and was not deleted / missing there. */
  remote: boolean;
  /** The local archive file exists. */
  localFile: boolean;
  retrieval: RetrievalFact;
}

/** Glacier keeps a job's output for 24 hours after completion. */
export const JOB_OUTPUT_LIFETIME_MS = 24 * 3600 * 1000;

/** The state of an archive, first matching rule wins (the table in docs/CATALOGUE.md). */
export function archiveState(f: ArchiveFacts): ArchiveState {
  if (f.building) return 'building';
  if (f.uploading) return 'uploading';
  if (f.localFile) return f.remote ? 'liquid' : 'local';
  if (!f.remote) return 'invalid';
  if (f.retrieval === 'pending') return 'melting';
  if (f.retrieval === 'ready') return 'melted';
  return 'frozen';
}

/**
 * Facts of a catalogued archive. The caller checks the file system: whether the local archive file
 * exists and, for a finished retrieval, whether its output was already downloaded (`outputExists`).
 */
export function archiveFacts(
  a: Pick<ArchiveRecord, 'building' | 'uploading' | 'glacierId' | 'deletedRemote'>,
  o: { localFileExists: boolean; latestRetrieval?: RetrievalJobFacts; outputExists?: boolean; now?: Date },
): ArchiveFacts {
  return {
    building: a.building,
    uploading: a.uploading,
    remote: a.glacierId !== null && a.glacierId !== '' && !a.deletedRemote,
    localFile: o.localFileExists,
    retrieval: retrievalFact(o.latestRetrieval, o.outputExists ?? false, o.now ?? new Date()),
  };
}

/** A retrieval as the state needs it; `expires` is set for bucket restores (the restored copy's expiry). */
export type RetrievalJobFacts = Pick<JobRecord, 'status' | 'completed'> & { expires?: string | null };

function retrievalFact(job: RetrievalJobFacts | undefined, outputExists: boolean, now: Date): RetrievalFact {
  if (!job) return 'none';
  if (job.status === 'InProgress') return 'pending';
  if (job.status !== 'Succeeded') return 'failed';
  if (outputExists) return 'ready';
  if (job.expires) {
    const until = Date.parse(job.expires);
    return Number.isFinite(until) && now.getTime() < until ? 'ready' : 'expired';
  }
  const done = job.completed ? Date.parse(job.completed) : NaN;
  return Number.isFinite(done) && now.getTime() - done < JOB_OUTPUT_LIFETIME_MS ? 'ready' : 'expired';
}
