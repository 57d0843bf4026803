import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface LocalS3 {
  endpoint: string;
  directory: string;
  close(): Promise<void>;
}

// In a child process, so what the tests measure of memory is the provider's, not the fake server's.
const SERVER = `
const S3rver = require('s3rver');
const [directory, buckets] = process.argv.slice(-2);
new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: buckets.split(',').map((name) => ({ name })) })
  .run()
  .then((address) => process.send({ port: address.port }), (error) => { console.error(error); process.exit(1); });
process.on('disconnect', () => process.exit(0));
`;

/** A real S3 API server (s3rver) on a random port, storing under a temp dir. */
export async function startS3rver(bucket: string): Promise<LocalS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'flexstorage-s3rver-'));
  const child = fork('-e', [SERVER, directory, bucket], {
    execArgv: [],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    cwd: path.join(__dirname, '../..'),
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    directory,
    close: async () => {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill();
      await gone;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
