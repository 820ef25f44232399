// A separate uploading process for the S3 kill tests: it stores a file in a bucket and kills itself
// with SIGKILL at the point named by `kill`, so the parent sees exactly what a crash leaves behind.
// usage: node --import tsx s3UploadChild.ts '<json args>'
import { createS3Clients } from '../../../../src/core/s3/clients';
import { S3Store } from '../../../../src/core/s3/s3Store';
import { JsonFileSessionStore } from '../../../../src/core/storage/sessionStore';

interface Args {
  url: string; bucket: string; file: string; sessions: string; key: string; segmentSize: number; partSize: number;
  /** 'afterSave:N' (N session saves durable) | 'afterAnswer:<Command>:N' (Nth answer received, nothing recorded) */
  kill: string;
}

const args = JSON.parse(process.argv[2]) as Args;
const [mode, a, b] = args.kill.split(':');
const die = () => process.kill(process.pid, 'SIGKILL');

class KillingSessions extends JsonFileSessionStore {
  private saves = 0;
  override async save(key: string, state: unknown): Promise<void> {
    await super.save(key, state);
    if (mode === 'afterSave' && ++this.saves === Number(a)) die();
  }
}

const clients = createS3Clients({ region: 'us-east-1', endpoint: args.url, credentials: { accessKeyId: 'AKIDCHILD', secretAccessKey: 'child-secret' } });
let answers = 0;
for (const c of [clients.s3, clients.once]) {
  c.middlewareStack.add((next, ctx) => async (x) => {
    const out = await next(x);
    if (mode === 'afterAnswer' && ctx.commandName === a && ++answers === Number(b)) die();
    return out;
  }, { step: 'deserialize', name: 'killAfterAnswer' });
}
const store = new S3Store({ clients, bucket: args.bucket, segmentSize: args.segmentSize, partSize: args.partSize, concurrency: 2 });
store.putArchive({ file: args.file, description: 'freezer/1;name=kill;c=none;e=none', sessionKey: args.key, sessions: new KillingSessions(args.sessions) }).then((r) => {
  process.stdout.write(JSON.stringify(r));
  store.close();
}, (e) => {
  console.error(e);
  process.exit(1);
});
