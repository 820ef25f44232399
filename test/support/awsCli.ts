/**
 * Test support: the real AWS CLI (on the machine image, like moto_server) against an endpoint. Missing,
 * it fails the run loudly rather than skip: the CLI's default request shapes are what users send.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const AWS_CLI = process.env.AWS_CLI ?? (fs.existsSync('/root/.pyenv/shims/aws') ? '/root/.pyenv/shims/aws' : 'aws');

export interface AwsResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `aws --endpoint-url URL …` with throwaway credentials and no user configuration. */
export function runAws(endpointUrl: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<AwsResult> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-awscli-'));
  const env = {
    PATH: process.env.PATH ?? '', HOME: home, PYENV_ROOT: process.env.PYENV_ROOT ?? '/root/.pyenv',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALCLI', AWS_SECRET_ACCESS_KEY: 'local-cli-secret', AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(home, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true', AWS_PAGER: '', ...opts.env,
  };
  return new Promise((resolve, reject) => {
    execFile(AWS_CLI, ['--endpoint-url', endpointUrl, ...args], { cwd: opts.cwd, env, maxBuffer: 16 * 1024 * 1024, timeout: 120_000 }, (err, stdout, stderr) => {
      fs.rmSync(home, { recursive: true, force: true });
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        return reject(new Error(`The AWS CLI (${AWS_CLI}) is required by this test and was not found; set AWS_CLI to its path.`));
      }
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
