import { StringDecoder } from 'node:string_decoder';
import { FreezerError } from '../errors';

/** One archive as a vault inventory lists it. */
export interface InventoryArchive {
  archiveId: string;
  description: string;
  creationDate: string;
  size: number;
  treeHash: string;
}

export interface InventoryHeader {
  vaultArn?: string;
  inventoryDate?: string;
}

const STRING_STOP = /["\\]/g;
const STRUCTURE_STOP = /["{}[\]]/g;

/**
 * Incremental parser for Glacier's JSON inventory (`{"VaultARN":…,"InventoryDate":…,"ArchiveList":[{…},…]}`).
 * It scans structure only and keeps the text of one archive entry at a time, so an inventory of
 * 100,000 archives never sits in memory as a whole.
 */
export class InventoryParser {
  readonly header: InventoryHeader = {};
  private readonly decoder = new StringDecoder('utf8');
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** Top-level object: last key read, and whether we are reading a key or a value. */
  private key = '';
  private expectKey = true;
  private token = '';
  private tokenActive = false;
  /** Inside the ArchiveList array (depth 2) and capturing one entry. */
  private inList = false;
  private entry = '';
  private capturing = false;
  private started = false;
  private finished = false;

  /** Feeds a chunk; returns the archives completed by it. */
  write(chunk: Buffer | string): InventoryArchive[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    const out: InventoryArchive[] = [];
    let segStart = 0;
    for (let i = 0; i < text.length; i++) {
      let c = text[i];
      if (this.capturing) {
        // Inside an archive entry: jump to the next character that matters, copy the text in slices.
        if (!this.escaped) {
          const stop = this.inString ? STRING_STOP : STRUCTURE_STOP;
          stop.lastIndex = i;
          const m = stop.exec(text);
          if (!m) {
            i = text.length;
            continue;
          }
          i = m.index;
          c = text[i];
        }
        if (this.inString) {
          if (this.escaped) this.escaped = false;
          else if (c === '\\') this.escaped = true;
          else if (c === '"') this.inString = false;
        } else if (c === '"') this.inString = true;
        else if (c === '{' || c === '[') this.depth++;
        else if (c === '}' || c === ']') {
          this.depth--;
          if (this.depth === 2) {
            out.push(toArchive(this.entry + text.slice(segStart, i + 1)));
            this.entry = '';
            this.capturing = false;
          }
        }
        continue;
      }
      if (this.inString) {
        this.token += c;
        if (this.escaped) this.escaped = false;
        else if (c === '\\') this.escaped = true;
        else if (c === '"') this.inString = false;
        continue;
      }
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t') {
        continue;
      }
      if (this.finished) throw bad('text after the end of the inventory');
      if (!this.started) {
        if (c !== '{') throw bad('it does not start with an object');
        this.started = true;
        this.depth = 1;
        continue;
      }
      if (this.depth === 1) this.topLevel(c);
      else if (this.inList && this.depth === 2) {
        if (c === '{') {
          this.capturing = true;
          this.entry = '';
          segStart = i;
          this.depth = 3;
        } else if (c === ']') {
          this.inList = false;
          this.depth = 1;
        } else if (c !== ',') throw bad(`unexpected "${c}" in ArchiveList`);
      } else {
        // Another nested top-level value we do not need: skip its structure.
        if (c === '{' || c === '[') this.depth++;
        else if (c === '}' || c === ']') this.depth--;
        else if (c === '"') { this.inString = true; this.token = '"'; }
      }
    }
    if (this.capturing) this.entry += text.slice(segStart);
    return out;
  }

  /** Call after the last chunk; throws if the inventory was cut off. */
  end(): InventoryArchive[] {
    const rest = this.write(this.decoder.end());
    if (!this.finished) throw bad('it ends before its closing brace');
    return rest;
  }

  private topLevel(c: string): void {
    if (c === '"' && !this.tokenActive) {
      this.inString = true;
      this.token = '"';
      this.tokenActive = true;
      return;
    }
    if (c === ':' && this.expectKey) {
      this.key = JSON.parse(this.token) as string;
      this.token = '';
      this.tokenActive = false;
      this.expectKey = false;
      return;
    }
    if (!this.expectKey && this.key === 'ArchiveList' && c === '[' && !this.tokenActive) {
      this.inList = true;
      this.depth = 2;
      return;
    }
    if (!this.expectKey && !this.tokenActive && (c === '{' || c === '[')) {
      this.depth++;
      return;
    }
    if (c === ',' || c === '}') {
      if (!this.expectKey && this.tokenActive) this.setHeader(this.token);
      this.token = '';
      this.tokenActive = false;
      this.expectKey = true;
      if (c === '}') {
        this.depth = 0;
        this.finished = true;
      }
      return;
    }
    // A bare scalar (number, true, false, null) of the top-level object.
    this.token += c;
    this.tokenActive = true;
  }

  private setHeader(raw: string): void {
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch {
      throw bad(`bad value for ${this.key}`);
    }
    if (this.key === 'VaultARN' && typeof v === 'string') this.header.vaultArn = v;
    if (this.key === 'InventoryDate' && typeof v === 'string') this.header.inventoryDate = v;
  }
}

function bad(why: string): FreezerError {
  return new FreezerError('BadInventory', `The vault inventory could not be read: ${why}.`);
}

function toArchive(text: string): InventoryArchive {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw bad('an archive entry is not valid JSON');
  }
  if (typeof o.ArchiveId !== 'string' || !o.ArchiveId) throw bad('an archive entry has no ArchiveId');
  return {
    archiveId: o.ArchiveId,
    description: typeof o.ArchiveDescription === 'string' ? o.ArchiveDescription : '',
    creationDate: typeof o.CreationDate === 'string' ? o.CreationDate : '',
    size: typeof o.Size === 'number' ? o.Size : Number(o.Size ?? 0),
    treeHash: typeof o.SHA256TreeHash === 'string' ? o.SHA256TreeHash : '',
  };
}

/**
 * Archives from an inventory stream (e.g. a GetJobOutput body or a file stream), one at a time.
 * `header` is filled in as the vault ARN and inventory date are read.
 */
export async function* parseInventoryStream(source: AsyncIterable<Buffer | Uint8Array | string>, header?: InventoryHeader): AsyncGenerator<InventoryArchive> {
  const parser = new InventoryParser();
  for await (const chunk of source) {
    const items = parser.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    if (header) Object.assign(header, parser.header);
    yield* items;
  }
  const rest = parser.end();
  if (header) Object.assign(header, parser.header);
  yield* rest;
}

/** The original tool's rule: ask for an inventory when local and remote archive counts differ. */
export function needsInventory(localCount: number, remoteCount: number): boolean {
  return localCount !== remoteCount;
}
