import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import { FreezerError } from '../errors';

/** What a lock file holds: who owns it. */
export interface LockOwner {
  pid: number;
  hostname: string;
  token: string;
  since: string;
}

export interface LockOptions {
  /** Give up waiting for a live owner after this long (default 30 s). */
  timeoutMs?: number;
  /** A lock from another host, which cannot be checked, counts as abandoned after this long (default 10 min). */
  foreignStaleMs?: number;
}

/** An empty or unreadable lock older than this was left by a crash between create and write. */
const HALF_WRITTEN_STALE_MS = 5_000;
const BREAKER_STALE_MS = 10_000;

/**
 * Takes the lock file `lockPath` (created exclusively, holding owner pid + hostname), waiting while a
 * live process holds it and taking over a lock whose owner on this host is dead. Returns the release
 * function. Throws FreezerError('CatalogueLocked') naming the owner when `timeoutMs` passes.
 */
export async function acquireLock(lockPath: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const foreignStaleMs = opts.foreignStaleMs ?? 600_000;
  const me: LockOwner = { pid: process.pid, hostname: os.hostname(), token: randomBytes(8).toString('hex'), since: new Date().toISOString() };
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    if (await tryCreate(lockPath, JSON.stringify(me))) return () => release(lockPath, me.token);
    const seen = await readLock(lockPath);
    if (!seen) continue; // vanished meanwhile: try again at once
    if (isStale(seen, foreignStaleMs)) {
      await breakStaleLock(lockPath, seen.raw, foreignStaleMs);
      continue;
    }
    if (Date.now() - started >= timeoutMs) {
      const o = seen.owner;
      const who = o ? `process ${o.pid} on ${o.hostname} (since ${o.since})` : 'another process';
      throw new FreezerError('CatalogueLocked', `The catalogue is locked by ${who}. Wait for it to finish; if that process is gone, delete ${lockPath}.`);
    }
    await sleep(Math.min(10 + attempt * 5, 100) + Math.random() * 10);
  }
}

/** True when the process exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface SeenLock {
  raw: string;
  owner?: LockOwner;
  ageMs: number;
}

async function tryCreate(lockPath: string, content: string): Promise<boolean> {
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(lockPath, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new FreezerError('CatalogueLockFailed', `Cannot create the catalogue lock ${lockPath}: ${(e as Error).message}`, { cause: e });
  }
  try {
    await fh.writeFile(content);
  } finally {
    await fh.close();
  }
  return true;
}

async function readLock(lockPath: string): Promise<SeenLock | undefined> {
  try {
    const [raw, st] = await Promise.all([fs.readFile(lockPath, 'utf8'), fs.stat(lockPath)]);
    let owner: LockOwner | undefined;
    try {
      const o = JSON.parse(raw) as LockOwner;
      if (Number.isInteger(o.pid) && typeof o.hostname === 'string') owner = o;
    } catch {
      // half-written: judged by age below
    }
    return { raw, owner, ageMs: Date.now() - st.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

function isStale(seen: SeenLock, foreignStaleMs: number): boolean {
  const o = seen.owner;
  if (!o) return seen.ageMs > HALF_WRITTEN_STALE_MS;
  if (o.hostname !== os.hostname()) return seen.ageMs > foreignStaleMs;
  return !processAlive(o.pid);
}

/**
 * Removes a stale lock without racing other breakers: only the holder of `<lock>.break` may remove
 * it, and only if it still holds exactly what was judged stale (not a fresh lock taken meanwhile).
 */
async function breakStaleLock(lockPath: string, staleRaw: string, foreignStaleMs: number): Promise<void> {
  const breaker = `${lockPath}.break`;
  if (!(await tryCreate(breaker, String(process.pid)))) {
    const st = await fs.stat(breaker).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > BREAKER_STALE_MS) await fs.rm(breaker, { force: true });
    else await sleep(5 + Math.random() * 10);
    return;
  }
  try {
    const now = await readLock(lockPath);
    if (now && now.raw === staleRaw && isStale(now, foreignStaleMs)) await fs.rm(lockPath, { force: true });
  } finally {
    await fs.rm(breaker, { force: true });
  }
}

async function release(lockPath: string, token: string): Promise<void> {
  const seen = await readLock(lockPath).catch(() => undefined);
  if (seen?.owner?.token === token) await fs.rm(lockPath, { force: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
