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

/** Routes a Glacier REST request to its operation: `/{accountId}/vaults/{vault}/{collection}/{id}/{sub}`. */
export async function handleGlacier(ctx: GlacierContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (!header(req, 'x-amz-glacier-version')) throw missingParameter('Required header x-amz-glacier-version is missing (use 2012-06-01).');
  const segs = url.pathname.split('/').slice(1).map((s) => decodeURIComponent(s));
  const [account, , vault, collection, id, sub] = segs;
  checkAccount(account, ctx.opts.accountId);
  const call: GlacierCall = { req, res, account, query: url.searchParams };
  const m = req.method ?? 'GET';
  const route = `${m} ${segs.length}${collection ? ` ${collection}` : ''}${sub ? ` ${sub}` : ''}`;
  switch (route) {
    case 'GET 2': return listVaults(ctx, call);
    case 'PUT 3': return createVault(ctx, call, vault);
    case 'GET 3': return describeVault(ctx, call, vault);
    case 'DELETE 3': return deleteVault(ctx, call, vault);
    case 'POST 4 archives': return uploadArchive(ctx, call, vault);
    case 'DELETE 5 archives': return deleteArchive(ctx, call, vault, id);
    case 'POST 4 multipart-uploads': return initiateMultipartUpload(ctx, call, vault);
    case 'GET 4 multipart-uploads': return listMultipartUploads(ctx, call, vault);
    case 'PUT 5 multipart-uploads': return uploadMultipartPart(ctx, call, vault, id);
    case 'POST 5 multipart-uploads': return completeMultipartUpload(ctx, call, vault, id);
    case 'DELETE 5 multipart-uploads': return abortMultipartUpload(ctx, call, vault, id);
    case 'GET 5 multipart-uploads': return listParts(ctx, call, vault, id);
    case 'POST 4 jobs': return initiateJob(ctx, call, vault);
    case 'GET 4 jobs': return listJobs(ctx, call, vault);
    case 'GET 5 jobs': return describeJob(ctx, call, vault, id);
    case 'GET 6 jobs output': return getJobOutput(ctx, call, vault, id);
    case 'PUT 4 notification-configuration': return setVaultNotifications(ctx, call, vault);
    case 'GET 4 notification-configuration': return getVaultNotifications(ctx, call, vault);
    case 'DELETE 4 notification-configuration': return deleteVaultNotifications(ctx, call, vault);
    default:
      throw new AwsError(400, 'InvalidParameterValueException', `${m} ${url.pathname} is not an operation the local Glacier endpoint supports.`);
  }
}
