import type { Command } from './command';
import { COMMANDS } from './commands';

const pad = (s: string, n: number): string => (s.length >= n ? `${s}  ` : s.padEnd(n));

const GLOBAL_HELP: Array<[string, string]> = [
  ['-h, --help', 'This help; `freezer help COMMAND` for one command'],
  ['-v, --verbose', 'Debug messages (on stderr)'],
  ['--trace MODULES', 'Debug messages only from these modules (e.g. daemon,service)'],
  ['--threads N', 'Parallel part uploads and range downloads (default 4)'],
  ['--no-gui', 'Same as `freezer daemon`'],
  ['--config FILE', 'Config file (default ./freezer.conf when present): JSON {"region": "…"}'],
  ['', 'or the original XML <configuration><key id="region" value="…"/></configuration>'],
  ['--database FILE', 'The catalogue (default ./freezer.db)'],
  ['--accountid ID', 'AWS account id (default "-": the account of the credentials)'],
  ['--region REGION', 'AWS region of the vaults (default us-east-1)'],
  ['--access-key KEY', 'AWS access key id'],
  ['--secret-key SECRET', 'AWS secret key: never printed or logged. Other users can see command lines:'],
  ['', 'prefer AWS_SECRET_ACCESS_KEY, --profile, or a private config file'],
  ['--profile NAME', 'AWS shared config/credentials profile'],
  ['--chunk-size SIZE', 'Upload part size, 1 MiB × 2^n, e.g. 8MiB (default: chosen per archive;'],
  ['', 'bucket parts are at least S3\'s 5 MiB)'],
  ['--segment-size SIZE', 'Largest segment object of a bucket archive, 5MiB or more (default 256MiB)'],
  ['--queue URL', 'SQS queue that receives job notifications'],
  ['--topic ARN', 'SNS topic that retrieval and inventory jobs notify'],
  ['--poll-time S', 'SQS long-polling wait, 1–20 s (default 20)'],
  ['--endpoint WHERE', 'aws (default), local (the local endpoint, run inside this process), or the'],
  ['', 'URL of one, e.g. from `freezer endpoint`'],
  ['--local-dir DIR', 'Data of --endpoint local (default: freezer-local-endpoint/ beside the'],
  ['', 'catalogue)'],
  ['--keys FILE', 'Key file of key exports, must be private: chmod 600 (default:'],
  ['', 'freezer-keys.json beside the catalogue)'],
  ['--upload-folder DIR', 'Where archives are built and downloaded (default: freezer-archives/ beside'],
  ['', 'the catalogue)'],
  ['--json', 'Machine-readable output on stdout (errors as {"error": {"code", "message"}})'],
  ['--version', 'Print the version'],
];

export function mainHelp(version: string): string {
  const cmds = COMMANDS.map((c) => `  ${pad(c.name, 16)}${c.summary}`);
  return [
    `freezer ${version}: cold-storage backups to Amazon Glacier, or to the local endpoint.`,
    '',
    'Usage: freezer COMMAND [ARGUMENTS] [OPTIONS]',
    '',
    'Commands:',
    ...cmds,
    '',
    'Options (every command):',
    ...GLOBAL_HELP.map(([o, d]) => `  ${pad(o, 22)}${d}`),
    '',
    'Settings precedence, lowest first: defaults < environment (AWS_REGION, AWS_PROFILE,',
    'FREEZER_DATABASE) < config file < command line < settings stored in the catalogue.',
    'Credentials: --access-key with --secret-key (command line or config file), else the AWS chain',
    '(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, --profile or AWS_PROFILE, SSO, instance roles).',
    'A local endpoint URL (127.0.0.1, localhost) needs no credentials.',
    '',
    'Output: human text by default, --json for scripts; progress on stderr (a bar on a terminal).',
    'Exit codes: 0 ok, 1 failure, 2 usage, 3 not found, 4 configuration, credentials or keys,',
    '5 integrity (hash mismatch, wrong key, damaged data), 6 retrieval started (files come later),',
    '130 interrupted.',
    '',
    'Examples:',
    '  freezer endpoint --dir ~/freezer-local --port 4566        # try it without AWS',
    '  freezer --endpoint http://127.0.0.1:4566 vault create photos',
    '  freezer freeze ~/Pictures/2024 --vault photos',
    '  freezer retrieve 12 --tier Bulk && freezer daemon',
    '  freezer thaw photos.tar.gz.fzr --key my-key.json --to ./restored',
  ].join('\n');
}

export function commandHelp(c: Command): string {
  const opts = Object.entries(c.options ?? {}).map(([n, s]) => `  ${pad(`--${n}${s.type === 'string' ? ` ${s.arg ?? 'VALUE'}` : ''}`, 22)}`.trimEnd());
  return [
    `Usage: freezer ${c.name}${c.usage ? ` ${c.usage}` : ''}`,
    '',
    c.summary,
    ...(c.details?.length ? ['', ...c.details] : []),
    ...(opts.length ? ['', 'Options:', ...opts] : []),
    '',
    'Every command also takes the global options: see freezer --help.',
  ].join('\n');
}
