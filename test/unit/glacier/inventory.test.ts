import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { FreezerError } from '../../../src/core/errors';
import { InventoryArchive, InventoryHeader, InventoryParser, needsInventory, parseInventoryStream } from '../../../src/core/glacier/inventory';

const sample = {
  VaultARN: 'arn:aws:glacier:us-east-1:123456789012:vaults/photos',
  InventoryDate: '2026-11-20T10:00:00Z',
  ArchiveList: [
    { ArchiveId: 'id-1', ArchiveDescription: 'photos1.tar.bz2:AES-256-3', CreationDate: '2026-01-01T00:00:00Z', Size: 1024, SHA256TreeHash: 'aa' },
    { ArchiveId: 'id-2', ArchiveDescription: 'tricky } { ] [ " \\ \u00e9 \ud83d\ude00 "}', CreationDate: '2026-02-01T00:00:00Z', Size: 5, SHA256TreeHash: 'bb' },
    { ArchiveId: 'id-3', ArchiveDescription: '', CreationDate: '2026-03-01T00:00:00Z', Size: 0, SHA256TreeHash: 'cc', Extra: { nested: [1, { x: '}' }] } },
  ],
};

function parseAll(chunks: (string | Buffer)[]): { archives: InventoryArchive[]; header: InventoryHeader } {
  const p = new InventoryParser();
  const archives = chunks.flatMap((c) => p.write(c));
  archives.push(...p.end());
  return { archives, header: p.header };
}

test('parses the inventory whatever the chunk boundaries, even inside multi-byte characters', () => {
  const bytes = Buffer.from(JSON.stringify(sample, null, 1));
  const whole = parseAll([bytes]);
  assert.equal(whole.header.vaultArn, sample.VaultARN);
  assert.equal(whole.header.inventoryDate, sample.InventoryDate);
  assert.deepEqual(whole.archives.map((a) => a.archiveId), ['id-1', 'id-2', 'id-3']);
  assert.equal(whole.archives[1].description, sample.ArchiveList[1].ArchiveDescription);
  assert.equal(whole.archives[0].size, 1024);
  for (let cut = 1; cut < bytes.length; cut += 7) {
    const r = parseAll([bytes.subarray(0, cut), bytes.subarray(cut)]);
    assert.deepEqual(r.archives, whole.archives, `cut at ${cut}`);
  }
  const byteByByte = parseAll([...bytes].map((b) => Buffer.from([b])));
  assert.deepEqual(byteByByte.archives, whole.archives);
});

test('ArchiveList may come before the header fields, and may be empty', () => {
  const r = parseAll(['{"ArchiveList":[],"VaultARN":"arn:x","InventoryDate":"d"}']);
  assert.deepEqual(r.archives, []);
  assert.equal(r.header.vaultArn, 'arn:x');
});

test('a cut-off or malformed inventory is a BadInventory error', () => {
  const text = JSON.stringify(sample);
  assert.throws(() => parseAll([text.slice(0, text.length - 20)]), (e) => FreezerError.is(e, 'BadInventory'));
  assert.throws(() => parseAll(['[1,2]']), (e) => FreezerError.is(e, 'BadInventory'));
  assert.throws(() => parseAll(['{"ArchiveList":[{"Size":1}]}']), (e) => FreezerError.is(e, 'BadInventory'));
});

test('100,000 archives parse as a stream, chunk by chunk', async () => {
  const n = 100_000;
  const head = '{"VaultARN":"arn:aws:glacier:us-east-1:1:vaults/big","InventoryDate":"2026-11-20T10:00:00Z","ArchiveList":[';
  const entry = (i: number) => JSON.stringify({ ArchiveId: `archive-${i}-${'x'.repeat(100)}`, ArchiveDescription: `file${i}.tar.gz`, CreationDate: '2026-01-01T00:00:00Z', Size: i, SHA256TreeHash: 'ab'.repeat(32) });
  function* source(): Generator<Buffer> {
    yield Buffer.from(head);
    let batch: string[] = [];
    for (let i = 0; i < n; i++) {
      batch.push(entry(i));
      if (batch.length === 500 || i === n - 1) {
        yield Buffer.from((i >= 500 ? ',' : '') + batch.join(','));
        batch = [];
      }
    }
    yield Buffer.from(']}');
  }
  const header: InventoryHeader = {};
  let count = 0;
  let sum = 0;
  for await (const a of parseInventoryStream(Readable.from(source()), header)) {
    count++;
    sum += a.size;
  }
  assert.equal(count, n);
  assert.equal(sum, (n * (n - 1)) / 2);
  assert.equal(header.inventoryDate, '2026-11-20T10:00:00Z');
});

test('an inventory is needed when local and remote counts differ', () => {
  assert.equal(needsInventory(3, 3), false);
  assert.equal(needsInventory(3, 4), true);
  assert.equal(needsInventory(0, 1), true);
});
