import type { GlacierConfig } from '../core/glacier/config';
import { startEmbeddedEndpoint, type EmbeddedEndpoint } from '../core/service/embeddedEndpoint';
import { checkPrivate, fileKeyStore } from '../core/service/fileKeyStore';
import { loopbackCredentials } from '../core/service/loopbackCredentials';
import { createFreezerService } from '../core/service/freezerService';
import type { FreezerService } from '../core/service/service';
import type { CliLogger } from './cliLogger';
import type { CliSettings, ResolvedSettings } from './config';
import { recreatedWarning } from './commands/catalogue';
import { lockedKeyStore } from './lockedKeyStore';
import type { Output } from './output';
import { registerSecret } from './secrets';

/** What a command runs with: settings, output, logging, cancellation, and the service on demand. */
export interface CliContext {
  resolved: ResolvedSettings;
  settings: CliSettings;
  out: Output;
  log: CliLogger;
  /** Aborted on SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Opens the service (and the embedded endpoint with --endpoint local) on first use. */
  service(): Promise<FreezerService>;
  /** The Glacier config the service uses (for commands that need the queue or endpoint). */
  glacierConfig(): Promise<GlacierConfig>;
  /**
   * Stops the service's work the way closing VS Code does: uploads stay resumable (`freeze --resume`),
   * downloads keep their checkpoint. False when no service was opened.
   */
  suspend(): boolean;
  close(): Promise<void>;
}

/** Settings → the Glacier layer's config. The secret key goes in only here, and is registered for scrubbing. */
export function toGlacierConfig(s: CliSettings): GlacierConfig {
  registerSecret(s.secretKey);
  registerSecret(s.sessionToken);
  let credentials: GlacierConfig['credentials'];
  if (s.accessKey && s.secretKey) credentials = { accessKeyId: s.accessKey, secretAccessKey: s.secretKey, ...(s.sessionToken ? { sessionToken: s.sessionToken } : {}) };
  else credentials = loopbackCredentials(s.endpoint, s.profile);
  return {
    region: s.region,
    accountId: s.accountId,
    ...(s.endpoint.startsWith('http') ? { endpoint: s.endpoint } : {}),
    ...(s.profile && !credentials ? { profile: s.profile } : {}),
    ...(credentials ? { credentials } : {}),
    ...(s.queueUrl ? { queueUrl: s.queueUrl } : {}),
    ...(s.snsTopicArn ? { snsTopicArn: s.snsTopicArn } : {}),
    pollTimeSeconds: s.pollTime,
    threads: s.threads,
    ...(s.chunkSize ? { chunkSize: s.chunkSize } : {}),
  };
}

/** How this command wants the service: the daemon downloads every completed retrieval. */
export interface ContextOptions {
  autoDownload?: boolean;
  /** The command resumes unfinished uploads itself (daemon, freeze --resume): no hint to run it. */
  resumesUploads?: boolean;
  /** The command deals with the recreated-catalogue notice itself. */
  quietCatalogueNotice?: boolean;
  /** --days: how long S3 restores keep their restored copy. */
  restoreDays?: number;
}

export function createContext(resolved: ResolvedSettings, out: Output, log: CliLogger, signal: AbortSignal, opts: ContextOptions = {}): CliContext {
  const s = resolved.settings;
  registerSecret(s.secretKey);
  registerSecret(s.sessionToken);
  registerSecret(process.env.AWS_SECRET_ACCESS_KEY);
  registerSecret(process.env.AWS_SESSION_TOKEN);
  let embedded: EmbeddedEndpoint | undefined;
  let config: Promise<GlacierConfig> | undefined;
  let service: Promise<FreezerService> | undefined;

  const glacierConfig = () => (config ??= (async () => {
    const cfg = toGlacierConfig(s);
    if (s.endpoint !== 'local') return cfg;
    // Shares the folder's endpoint when VS Code (or another freezer) runs it, and takes over when that one ends.
    embedded = await startEmbeddedEndpoint({ dir: s.localDir, region: s.region, log: log.child('endpoint') });
    log.debug('Local endpoint %s at %s (data in %s)', embedded.endpoint ? 'in this process' : 'shared', embedded.url, s.localDir);
    const patch = embedded.glacierConfigPatch;
    // Explicit --queue/--topic still win over the embedded ones.
    return { ...cfg, ...patch, queueUrl: s.queueUrl ?? patch.queueUrl, snsTopicArn: s.snsTopicArn ?? patch.snsTopicArn, region: patch.region };
  })());

  const open = async (): Promise<FreezerService> => {
    const glacier = await glacierConfig();
    // Key exports hold key bytes: refuse a key file others can read before anything uses it.
    await checkPrivate(s.keys).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
    const svc = await createFreezerService({
      glacier,
      databasePath: s.database,
      uploadFolder: s.uploadFolder,
      keyStore: lockedKeyStore(fileKeyStore(s.keys), s.keys),
      log: log.child('service'),
      ...(opts.autoDownload ? { autoDownload: true } : {}),
      ...(opts.restoreDays ? { restoreDays: opts.restoreDays } : {}),
      ...(s.segmentSize ? { segmentSize: s.segmentSize } : {}),
    });
    // Every command says so while the catalogue is a new one in place of a damaged one.
    const notice = opts.quietCatalogueNotice ? undefined : await svc.catalogueNotice().catch(() => undefined);
    if (notice) out.note(recreatedWarning(notice), true);
    // What a killed run left is cleaned up (and said) by whichever command comes next.
    const { interrupted } = await svc.recoverAbandoned();
    if (!opts.resumesUploads) {
      for (const a of interrupted) log.warn('Archive %d "%s" has an unfinished upload (the run uploading it stopped); finish it with: freezer freeze --resume', a.id, a.name);
    }
    return svc;
  };

  return {
    resolved,
    settings: s,
    out,
    log,
    signal,
    service: () => (service ??= open()),
    glacierConfig,
    suspend() {
      if (!service) return false;
      void service.then((svc) => svc.dispose()).catch(() => undefined);
      return true;
    },
    async close() {
      const svc = service ? await service.catch(() => undefined) : undefined;
      await svc?.dispose();
      await embedded?.close();
    },
  };
}
