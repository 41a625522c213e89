/**
 * An S3 endpoint for tests: s3rver in-process on a loopback port with a throwaway folder
 * (testing.md §7). `pause`/`resume` keep the port, for the "S3 unreachable" tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface TestS3 {
  endpoint: string;
  /** Creates a bucket with a unique, valid name and returns the name. */
  createBucket(): Promise<string>;
  client(): S3Client;
  /** Environment for loopcast settings and the SDK's credential chain. */
  env(bucket: string): Record<string, string>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

let buckets = 0;

export async function startS3(): Promise<TestS3> {
  const directory = await mkdtemp(join(tmpdir(), 'loopcast-s3-'));
  let server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  // The SDK's default chain reads these; loopcast takes credentials only from it (app.md §12.2).
  process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
  process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
  const client = () =>
    new S3Client({
      endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  let running = true;
  return {
    endpoint,
    client,
    async createBucket() {
      const name = `loopcast-test-${process.pid}-${++buckets}`;
      const c = client();
      await c.send(new CreateBucketCommand({ Bucket: name }));
      c.destroy();
      return name;
    },
    env: (bucket) => ({
      LOOPCAST_BLOB_STORE: 's3',
      LOOPCAST_S3_ENDPOINT: endpoint,
      LOOPCAST_S3_BUCKET: bucket,
    }),
    async pause() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async resume() {
      if (running) return;
      server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
      await server.run();
      running = true;
    },
    async stop() {
      if (running) await server.close();
      running = false;
      await rm(directory, { recursive: true, force: true });
    },
  };
}
