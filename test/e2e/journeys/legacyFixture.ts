/**
 * Builds what a user of the original AWS Freezer tool brings along, for the legacy-import journey:
 * a vault on the local endpoint (data in <dir>/endpoint) holding an archive in the old format (tar of
 * absolute paths, gzip, legacy AES-CBC) and a freezer.db in the old schema (FORMATS.md) that lists it.
 * usage: node --import tsx test/e2e/journeys/legacyFixture.ts <dir>  → prints JSON { db, files: {path: sha256} }
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { loadSqlJs } from '../../../src/core/catalogue';
import { makeKeyMaterial } from '../../../src/core/crypto/keys';
import { createLegacyCbcEncryptStream } from '../../../src/core/crypto/legacyCbc';
import { createClients } from '../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../src/core/glacier/multipartUploader';
import { createVault } from '../../../src/core/glacier/vaults';
import { startEmbeddedEndpoint } from '../../../src/core/service/embeddedEndpoint';
import { emptyLegacyDatabase } from '../../support/legacySchema';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const VAULT = 'holiday-2017';

async function main(dir: string): Promise<void> {
  const keyHex = randomBytes(32).toString('hex');
  const files: Record<string, Buffer> = {
    'home/ann/photos/beach.jpg': randomBytes(60_000),
    'home/ann/photos/hills.jpg': randomBytes(30_000),
    'home/ann/notes/trip.txt': Buffer.from('Day 1: beach. Day 2: hills.\n'),
  };
  const pack = tar.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name, size: content.length, mtime: new Date('2017-03-01T08:00:00Z') }, content);
  pack.finalize();
  const payload = gzipSync(await buffer(pack));
  const key = makeKeyMaterial({ algorithm: 'AES-256', key: Buffer.from(keyHex, 'hex') });
  const archive = await buffer(Readable.from([payload]).pipe(createLegacyCbcEncryptStream(key, payload.length)));

  await fs.mkdir(dir, { recursive: true });
  const ep = await startEmbeddedEndpoint({ dir: path.join(dir, 'endpoint') });
  const archiveFile = path.join(dir, 'holiday.tar.gz');
  await fs.writeFile(archiveFile, archive);
  let glacierId: string;
  const clients = createClients({ ...ep.glacierConfigPatch, threads: 1 });
  try {
    await createVault(clients, VAULT);
    glacierId = (await uploadArchiveFile({ clients, vault: VAULT, file: archiveFile, description: 'holiday.tar.gz:AES-256-1' })).archiveId;
  } finally {
    clients.destroy();
    await ep.close();
  }
  await fs.rm(archiveFile);

  const SQL = await loadSqlJs();
  const db = emptyLegacyDatabase(SQL);
  db.run('INSERT INTO vault VALUES (1, ?, ?, ?, ?, 1, NULL, ?, 1)', [VAULT, `arn:aws:glacier:us-east-1:123456789012:vaults/${VAULT}`, '2017-03-01 10:00:00', archive.length, '2017-03-02 10:00:00']);
  db.run('INSERT INTO key VALUES (1, ?, 256, 16, ?)', ['AES', keyHex]);
  db.run('INSERT INTO archive VALUES (1, ?, 1, ?, ?, ?, ?, ?, 1, 0)', [glacierId, archive.length, '2017-03-02 10:00:00', 'holiday.tar.gz:AES-256-1', '2017-03-02 09:00:00', '/gone/upload/holiday.tar.gz']);
  let id = 1;
  for (const [member, content] of Object.entries(files)) {
    const abs = `/${member}`;
    db.run('INSERT INTO file VALUES (?, ?, ?, ?, ?, ?, 0, ?, NULL, 0)', [id, path.basename(abs), abs, sha(content), content.length, '2017-03-01 08:00:00', '1']);
    db.run('INSERT INTO archive_file VALUES (1, ?, ?)', [id, abs]);
    id++;
  }
  for (const [n, v] of [['accountid', '-'], ['awsregion', 'us-east-1'], ['encryptionkey', '1']]) db.run('INSERT INTO settings (name, value, mutated) VALUES (?, ?, 0)', [n, v]);
  const dbFile = path.join(dir, 'old', 'freezer.db');
  await fs.mkdir(path.dirname(dbFile), { recursive: true });
  await fs.writeFile(dbFile, db.export());
  db.close();
  process.stdout.write(`${JSON.stringify({ db: dbFile, vault: VAULT, files: Object.fromEntries(Object.entries(files).map(([m, c]) => [`/${m}`, sha(c)])) })}\n`);
}

main(process.argv[2]).catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
