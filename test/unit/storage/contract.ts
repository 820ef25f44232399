/**
 * The one contract every ColdStore implementation must pass (after restic's backend test suite):
 * each harness opens a fresh, empty store on a real server and the same cases run against it.
 * Not a test file itself: `*.contract.test.ts` files call `storeContract(harness)`.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { MIB, treeHash } from '../../../src/core/hash/treeHash';
import type { ColdStore, RemoteArchive, StoreTicket } from '../../../src/core/storage/coldStore';
import { MemorySessionStore } from '../../../src/core/storage/sessionStore';

export interface OpenedStore {
  store: ColdStore;
  /** The same kind of store, naming something that does not exist. */
  missing: ColdStore;
  close(): Promise<void>;
}

export interface ContractHarness {
  name: string;
  open(): Promise<OpenedStore>;
  /** Bytes of an archive stored in one request / in several parts (and, for a bucket, several segments). */
  smallSize: number;
  largeSize: number;
  /** Codes a missing store may raise. */
  missingCodes: string[];
  /** Upper bound for a restore to become ready on this server. */
  restoreTimeoutMs?: number;
}

export function storeContract(h: ContractHarness): void {
  describe(`ColdStore contract: ${h.name}`, () => {
    let opened: OpenedStore;
    let dir: string;
    const stored = new Map<string, { file: string; data: Buffer; id: string; size: number }>();
    before(async () => {
      dir = await fs.mkdtemp(path.join(os.tmpdir(), 'freezer-contract-'));
      opened = await h.open();
    });
    after(async () => {
      await opened?.close();
      await fs.rm(dir, { recursive: true, force: true });
    });

    const makeFile = async (name: string, size: number) => {
      const data = randomBytes(size);
      const file = path.join(dir, name);
      await fs.writeFile(file, data);
      return { file, data };
    };
    const expectedChecksum = (alg: string, data: Buffer) => alg === 'sha256-tree' ? treeHash(data).toString('hex') : createHash('sha256').update(data).digest('hex');
    const waitReady = async (t: StoreTicket) => {
      const end = Date.now() + (h.restoreTimeoutMs ?? 20_000);
      for (;;) {
        const s = await opened.store.status(t);
        if (s.state === 'ready') return s;
        assert.equal(s.state, 'in-progress', `ticket ${t.id}: ${s.message ?? s.state}`);
        if (Date.now() > end) assert.fail(`ticket ${t.id} not ready within ${h.restoreTimeoutMs ?? 20_000} ms`);
        await sleep(100);
      }
    };
    const inventory = async (): Promise<RemoteArchive[]> => {
      const t = await opened.store.requestInventory();
      assert.equal(t.kind, 'inventory');
      await waitReady(t);
      const out: RemoteArchive[] = [];
      for await (const a of opened.store.readInventory(t)) out.push(a);
      return out;
    };

    test('check passes on the store and names the problem on a missing one', async () => {
      await opened.store.check();
      await assert.rejects(opened.missing.check(), (e: unknown) => FreezerError.is(e) && h.missingCodes.includes(e.code) && e.message.length > 20);
    });

    for (const [label, size] of [['single-request', h.smallSize], ['multipart', h.largeSize]] as const) {
      test(`put ${label}: the store's checksum is the file's`, async () => {
        const { file, data } = await makeFile(`${label}.bin`, size);
        const sessions = new MemorySessionStore();
        const out = await opened.store.putArchive({ file, description: `freezer/1;name=${label};c=none;e=none`, sessionKey: label, sessions });
        assert.equal(out.ref.size, size);
        assert.equal(out.checksum.value, expectedChecksum(out.checksum.algorithm, data));
        assert.equal(out.partsSent, out.partsTotal);
        assert.equal(out.resumed, false);
        assert.equal(sessions.map.size, 0, 'the session is gone once stored');
        stored.set(label, { file, data, id: out.ref.id, size });
      });
    }

    test('an interrupted put resumes, sending only what the store lacks, and stores one archive', async () => {
      const { file, data } = await makeFile('resume.bin', h.largeSize);
      const sessions = new MemorySessionStore();
      const description = 'freezer/1;name=resume;c=none;e=none';
      await assert.rejects(opened.store.putArchive({
        file, description, sessionKey: 'resume', sessions,
        onProgress: (p) => { if (p.partsDone >= 1) throw new FreezerError('Transient', 'interrupted by the test'); },
      }));
      assert.equal(sessions.map.size, 1, 'the session is kept for resume');
      const out = await opened.store.putArchive({ file, description, sessionKey: 'resume', sessions });
      assert.equal(out.resumed, true);
      assert.ok(out.partsSent < out.partsTotal, `sent ${out.partsSent} of ${out.partsTotal}`);
      assert.equal(out.checksum.value, expectedChecksum(out.checksum.algorithm, data));
      const listed = (await inventory()).filter((a) => a.description === description);
      assert.equal(listed.length, 1, 'exactly one archive');
      stored.set('resume', { file, data, id: out.ref.id, size: h.largeSize });
    });

    test('a whole restore becomes ready and downloads byte-identical', async () => {
      const a = stored.get('multipart');
      assert.ok(a, 'needs the multipart archive');
      const plan = await opened.store.planRestore({ id: a.id, size: a.size });
      assert.deepEqual(plan.range, { start: 0, end: a.size - 1 });
      assert.ok(plan.bytesRestored >= a.size);
      const t = await opened.store.requestRestore(plan, { tier: plan.tiers.includes('Standard') ? 'Standard' : plan.tiers[0] ?? 'Standard' });
      assert.equal(t.kind, 'restore');
      await waitReady(t);
      const seen: number[] = [];
      const got = await opened.store.download(t, path.join(dir, 'whole.out'), { onProgress: (p) => seen.push(p.bytesDone) });
      assert.ok(a.data.equals(await fs.readFile(got.path)));
      // Bytes count while they arrive, not only per finished request (runs end on 1 MiB blocks).
      assert.ok(seen.some((b) => b % MIB !== 0 && b < a.size), `a report inside a request (${seen.join(',')})`);
      assert.deepEqual(seen, [...seen].sort((x, y) => x - y), 'never goes back');
      assert.equal(seen[seen.length - 1], a.size);
      assert.deepEqual(got.range, plan.range);
    });

    test('a partial restore brings back a range holding the bytes asked for, no more than the store needs', async () => {
      const a = stored.get('multipart');
      assert.ok(a);
      const want = { start: Math.floor(a.size / 2), end: Math.floor(a.size / 2) + 1000 };
      const plan = await opened.store.planRestore({ id: a.id, size: a.size }, want);
      assert.ok(plan.range.start <= want.start && plan.range.end >= want.end, 'the plan covers the range');
      assert.ok(plan.bytesToDownload < a.size, `downloads ${plan.bytesToDownload} of ${a.size}`);
      assert.ok(plan.units.length >= 1);
      const t = await opened.store.requestRestore(plan, { tier: 'Standard' });
      await waitReady(t);
      const got = await opened.store.download(t, path.join(dir, 'part.out'));
      const bytes = await fs.readFile(got.path);
      assert.ok(got.range.start <= want.start && got.range.end >= want.end);
      assert.ok(bytes.equals(a.data.subarray(got.range.start, got.range.end + 1)), 'the downloaded range is the archive\'s bytes');
    });

    test('the inventory lists what was stored, and a deleted archive goes (deleting twice is fine)', async () => {
      const before = await inventory();
      for (const label of ['single-request', 'multipart']) {
        const a = stored.get(label);
        assert.ok(a);
        const hit = before.find((r) => r.ref.id === a.id);
        assert.ok(hit, `${label} is listed`);
        assert.equal(hit.ref.size, a.size);
        assert.equal(hit.description, `freezer/1;name=${label};c=none;e=none`);
      }
      const gone = stored.get('single-request');
      assert.ok(gone);
      await opened.store.deleteArchive({ id: gone.id, size: gone.size });
      await opened.store.deleteArchive({ id: gone.id, size: gone.size });
      if (opened.store.traits.inventory === 'listing') {
        assert.ok(!(await inventory()).some((r) => r.ref.id === gone.id), 'gone from the listing');
      }
    });
  });
}
