/**
 * Test support for the service: a real local endpoint (in-process, with SNS → SQS notifications), a
 * catalogue and upload folder in a temp dir, a memory key store and a logger that keeps every line.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { format } from 'node:util';
import type { Logger } from '../../../src/core/log';
import { startEmbeddedEndpoint, type EmbeddedEndpoint, type EmbeddedEndpointOptions } from '../../../src/core/service/embeddedEndpoint';
import { memoryKeyStore } from '../../../src/core/service/fileKeyStore';
import { createFreezerService } from '../../../src/core/service/freezerService';
import type { FreezerService, KeyStore, ServiceOptions } from '../../../src/core/service/service';
import type { ArchiveState, ChangeKind } from '../../../src/core/service/types';

export interface CapturingLogger extends Logger {
  lines: string[];
}

export function capturingLogger(): CapturingLogger {
  const lines: string[] = [];
  const at = (level: string) => (msg: string, ...args: unknown[]) => { lines.push(`${level} ${format(msg, ...args)}`); };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export interface Harness {
  dir: string;
  ep: EmbeddedEndpoint;
  service: FreezerService;
  options: ServiceOptions;
  log: CapturingLogger;
  keyStore: KeyStore;
  changes: ChangeKind[];
  /** Another service on the same catalogue and endpoint (e.g. a second process's view). */
  open(extra?: Partial<ServiceOptions>): Promise<FreezerService>;
  close(): Promise<void>;
}

export async function startHarness(o: { endpoint?: Partial<EmbeddedEndpointOptions>; service?: Partial<ServiceOptions>; glacier?: Partial<ServiceOptions['glacier']> } = {}): Promise<Harness> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-service-'));
  const ep = await startEmbeddedEndpoint({ dir: path.join(dir, 'endpoint'), ...o.endpoint });
  const log = capturingLogger();
  const keyStore = memoryKeyStore();
  const options: ServiceOptions = {
    glacier: { ...ep.glacierConfigPatch, pollTimeSeconds: 1, threads: 2, ...o.glacier },
    databasePath: path.join(dir, 'freezer.db'),
    uploadFolder: path.join(dir, 'upload'),
    keyStore,
    log,
    ...o.service,
  };
  const service = await createFreezerService(options);
  const changes: ChangeKind[] = [];
  service.onDidChange((k) => changes.push(k));
  const others: FreezerService[] = [];
  return {
    dir, ep, service, options, log, keyStore, changes,
    async open(extra = {}) {
      const s = await createFreezerService({ ...options, ...extra });
      others.push(s);
      return s;
    },
    async close() {
      for (const s of others) await s.dispose();
      await service.dispose();
      await ep.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

/** A folder of files with known content; returns their paths. */
export async function makeTree(root: string, files: Record<string, string | Buffer>): Promise<string[]> {
  const out: string[] = [];
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    await fs.mkdir(path.dirname(p), { recursive: true });
    await fs.writeFile(p, content);
    out.push(p);
  }
  return out;
}

export const random = (n: number): Buffer => randomBytes(n);

export async function stateOf(service: FreezerService, id: number): Promise<ArchiveState | undefined> {
  return (await service.getArchive(id))?.state;
}

/** Polls `check` until it returns true (or fails after `ms`). */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}
