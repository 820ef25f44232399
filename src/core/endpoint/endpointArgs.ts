import { FAULT_KINDS, parseJobDelays, type FaultKind, type FaultOptions, type LocalEndpointOptions } from './options';

export const ENDPOINT_USAGE = `usage: endpoint --dir DIR [--port N] [--host 127.0.0.1] [--job-delay Expedited=0,Standard=2000,Bulk=5000]
                [--region us-east-1] [--account-id 123456789012]
                [--fault-rate 0.1 --fault-kinds 500,503,throttle,timeout,drop,slow,apply-then-drop,cut-body
                 --fault-seed 1 --fault-slow-ms 1000 --fault-operations CompleteMultipartUpload,... --fault-times N]`;

/** Every option of the endpoint (`--job-delays` is accepted as another spelling of `--job-delay`). */
export const ENDPOINT_OPTIONS = [
  'dir', 'port', 'host', 'job-delay', 'job-delays', 'region', 'account-id',
  'fault-rate', 'fault-kinds', 'fault-seed', 'fault-slow-ms', 'fault-operations', 'fault-times',
] as const;
export type EndpointOptionName = (typeof ENDPOINT_OPTIONS)[number];

/** Parses `freezer endpoint` / standalone arguments into endpoint options; throws a TypeError with usage on mistakes. */
export function parseEndpointArgs(argv: readonly string[]): LocalEndpointOptions {
  const v = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new TypeError(`unexpected argument "${a}"\n${ENDPOINT_USAGE}`);
    const value = m[2] ?? argv[++i];
    if (value === undefined) throw new TypeError(`--${m[1]} needs a value\n${ENDPOINT_USAGE}`);
    v.set(m[1], value);
  }
  for (const k of v.keys()) if (!(ENDPOINT_OPTIONS as readonly string[]).includes(k)) throw new TypeError(`unknown option --${k}\n${ENDPOINT_USAGE}`);
  return endpointOptionsFrom((name) => v.get(name));
}

/** Endpoint options from option values by name (shared by the standalone server and `freezer endpoint`). */
export function endpointOptionsFrom(get: (name: EndpointOptionName) => string | undefined): LocalEndpointOptions {
  const dir = get('dir');
  if (!dir) throw new TypeError(`--dir is required\n${ENDPOINT_USAGE}`);
  const int = (name: EndpointOptionName): number | undefined => {
    const s = get(name);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new TypeError(`--${name} must be a non-negative integer`);
    return Number(s);
  };
  if (get('job-delay') !== undefined && get('job-delays') !== undefined) throw new TypeError('give --job-delay or --job-delays, not both');
  const delays = get('job-delay') ?? get('job-delays');
  const port = int('port');
  if (port !== undefined && port > 65535) throw new TypeError('--port must be 0–65535');
  const opts: LocalEndpointOptions = {
    dir,
    port,
    host: get('host'),
    region: get('region'),
    accountId: get('account-id'),
    jobDelays: delays !== undefined ? parseJobDelays(delays) : undefined,
  };
  if (opts.accountId !== undefined && !/^\d{12}$/.test(opts.accountId)) throw new TypeError('--account-id must be 12 digits');
  const faultOptions: EndpointOptionName[] = ['fault-kinds', 'fault-seed', 'fault-slow-ms', 'fault-operations', 'fault-times'];
  if (get('fault-rate') === undefined) {
    const stray = faultOptions.find((n) => get(n) !== undefined);
    if (stray) throw new TypeError(`--${stray} needs --fault-rate (e.g. --fault-rate 0.05, or 1 for every request)`);
    return opts;
  }
  const rateText = get('fault-rate')!;
  const rate = Number(rateText);
  if (!/^\d*\.?\d+$/.test(rateText) || !(rate >= 0 && rate <= 1)) throw new TypeError(`--fault-rate must be a number from 0 to 1, got "${rateText}"`);
  const kinds = (get('fault-kinds') ?? '500,503,throttle').split(',').map((s) => s.trim()) as FaultKind[];
  for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw new TypeError(`unknown fault kind "${k}"; use ${FAULT_KINDS.join(',')}`);
  const faults: FaultOptions = { rate, kinds, seed: int('fault-seed'), slowMs: int('fault-slow-ms') };
  const ops = get('fault-operations');
  if (ops !== undefined) {
    const list = ops.split(',').map((s) => s.trim()).filter(Boolean);
    if (!list.length) throw new TypeError('--fault-operations must name at least one operation, e.g. CompleteMultipartUpload');
    faults.operations = list;
  }
  const times = int('fault-times');
  if (times !== undefined) faults.times = times;
  opts.faults = faults;
  return opts;
}
