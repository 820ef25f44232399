/** Validation of every message the archive builder webview sends (see ../shared/validate.ts). */
import { LIMITS } from '../shared/protocol';
import { absolutePath, arrayOf, bool, emptyParams, int, nullable, object, oneOf, parseRequest, str, type Check } from '../shared/validate';
import { COMPRESSIONS, MEMBERS_PAGE, type ApplyParams, type BuilderRequests } from './protocol';

type Params<K extends keyof BuilderRequests> = BuilderRequests[K]['params'];

const keyId = str({ min: 1, max: 128, pattern: /^[A-Za-z0-9._:-]+$/, what: 'a key id' });
const vaultName = str({ min: 1, max: 255, pattern: /^[A-Za-z0-9._-]+$/, what: 'a vault name' });
const archiveName = str({ min: 1, max: LIMITS.shortText, pattern: /^[^\p{Cc}]*$/u, what: 'free of control characters' });
const compression = oneOf(COMPRESSIONS);

const apply: Check<ApplyParams> = object({
  vault: vaultName,
  name: archiveName,
  compression,
  keyId: nullable(keyId),
  sources: arrayOf(absolutePath, LIMITS.sources),
  selected: arrayOf(absolutePath, LIMITS.selectedFiles),
  manuallyExcluded: arrayOf(absolutePath, LIMITS.selectedFiles),
});

export const builderRequestChecks: { [K in keyof BuilderRequests]: Check<Params<K>> } = {
  ready: emptyParams,
  addFiles: object({ alreadyFrozen: bool }),
  addFolders: object({ alreadyFrozen: bool }),
  scan: object({ sources: arrayOf(absolutePath, LIMITS.sources), alreadyFrozen: bool }),
  previewDescription: object({ name: str({ max: LIMITS.shortText }), compression, keyId: nullable(keyId) }),
  chooseOutput: emptyParams,
  openSettings: emptyParams,
  apply,
  estimateSize: object({ compression, encrypted: bool, sources: arrayOf(absolutePath, LIMITS.sources), selected: arrayOf(absolutePath, LIMITS.selectedFiles) }),
  members: object({ offset: int(0, 100_000_000), limit: int(1, MEMBERS_PAGE) }),
};

export type BuilderRequest = { [K in keyof BuilderRequests]: { id: number; method: K; params: Params<K> } }[keyof BuilderRequests];

/** Parses a raw webview message into a typed builder request, or throws InvalidMessageError. */
export function parseBuilderRequest(msg: unknown): BuilderRequest {
  return parseRequest(msg, builderRequestChecks) as BuilderRequest;
}
