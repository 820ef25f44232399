import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsError, missingParameter } from '../awsError';
import { abortMultipartUpload, completeMultipartUpload, initiateMultipartUpload, listMultipartUploads, listParts, uploadMultipartPart } from './multipartOps';
import { deleteArchive, uploadArchive } from './archiveOps';
import type { GlacierCall, GlacierContext } from './context';
import { header } from './headers';
import { describeJob, getJobOutput, initiateJob, listJobs } from './jobOps';
import { checkAccount } from './validation';
import {
  createVault, deleteVault, deleteVaultNotifications, describeVault, getVaultNotifications, listVaults, setVaultNotifications,
} from './vaultOps';

/** True when a request looks like Glacier's REST API: `/{accountId}/vaults...`. */
export function isGlacierPath(pathname: string): boolean {
  return /^\/[^/]+\/vaults(\/|$)/.test(pathname);
}

type Handler = (ctx: GlacierContext, call: GlacierCall, vault: string, id: string) => void | Promise<void>;

/** `METHOD segments[ collection][ sub]` → the AWS operation name and its handler. */
const ROUTES: Record<string, [operation: string, handler: Handler]> = {
  'GET 2': ['ListVaults', (ctx, call) => listVaults(ctx, call)],
  'PUT 3': ['CreateVault', (ctx, call, vault) => createVault(ctx, call, vault)],
  'GET 3': ['DescribeVault', (ctx, call, vault) => describeVault(ctx, call, vault)],
  'DELETE 3': ['DeleteVault', (ctx, call, vault) => deleteVault(ctx, call, vault)],
  'POST 4 archives': ['UploadArchive', (ctx, call, vault) => uploadArchive(ctx, call, vault)],
  'DELETE 5 archives': ['DeleteArchive', (ctx, call, vault, id) => deleteArchive(ctx, call, vault, id)],
  'POST 4 multipart-uploads': ['InitiateMultipartUpload', (ctx, call, vault) => initiateMultipartUpload(ctx, call, vault)],
  'GET 4 multipart-uploads': ['ListMultipartUploads', (ctx, call, vault) => listMultipartUploads(ctx, call, vault)],
  'PUT 5 multipart-uploads': ['UploadMultipartPart', (ctx, call, vault, id) => uploadMultipartPart(ctx, call, vault, id)],
  'POST 5 multipart-uploads': ['CompleteMultipartUpload', (ctx, call, vault, id) => completeMultipartUpload(ctx, call, vault, id)],
  'DELETE 5 multipart-uploads': ['AbortMultipartUpload', (ctx, call, vault, id) => abortMultipartUpload(ctx, call, vault, id)],
  'GET 5 multipart-uploads': ['ListParts', (ctx, call, vault, id) => listParts(ctx, call, vault, id)],
  'POST 4 jobs': ['InitiateJob', (ctx, call, vault) => initiateJob(ctx, call, vault)],
  'GET 4 jobs': ['ListJobs', (ctx, call, vault) => listJobs(ctx, call, vault)],
  'GET 5 jobs': ['DescribeJob', (ctx, call, vault, id) => describeJob(ctx, call, vault, id)],
  'GET 6 jobs output': ['GetJobOutput', (ctx, call, vault, id) => getJobOutput(ctx, call, vault, id)],
  'PUT 4 notification-configuration': ['SetVaultNotifications', (ctx, call, vault) => setVaultNotifications(ctx, call, vault)],
  'GET 4 notification-configuration': ['GetVaultNotifications', (ctx, call, vault) => getVaultNotifications(ctx, call, vault)],
  'DELETE 4 notification-configuration': ['DeleteVaultNotifications', (ctx, call, vault) => deleteVaultNotifications(ctx, call, vault)],
};

function segments(url: URL): string[] {
  return url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
}

function routeKey(method: string | undefined, segs: string[]): string {
  const [, , , collection, , sub] = segs;
  return `${method ?? 'GET'} ${segs.length}${collection ? ` ${collection}` : ''}${sub ? ` ${sub}` : ''}`;
}

/** The AWS operation a Glacier request is for (from method and path alone), e.g. `CompleteMultipartUpload`. */
export function glacierOperation(method: string | undefined, url: URL): string {
  return ROUTES[routeKey(method, segments(url))]?.[0] ?? 'Unknown';
}

/** Routes a Glacier REST request to its operation: `/{accountId}/vaults/{vault}/{collection}/{id}/{sub}`. */
export async function handleGlacier(ctx: GlacierContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!header(req, 'x-amz-glacier-version')) throw missingParameter('Required header x-amz-glacier-version is missing (use 2012-06-01).');
  const segs = segments(url);
  const [account, , vault, , id] = segs;
  checkAccount(account, ctx.opts.accountId);
  const call: GlacierCall = { req, res, account, query: url.searchParams };
  const route = ROUTES[routeKey(req.method, segs)];
  if (!route) {
    throw new AwsError(400, 'InvalidParameterValueException', `${req.method ?? 'GET'} ${url.pathname} is not an operation the local Glacier endpoint supports.`);
  }
  await route[1](ctx, call, vault, id);
}
