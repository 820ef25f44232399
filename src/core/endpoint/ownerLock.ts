import fsp from 'node:fs/promises';
import path from 'node:path';
import { FreezerError } from '../errors';

/**
 * One endpoint per data folder. The endpoint keeps its records in memory once loaded, so two endpoints
 * on one folder (two VS Code windows, the daemon and a window) would each miss what the other wrote.
 * The first to start owns the folder through `endpoint.lock` ({ pid, url }); the others share its URL.
 */
export const OWNER_LOCK = 'endpoint.lock';

export interface EndpointOwner {
  pid: number;
  /** Set once the owner listens; absent while it is starting. */
  url?: string;
  since: string;
}

/** The folder's endpoint runs in another live process (or in this one), at `owner.url`. */
export class EndpointInUseError extends FreezerError {
  constructor(readonly dir: string, readonly owner: EndpointOwner & { url: string }) {
    super('EndpointInUse', `The local endpoint for ${dir} already runs in process ${owner.pid} at ${owner.url}. Use that URL, or stop that process first.`);
    this.name = 'EndpointInUseError';
  }
}

/** Folders whose endpoint runs in this process (a lock holding our own pid is stale otherwise). */
const ownedHere = new Set<string>();

/** How long a lock may say "starting" (no URL) before it counts as abandoned. */
const STARTING_GRACE_MS = 30_000;

export function isAlive(pid: number, dir: string): boolean {
  if (pid === process.pid) return ownedHere.has(path.resolve(dir));
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The folder's owner as its lock says, or undefined when there is no lock or it cannot be read. */
export async function readOwner(dir: string): Promise<EndpointOwner | undefined> {
  try {
    const o = JSON.parse(await fsp.readFile(path.join(dir, OWNER_LOCK), 'utf8')) as EndpointOwner;
    return Number.isInteger(o?.pid) ? o : undefined;
  } catch {
    return undefined;
  }
}

/** The live owner of the folder, if any. */
export async function liveOwner(dir: string): Promise<EndpointOwner | undefined> {
  const o = await readOwner(dir);
  return o && isAlive(o.pid, dir) ? o : undefined;
}

/** Removes the folder's lock if it still names `url` (found to have nothing listening there). */
export async function dropLockNaming(dir: string, url: string): Promise<void> {
  const file = path.join(dir, OWNER_LOCK);
  const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return;
  await new Promise((r) => setTimeout(r, 200));
  const owner = await readOwner(dir);
  if (owner?.url === url && (await fsp.readFile(file, 'utf8').catch(() => undefined)) === text) await fsp.rm(file, { force: true });
}

export interface OwnerLock {
  /** Records the URL once listening; false when another process took the folder meanwhile. */
  publish(url: string): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Takes the folder for this process. Throws EndpointInUseError when a live process owns it; a lock
 * left by a process that died (killed, crashed) is taken over.
 */
export async function acquireOwnerLock(dir: string): Promise<OwnerLock> {
  const abs = path.resolve(dir);
  const file = path.join(abs, OWNER_LOCK);
  const since = new Date().toISOString();
  for (let attempt = 0; ; attempt++) {
    try {
      await fsp.writeFile(file, JSON.stringify({ pid: process.pid, since }), { flag: 'wx', mode: 0o644 });
      ownedHere.add(abs);
      return ownerLock(abs, file, since);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const text = await fsp.readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // removed meanwhile: try again
    let owner: EndpointOwner | undefined;
    try {
      owner = JSON.parse(text) as EndpointOwner;
    } catch {
      owner = undefined;
    }
    const age = Date.now() - Date.parse(owner?.since ?? '');
    if (owner && Number.isInteger(owner.pid) && isAlive(owner.pid, abs)) {
      if (owner.url) throw new EndpointInUseError(abs, { ...owner, url: owner.url });
      if (age < STARTING_GRACE_MS && attempt < 300) {
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
    } else if (!owner && attempt < 20) {
      // Torn or being written: give its writer a moment.
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    // Abandoned: remove it only if it is still the lock we judged (another process may have taken over).
    if ((await fsp.readFile(file, 'utf8').catch(() => undefined)) === text) await fsp.rm(file, { force: true });
  }
}

function ownerLock(abs: string, file: string, since: string): OwnerLock {
  const mine = async (): Promise<boolean> => (await readOwner(abs))?.pid === process.pid && ownedHere.has(abs);
  return {
    async publish(url) {
      if (!(await mine())) return false;
      const tmp = `${file}.${process.pid}.tmp`;
      await fsp.writeFile(tmp, JSON.stringify({ pid: process.pid, url, since }));
      await fsp.rename(tmp, file);
      return true;
    },
    async release() {
      if (await mine()) await fsp.rm(file, { force: true });
      ownedHere.delete(abs);
    },
  };
}
