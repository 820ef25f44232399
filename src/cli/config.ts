import fs from 'node:fs/promises';
import path from 'node:path';
import { FreezerError } from '../core/errors';
import { DEFAULT_POLL_TIME_SECONDS, DEFAULT_THREADS } from '../core/glacier/config';
import { isValidPartSize, MIB } from '../core/hash/treeHash';
import { str, type ParsedArgs } from './args';
import { UsageError } from './exitCodes';

/** Everything the CLI can be configured with, after precedence is applied. */
export interface CliSettings {
  /** 'aws', 'local' (embedded endpoint in this process) or an http(s) URL. */
  endpoint: string;
  region: string;
  accountId: string;
  accessKey?: string;
  secretKey?: string;
  sessionToken?: string;
  profile?: string;
  queueUrl?: string;
  snsTopicArn?: string;
  pollTime: number;
  threads: number;
  chunkSize?: number;
  /** Largest segment object of new bucket archives. */
  segmentSize?: number;
  database: string;
  uploadFolder: string;
  keys: string;
  localDir: string;
  verbose: boolean;
  trace?: string;
}

export type SettingName = keyof CliSettings;
export type SettingSource = 'default' | 'environment' | 'config file' | 'command line' | 'catalogue';

export interface ResolvedSettings {
  settings: CliSettings;
  sources: Partial<Record<SettingName, SettingSource>>;
  configFile?: string;
  /** Notes for --verbose (unknown config keys, ignored catalogue secrets…). */
  notes: string[];
  /** Printed on every run (stderr): e.g. a config file holding the secret key that others may read. */
  warnings: string[];
}

/**
 * Names accepted in config files and the catalogue's settings table, normalised (lower case, no
 * '-', '_', '.', leading 'freezer.'): the original tool's option and database names and ours.
 */
const ALIASES: Record<string, SettingName> = {
  endpoint: 'endpoint',
  region: 'region', awsregion: 'region',
  accountid: 'accountId',
  accesskey: 'accessKey', accesskeyid: 'accessKey',
  secretkey: 'secretKey', secretaccesskey: 'secretKey',
  sessiontoken: 'sessionToken',
  profile: 'profile',
  queue: 'queueUrl', queueurl: 'queueUrl', sqsqueue: 'queueUrl', notificationqueueurl: 'queueUrl',
  topic: 'snsTopicArn', snstopic: 'snsTopicArn', snstopicarn: 'snsTopicArn',
  polltime: 'pollTime', polltimeseconds: 'pollTime',
  threads: 'threads',
  chunksize: 'chunkSize', chunksizemib: 'chunkSize',
  segmentsize: 'segmentSize',
  database: 'database', databasepath: 'database',
  uploadfolder: 'uploadFolder',
  keys: 'keys', keyfile: 'keys',
  localdir: 'localDir', localendpointfolder: 'localDir',
  verbose: 'verbose',
  trace: 'trace',
};

/** Command-line option → setting. */
const OPTION_SETTING: Record<string, SettingName> = {
  endpoint: 'endpoint', region: 'region', accountid: 'accountId', 'access-key': 'accessKey', 'secret-key': 'secretKey',
  profile: 'profile', queue: 'queueUrl', topic: 'snsTopicArn', 'poll-time': 'pollTime', threads: 'threads',
  'chunk-size': 'chunkSize', 'segment-size': 'segmentSize', database: 'database', 'upload-folder': 'uploadFolder', keys: 'keys', 'local-dir': 'localDir',
  verbose: 'verbose', trace: 'trace',
};

/** Settings the catalogue may override (never secrets nor where the catalogue itself is). */
const CATALOGUE_SETTABLE: ReadonlySet<SettingName> = new Set<SettingName>([
  'endpoint', 'region', 'accountId', 'accessKey', 'profile', 'queueUrl', 'snsTopicArn', 'pollTime', 'threads', 'chunkSize', 'segmentSize', 'uploadFolder', 'localDir',
]);

const normalise = (k: string): string => k.toLowerCase().replace(/^freezer\./, '').replace(/[-_.\s]/g, '');

export const DEFAULT_CONFIG_FILE = 'freezer.conf';
export const DEFAULT_DATABASE = 'freezer.db';

/** Reads a config file: JSON (flat object), or the original tool's XML `<configuration><key id="" value=""/></configuration>`. */
export async function readConfigFile(file: string): Promise<Record<string, string>> {
  const text = await fs.readFile(file, 'utf8');
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return {};
  if (trimmed.startsWith('<')) return parseXmlConfig(trimmed, file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    // Never quote the parser's message: it shows a piece of the file, which may be the secret key.
    const at = /position (\d+)/.exec((e as Error).message);
    throw new FreezerError('InvalidConfig', `The config file ${file} is neither JSON nor the XML <configuration> format${at ? ` (JSON error at character ${at[1]})` : ''}.`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FreezerError('InvalidConfig', `The config file ${file} must hold a JSON object of settings.`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'object') throw new FreezerError('InvalidConfig', `The config file ${file}: "${k}" must be a string, number or boolean.`);
    out[k] = String(v);
  }
  return out;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decodeXml = (s: string): string => s.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) => {
  if (e[0] === '#') return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : Number(e.slice(1)));
  return ENTITIES[e.toLowerCase()] ?? m;
});

function parseXmlConfig(text: string, file: string): Record<string, string> {
  const body = text.replace(/<\?[\s\S]*?\?>/g, '').replace(/<!--[\s\S]*?-->/g, '').trim();
  if (!/^<configuration[\s>/]/.test(body)) throw new FreezerError('InvalidConfig', `The XML config file ${file} must have a <configuration> root element.`);
  const out: Record<string, string> = {};
  const re = /<key\b([^>]*?)(\/>|>([\s\S]*?)<\/key\s*>)/g;
  for (let m = re.exec(body); m; m = re.exec(body)) {
    const attrs = new Map<string, string>();
    for (const a of m[1].matchAll(/([\w:-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) attrs.set(a[1].toLowerCase(), decodeXml(a[3] ?? a[4] ?? ''));
    const id = attrs.get('id');
    if (!id) throw new FreezerError('InvalidConfig', `The XML config file ${file} has a <key> without an id attribute.`);
    out[id] = attrs.get('value') ?? decodeXml((m[3] ?? '').trim());
  }
  return out;
}

/** Reads the settings table of a catalogue (ours or the original tool's freezer.db) without changing the file. */
export type CatalogueSettingsReader = (database: string) => Promise<Record<string, string>>;

function parseSize(v: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?$/i.exec(v.trim());
  if (!m) throw new UsageError(`${what} must be a size such as 8MiB or 8388608, got "${v}".`);
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const n = Math.round(Number(m[1]) * (unit === 'k' ? 1024 : unit === 'm' ? MIB : unit === 'g' ? 1024 * MIB : 1));
  if (!isValidPartSize(n)) throw new UsageError(`${what} must be 1 MiB × a power of two (1MiB, 2MiB, … 4GiB), got "${v}".`);
  return n;
}

/** A segment object: any whole number of MiB from S3's 5 MiB part minimum to its 5 TiB object maximum. */
function parseSegmentSize(v: string, what: string): number {
  const m = /^(\d+)\s*(m|mb|mib|g|gb|gib)$/i.exec(v.trim());
  const n = m ? Number(m[1]) * (m[2][0].toLowerCase() === 'g' ? 1024 : 1) : NaN;
  if (!(n >= 5 && n <= 5 * 1024 * 1024)) throw new UsageError(`${what} must be a whole number of MiB from 5MiB to 5TiB, e.g. 256MiB, got "${v}".`);
  return n * MIB;
}

function parseInteger(v: string, what: string, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${what} must be a whole number from ${min} to ${max}, got "${v}".`);
  return n;
}

const truthy = (v: string): boolean => /^(1|true|yes|on)$/i.test(v.trim());

/** Converts a raw string value to the setting's type, validating it. */
function coerce(name: SettingName, raw: string, key: string): CliSettings[SettingName] {
  switch (name) {
    case 'pollTime': return parseInteger(raw, `poll-time (${key})`, 1, 20);
    case 'threads': return parseInteger(raw, `threads (${key})`, 1, 64);
    case 'chunkSize':
      // The extension stores MiB (chunkSizeMiB); 0 there means automatic.
      if (normalise(key) === 'chunksizemib') return raw.trim() === '0' ? undefined : parseSize(`${raw}MiB`, `chunk size (${key})`);
      return parseSize(raw, `chunk size (${key})`);
    case 'segmentSize': return parseSegmentSize(raw, `segment size (${key})`);
    case 'verbose': return truthy(raw);
    default: return raw;
  }
}

/**
 * Applies the precedence the original tool documents: defaults < config file < command line <
 * settings stored in the catalogue. (AWS_REGION and friends sit just above the defaults.)
 */
export async function resolveSettings(args: ParsedArgs, env: NodeJS.ProcessEnv, cwd: string, readCatalogueSettings?: CatalogueSettingsReader): Promise<ResolvedSettings> {
  const notes: string[] = [];
  const values: Partial<Record<SettingName, CliSettings[SettingName]>> = {};
  const sources: ResolvedSettings['sources'] = {};
  const set = (name: SettingName, value: CliSettings[SettingName], source: SettingSource) => {
    if (value === undefined || value === '') return;
    values[name] = value;
    sources[name] = source;
  };

  set('endpoint', 'aws', 'default');
  set('region', 'us-east-1', 'default');
  set('accountId', '-', 'default');
  set('pollTime', DEFAULT_POLL_TIME_SECONDS, 'default');
  set('threads', DEFAULT_THREADS, 'default');
  set('database', DEFAULT_DATABASE, 'default');
  set('verbose', false, 'default');

  set('region', env.AWS_REGION || env.AWS_DEFAULT_REGION, 'environment');
  set('profile', env.AWS_PROFILE, 'environment');
  set('database', env.FREEZER_DATABASE, 'environment');

  const explicitConfig = str(args.values.config) ?? env.FREEZER_CONFIG;
  const configFile = path.resolve(cwd, explicitConfig ?? DEFAULT_CONFIG_FILE);
  let fileValues: Record<string, string> | undefined;
  try {
    fileValues = await readConfigFile(configFile);
  } catch (e) {
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing) throw e;
    if (explicitConfig !== undefined) throw new FreezerError('ConfigNotFound', `The config file ${configFile} does not exist.`);
  }
  const configDir = path.dirname(configFile);
  for (const [k, raw] of Object.entries(fileValues ?? {})) {
    const name = ALIASES[normalise(k)];
    if (!name) {
      notes.push(`config file: ignoring unknown setting "${k}"`);
      continue;
    }
    const v = coerce(name, raw, k);
    // Paths in a config file are relative to the file.
    set(name, typeof v === 'string' && isPathSetting(name) ? path.resolve(configDir, v) : v, 'config file');
  }

  for (const [opt, name] of Object.entries(OPTION_SETTING)) {
    const v = args.values[opt];
    if (v === undefined) continue;
    const c = typeof v === 'boolean' ? v : coerce(name, String(v), `--${opt}`);
    set(name, typeof c === 'string' && isPathSetting(name) ? path.resolve(cwd, c) : c, 'command line');
  }
  values.database = path.resolve(cwd, values.database as string);

  if (readCatalogueSettings) {
    const stored = await readCatalogueSettings(values.database);
    for (const [k, raw] of Object.entries(stored)) {
      const name = ALIASES[normalise(k)];
      if (!name || !CATALOGUE_SETTABLE.has(name) || !raw) continue;
      try {
        set(name, coerce(name, raw, k), 'catalogue');
      } catch (e) {
        notes.push(`catalogue setting "${k}" ignored: ${(e as Error).message}`);
      }
    }
  }

  const dbDir = path.dirname(values.database);
  set('uploadFolder', values.uploadFolder ?? path.join(dbDir, 'freezer-archives'), sources.uploadFolder ?? 'default');
  set('keys', values.keys ?? path.join(dbDir, 'freezer-keys.json'), sources.keys ?? 'default');
  set('localDir', values.localDir ?? path.join(dbDir, 'freezer-local-endpoint'), sources.localDir ?? 'default');

  const warnings: string[] = [];
  if (fileValues && process.platform !== 'win32' && (sources.secretKey === 'config file' || sources.sessionToken === 'config file')) {
    // The key file is refused in this case; a config file is also read for harmless settings, so it is a warning.
    const mode = (await fs.stat(configFile)).mode;
    if ((mode & 0o077) !== 0) {
      warnings.push(`warning: the config file ${configFile} holds the AWS secret key and can be read or written by other users ` +
        `(mode ${(mode & 0o777).toString(8)}). Make it private: chmod 600 ${JSON.stringify(configFile)}`);
    }
  }

  const settings = values as CliSettings;
  if (!/^(aws|local|https?:\/\/.+)$/.test(settings.endpoint)) {
    throw new UsageError(`--endpoint must be "aws", "local" or an http(s):// URL, got "${settings.endpoint}".`);
  }
  if (settings.secretKey && !settings.accessKey) throw new FreezerError('CredentialsIncomplete', 'A secret key was given without an access key: pass --access-key too.');
  if (settings.accessKey && !settings.secretKey) throw new FreezerError('CredentialsIncomplete', 'An access key was given without a secret key: pass --secret-key (or set it in the config file).');
  return { settings, sources, configFile: fileValues ? configFile : undefined, notes, warnings };
}

function isPathSetting(name: SettingName): boolean {
  return name === 'database' || name === 'uploadFolder' || name === 'keys' || name === 'localDir';
}

/** The settings for display: secrets masked, never their value. */
export function describeSettings(r: ResolvedSettings): Record<string, { value: unknown; source: SettingSource }> {
  const out: Record<string, { value: unknown; source: SettingSource }> = {};
  for (const [k, v] of Object.entries(r.settings)) {
    if (v === undefined) continue;
    const name = k as SettingName;
    const value = name === 'secretKey' || name === 'sessionToken' ? '***' : v;
    out[k] = { value, source: r.sources[name] ?? 'default' };
  }
  return out;
}
