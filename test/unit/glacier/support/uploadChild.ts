// A separate uploading process for the resume tests: it uploads a file and kills itself with SIGKILL
// at the point named by `kill`, so the parent sees exactly what a crash leaves behind.
// usage: node --import tsx uploadChild.ts '<json args>'
import { createClients } from '../../../../src/core/glacier/clients';
import { uploadArchiveFile } from '../../../../src/core/glacier/multipartUploader';
import { JsonFileUploadSessionStore, UploadSession } from '../../../../src/core/glacier/uploadSession';

interface Args {
  url: string; vault: string; file: string; sessions: string; key: string; partSize: number; concurrency: number;
  /** 'afterInitiate' | 'afterPart:N' (N parts recorded) | 'beforeRecord:N' (Nth part at AWS, not recorded) | 'none' */
  kill: string;
}

const args = JSON.parse(process.argv[2]) as Args;
const [mode, n] = args.kill.split(':');
const die = () => process.kill(process.pid, 'SIGKILL');

class KillingStore extends JsonFileUploadSessionStore {
  private recorded = 0;
  override async save(s: UploadSession): Promise<void> {
    await super.save(s);
    if (mode === 'afterInitiate') die();
  }
  override async partDone(key: string, index: number, hash: string): Promise<void> {
    this.recorded++;
    if (mode === 'beforeRecord' && this.recorded === Number(n)) die();
    await super.partDone(key, index, hash);
    if (mode === 'afterPart' && this.recorded === Number(n)) die();
  }
}

const clients = createClients({ region: 'us-east-1', endpoint: args.url, credentials: { accessKeyId: 'AKIDCHILD', secretAccessKey: 'child-secret' } });
uploadArchiveFile({
  clients, vault: args.vault, file: args.file, description: 'resume-test', partSize: args.partSize, concurrency: args.concurrency,
  sessionStore: new KillingStore(args.sessions), sessionKey: args.key,
}).then((r) => {
  process.stdout.write(JSON.stringify(r));
  clients.destroy();
}, (e) => {
  console.error(e);
  process.exit(3);
});
