import { randomBytes } from 'node:crypto';
import { InitiateJobCommand, type InitiateJobCommandOutput, type JobParameters } from '@aws-sdk/client-glacier';
import type { GlacierClients } from './clients';
import { listJobs } from './jobs';

/**
 * InitiateJob has no idempotency token, and a retrieval is billed per request: when its answer is
 * lost (a dropped connection after Glacier started the job), the SDK's retry would start, and bill,
 * a second one. So every job carries a random token in its description, and before an attempt after
 * the first the vault's jobs are listed: a job with the token is the one already started, adopted.
 */
const TOKEN_RE = / fz=([A-Za-z0-9_-]{16})$/;

export function withJobToken(description: string | undefined): { description: string; token: string } {
  const token = randomBytes(12).toString('base64url');
  // Glacier allows 1024 printable ASCII characters; the token is kept whole at the end.
  const base = (description ?? 'Freezer').slice(0, 1024 - 20);
  return { description: `${base} fz=${token}`, token };
}


class JobAlreadyStarted extends Error {
  override readonly name = 'FreezerJobAlreadyStarted'; // not an SDK error: the retry strategy stops
  constructor(readonly jobId: string) { super(`job ${jobId} was already started`); }
}

/** Starts a job once, whatever answers are lost on the way. Returns the job id. */
export async function initiateJobOnce(clients: GlacierClients, vault: string, params: JobParameters, signal?: AbortSignal): Promise<{ jobId: string; adopted: boolean }> {
  const { description, token } = withJobToken(params.Description);
  const find = async (): Promise<string | undefined> =>
    (await listJobs(clients, vault, { signal })).find((j) => TOKEN_RE.exec(j.description ?? '')?.[1] === token)?.jobId;
  const cmd = new InitiateJobCommand({ accountId: clients.accountId, vaultName: vault, jobParameters: { ...params, Description: description } });
  let attempts = 0;
  // Inside the SDK's retry loop (finalizeRequest, low priority): runs once per attempt.
  cmd.middlewareStack.add((next) => async (args) => {
    if (attempts++ > 0) {
      const id = await find();
      if (id) throw new JobAlreadyStarted(id);
    }
    return next(args);
  }, { step: 'finalizeRequest', priority: 'low', name: 'freezerJobOnce' });
  let out: InitiateJobCommandOutput;
  try {
    out = await clients.glacier.send(cmd, { abortSignal: signal });
  } catch (e) {
    if (e instanceof JobAlreadyStarted) return { jobId: e.jobId, adopted: true };
    // Every attempt failed, and the last may have started it anyway.
    const id = await find().catch(() => undefined);
    if (id) return { jobId: id, adopted: true };
    throw e;
  }
  return { jobId: out.jobId ?? '', adopted: false };
}
