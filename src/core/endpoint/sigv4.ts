import { AwsError } from './awsError';

export interface SigV4Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request,\s*SignedHeaders=([a-z0-9;-]+),\s*Signature=([0-9a-f]{64})$/;

/**
 * Parses a SigV4 `Authorization` header. The endpoint is local and accepts any credentials, but a missing
 * or malformed header is refused as AWS would, so a client that cannot sign is caught here first.
 */
export function parseAuthorization(header: string | undefined): SigV4Authorization {
  if (!header) throw new AwsError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  const m = AUTH.exec(header.trim());
  if (!m) {
    throw new AwsError(400, 'IncompleteSignatureException',
      'Authorization header requires Credential=ACCESS_KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders and a hex Signature (AWS4-HMAC-SHA256).');
  }
  const signedHeaders = m[5].split(';');
  if (!signedHeaders.includes('host')) throw new AwsError(400, 'IncompleteSignatureException', "SignedHeaders must include 'host'.");
  return { accessKeyId: m[1], date: m[2], region: m[3], service: m[4], signedHeaders, signature: m[6] };
}
