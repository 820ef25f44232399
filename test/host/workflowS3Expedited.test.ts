// Runs last (file order): it points Freezer at an endpoint of its own and puts the settings back.
// A GLACIER (Flexible Retrieval) bucket archive restored with Expedited while S3 has no Expedited
// capacity (503 GlacierExpeditedRetrievalNotAvailable): nothing is requested, a pick offers Standard,
// and picking it starts the Standard restore.
import * as assert from 'assert';
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { startLocalEndpoint, type LocalEndpoint } from '../../src/core/endpoint';
import type { JobInfo } from '../../src/core/service/types';
import { answer, freezerApi, run, waitFor } from './support';

const KEYS = ['endpoint', 'databasePath', 'uploadFolder', 'notificationQueueUrl', 'snsTopicArn'] as const;

describe('S3: no Expedited capacity offers Standard', function () {
  this.timeout(120000);
  let tmp: string;
  let ep: LocalEndpoint;
  const saved = new Map<string, unknown>();
  const store = `s3://host-flexible-${randomBytes(3).toString('hex')}`;

  before(async () => {
    const api = await freezerApi();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'freezer-host-s3-'));
    ep = await startLocalEndpoint({ dir: path.join(tmp, 'endpoint'), jobDelays: { Expedited: 0, Standard: 3_600_000, Bulk: 3_600_000 } });
    ep.s3.setExpeditedRetrievalAvailable(false);
    const cfg = vscode.workspace.getConfiguration('freezer');
    for (const k of KEYS) saved.set(k, cfg.inspect(k)?.globalValue);
    const previous = api.host.now;
    const g = vscode.ConfigurationTarget.Global;
    await cfg.update('databasePath', path.join(tmp, 'freezer.db'), g);
    await cfg.update('uploadFolder', path.join(tmp, 'archives'), g);
    await cfg.update('notificationQueueUrl', undefined, g);
    await cfg.update('snsTopicArn', undefined, g);
    await cfg.update('endpoint', ep.url, g);
    await waitFor('the service on this suite\'s endpoint', async () => {
      const s = await api.ready();
      return s !== previous ? s : undefined;
    });
  });
  after(async () => {
    const cfg = vscode.workspace.getConfiguration('freezer');
    for (const k of KEYS) await cfg.update(k, saved.get(k), vscode.ConfigurationTarget.Global);
    await ep?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('asks after the 503, then restores with Standard; nothing was requested with Expedited', async () => {
    const svc = await (await freezerApi()).ready();
    await svc.addBucket(store, { create: true, storageClass: 'GLACIER' });
    const src = path.join(tmp, 'notes');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'n.txt'), randomBytes(4096));
    const a = await svc.freeze({ vault: store, sources: [src], keyId: null });
    assert.strictEqual((await svc.getArchive(a.id))?.storageClass, 'GLACIER');
    await svc.disconnectArchive(a.id);

    const job: JobInfo = await answer(run('freezer.retrieveArchive', a.id, 'Expedited'), 0);
    assert.strictEqual(job.tier, 'Standard');
    const jobs = (await svc.listJobs()).filter((j) => j.archiveId === a.id);
    assert.deepStrictEqual(jobs.map((j) => [j.tier, j.status]), [['Standard', 'InProgress']], 'one restore, with Standard');
    assert.strictEqual((await svc.getArchive(a.id))?.state, 'melting');
  });
});
