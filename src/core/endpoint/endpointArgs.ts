import { FAULT_KINDS, parseJobDelays, type FaultKind, type LocalEndpointOptions } from './options';

export const ENDPOINT_USAGE = `usage: endpoint --dir DIR [--port N] [--host 127.0.0.1] [--job-delay Expedited=0,Standard=2000,Bulk=5000]
                [--region us-east-1] [--account-id 123456789012]
                [--fault-rate 0.1 --fault-kinds 500,503,throttle,timeout,drop,slow --fault-seed 1 --fault-slow-ms 1000]`;

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
  const known = ['dir', 'port', 'host', 'job-delay', 'region', 'account-id', 'fault-rate', 'fault-kinds', 'fault-seed', 'fault-slow-ms'];
  for (const k of v.keys()) if (!known.includes(k)) throw new TypeError(`unknown option --${k}\n${ENDPOINT_USAGE}`);
  const dir = v.get('dir');
  if (!dir) throw new TypeError(`--dir is required\n${ENDPOINT_USAGE}`);
  const int = (name: string): number | undefined => {
    const s = v.get(name);
    if (s === undefined) return undefined;
    if (!/^\d+$/.test(s)) throw new TypeError(`--${name} must be a non-negative integer`);
    return Number(s);
  };
  const opts: LocalEndpointOptions = {
    dir,
    port: int('port'),
    host: v.get('host'),
    region: v.get('region'),
    accountId: v.get('account-id'),
    jobDelays: v.has('job-delay') ? parseJobDelays(v.get('job-delay')!) : undefined,
  };
  if (v.has('fault-rate')) {
    const rate = Number(v.get('fault-rate'));
    const kinds = (v.get('fault-kinds') ?? '500,503,throttle').split(',').map((s) => s.trim()) as FaultKind[];
    for (const k of kinds) if (!FAULT_KINDS.includes(k)) throw new TypeError(`unknown fault kind "${k}"; use ${FAULT_KINDS.join(',')}`);
    opts.faults = { rate, kinds, seed: int('fault-seed'), slowMs: int('fault-slow-ms') };
  }
  return opts;
}
