/**
 * A loopcast server for tests and benchmarks: in-process on a random loopback port, a fresh data
 * folder, demo content installed, mDNS and DAAP off. `addBbbStream` builds the `bbb` stream of
 * dash.md §5.4 from ../shared/media/bbb (read in place).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadSettings } from '../../packages/server/src/config/load.js';
import { addMediaFileFromPath } from '../../packages/server/src/media/add-media-file.js';
import { startServer, type RunningServer } from '../../packages/server/src/server.js';
import { createStream, setTimingReference } from '../../packages/server/src/media/streams.js';
import { SHARED } from './paths.js';
import { freePort } from './ports.js';

export interface TestServer {
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  server: RunningServer;
  stop(): Promise<void>;
}

export interface TestServerOptions {
  env?: Record<string, string>;
  demo?: boolean;
  configure?: (app: FastifyInstance) => void;
}

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const data = mkdtempSync(join(tmpdir(), 'loopcast-test-'));
  const port = await freePort();
  const { settings } = loadSettings({
    env: {
      LOOPCAST_DATA: data,
      LOOPCAST_HOST: '127.0.0.1',
      LOOPCAST_PORT: String(port),
      LOOPCAST_MDNS: 'off',
      LOOPCAST_DAAP: 'off',
      LOOPCAST_LOG_LEVEL: process.env.LOOPCAST_TEST_LOG ?? 'silent',
      LOOPCAST_DEMO: opts.demo === false ? 'off' : 'on',
      ...opts.env,
    },
    cwd: data,
    isTerminal: false,
  });
  const server = await startServer(settings, { print: () => {}, configure: opts.configure });
  return {
    origin: `http://127.0.0.1:${port}`,
    server,
    async stop() {
      await server.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
}

/** The `bbb` stream (dash.md §5.4): clear and encrypted video, AAC, E-AC-3 and stpp, timing ref bbb_v6. */
export async function addBbbStream(test: TestServer): Promise<void> {
  const { db } = test.server.context.database;
  const stream = await createStream(db, { directory: 'bbb', title: 'Big Buck Bunny' });
  const deps = { db, blobs: test.server.context.blobs };
  let timingRef = 0;
  for (const name of [
    'bbb_v6',
    'bbb_v7',
    'bbb_a1',
    'bbb_a2',
    'bbb_t1',
    'bbb_v6_enc',
    'bbb_v7_enc',
    'bbb_a1_enc',
    'bbb_a2_enc',
  ]) {
    const added = await addMediaFileFromPath(deps, stream, join(SHARED, 'media', 'bbb', `${name}.mp4`));
    if (added.errors.length) throw new Error(`${name}: ${added.errors.map((e) => e.reason).join(', ')}`);
    if (name === 'bbb_v6') timingRef = added.id;
  }
  await setTimingReference(db, stream.id, timingRef);
}
