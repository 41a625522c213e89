/**
 * A large upload never sits whole in memory (app.md §5.2: below 32 MiB per upload whatever the
 * file size): a 256 MiB file goes through real HTTP into the in-process server while the test
 * samples the process's resident memory; the file is one `free` box, so it is stored (and then
 * kept with a NO_FRAGMENTS record). Prints the peak growth it measured.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from '../../packages/server/src/upload/api-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

const PASSWORD = 'admin-password-1';
const SIZE = 256 * 1024 * 1024;

describe('upload memory', { timeout: 60_000 }, () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loopcast-bigupload-'));
    server = await startTestServer({
      demo: false,
      env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
    });
  });
  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams a 256 MiB upload with bounded memory', async (t) => {
    const path = join(dir, 'big.mp4');
    const fd = openSync(path, 'w');
    const header = Buffer.alloc(8);
    header.writeUInt32BE(SIZE, 0);
    header.write('free', 4);
    writeSync(fd, header);
    const chunk = Buffer.alloc(4 * 1024 * 1024);
    for (let written = 8; written < SIZE; written += chunk.length) {
      writeSync(fd, chunk, 0, Math.min(chunk.length, SIZE - written));
    }
    closeSync(fd);

    const client = new ApiClient(new URL(server.origin));
    await client.login('admin', PASSWORD);
    await client.json('POST', '/api/streams', { directory: 'big1', title: 'Big' });
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 20);
    let sent = 0;
    const started = Date.now();
    try {
      const file = await client.uploadFile<{ size: number; errors: { reason: string }[] }>(
        path,
        SIZE,
        '/api/streams/big1/files',
        (n) => (sent = n),
      );
      assert.equal(file.size, SIZE);
      assert.deepEqual(
        file.errors.map((e) => e.reason),
        ['NO_FRAGMENTS'],
      );
    } finally {
      clearInterval(sampler);
    }
    assert.equal(sent, SIZE);
    const growth = (peak - base) / (1024 * 1024);
    const seconds = (Date.now() - started) / 1000;
    t.diagnostic(
      `256 MiB upload in ${seconds.toFixed(1)} s (${(256 / seconds).toFixed(0)} MiB/s); resident memory grew by at most ${growth.toFixed(1)} MiB (client and server in one process)`,
    );
    // Client and server share this process; both stream, so the growth stays far below the file.
    assert.ok(growth < 64, `resident memory grew by ${growth.toFixed(1)} MiB`);
  });
});
