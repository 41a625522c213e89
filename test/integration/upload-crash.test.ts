/**
 * Nothing is lost, nothing is left half-made (issue "Scale out" item 5, testing.md §8.4): loopcast
 * is killed with SIGKILL half-way through a media upload. After a restart the database and the
 * blob store agree — no object without its row, no committed row without its object, the partial
 * upload invisible — the sweep clears what the crash left once its hour has passed, and the same
 * upload succeeds when repeated.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { LocalBlobStore } from '../../packages/server/src/blobs/local-blob-store.js';
import { openDatabase } from '../../packages/server/src/storage/database.js';
import { sweepOnce } from '../../packages/server/src/sweep.js';
import { ApiClient } from '../support/api-client.js';
import { killTrackedChildren, trackChildGroup } from '../support/children.js';
import { LOOPCAST_BIN, SHARED } from '../support/paths.js';
import { freePort } from '../support/ports.js';
import { requireShared } from '../support/tools.js';

const PASSWORD = 'crash-test-admin-password';
const BOUNDARY = 'loopcast-crash-test-boundary';

function startLoopcast(data: string, port: number): ChildProcess {
  const child = spawn(process.execPath, [LOOPCAST_BIN, 'serve'], {
    cwd: data,
    detached: true,
    stdio: 'ignore',
    env: {
      ...process.env,
      LOOPCAST_DATA: data,
      LOOPCAST_HOST: '127.0.0.1',
      LOOPCAST_PORT: String(port),
      LOOPCAST_MDNS: 'off',
      LOOPCAST_DAAP: 'off',
      LOOPCAST_DEMO: 'off',
      LOOPCAST_ADMIN_PASSWORD: PASSWORD,
      LOOPCAST_ADMIN_MUST_CHANGE: 'false',
      LOOPCAST_LOG_LEVEL: 'warn',
    },
  });
  trackChildGroup(child.pid);
  return child;
}

async function waitHealthy(origin: string): Promise<void> {
  for (let i = 0; i < 150; i++) {
    const ok = await fetch(`${origin}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`loopcast did not answer on ${origin}`);
}

const multipartHead = (fileName: string) =>
  Buffer.from(
    `--${BOUNDARY}\r\ncontent-disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      'content-type: video/mp4\r\n\r\n',
  );
const multipartTail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);

/** Sends the first half of the file slowly, then calls `midway` and waits for the connection to die. */
function halfUpload(client: ApiClient, path: string, file: Buffer, midway: () => void): Promise<void> {
  return new Promise((resolve) => {
    const req = request(`${client.origin}${path}`, {
      method: 'POST',
      headers: {
        ...client.authHeaders('POST'),
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': multipartHead('bbb_v6.mp4').length + file.length + multipartTail.length,
      },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      res.on('end', resolve);
    });
    req.write(multipartHead('bbb_v6.mp4'));
    const half = file.length >> 1;
    let sent = 0;
    const step = 64 * 1024;
    const pump = () => {
      if (sent >= half) return midway();
      req.write(file.subarray(sent, sent + step));
      sent += step;
      setTimeout(pump, 5);
    };
    pump();
  });
}

describe('SIGKILL during an upload', () => {
  const data = mkdtempSync(join(tmpdir(), 'loopcast-crash-'));
  after(() => {
    killTrackedChildren();
    rmSync(data, { recursive: true, force: true });
  });

  it('leaves the database and the blob store in agreement, and the upload can be repeated', async (t) => {
    if (!requireShared(t)) return;
    const file = readFileSync(join(SHARED, 'media', 'bbb', 'bbb_v6.mp4'));
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const first = startLoopcast(data, port);
    await waitHealthy(origin);
    const client = new ApiClient(origin);
    assert.equal((await client.login('admin', PASSWORD)).status, 200);
    const created = await client.call('POST', '/api/streams', { directory: 'crash', title: 'Crash test' });
    assert.equal(created.status, 201, JSON.stringify(created.json));

    const killed = new Promise((resolve) => first.once('exit', resolve));
    await halfUpload(client, '/api/streams/crash/files', file, () => process.kill(-first.pid!, 'SIGKILL'));
    await killed;

    // Restarted on the same data folder.
    startLoopcast(data, port);
    await waitHealthy(origin);
    const again = new ApiClient(origin);
    assert.equal((await again.login('admin', PASSWORD)).status, 200);
    const files = await again.call('GET', '/api/streams/crash/files');
    assert.equal(files.status, 200);
    assert.deepEqual(files.json, [], 'the half-made upload is not visible');

    const database = await openDatabase(`sqlite:${join(data, 'loopcast.db')}`, 1);
    const blobs = new LocalBlobStore(join(data, 'blobs'));
    try {
      const rows = await database.db.selectFrom('blobs').select(['store_key', 'state']).execute();
      const objects = new Set<string>();
      for await (const info of blobs.list('')) objects.add(info.key);
      for (const row of rows.filter((r) => r.state === 'committed')) {
        assert.ok(objects.has(row.store_key), `committed row ${row.store_key} has its object`);
      }
      const known = new Set(rows.map((r) => r.store_key));
      for (const key of objects) assert.ok(known.has(key), `object ${key} has a row`);

      // An hour later the sweep removes what the crash left: the pending row and the staging file.
      await sweepOnce(database.db, blobs, { loginWindow: 900 }, Date.now() + 2 * 3600_000);
      const left = await database.db
        .selectFrom('blobs')
        .select('state')
        .where('state', '!=', 'committed')
        .execute();
      assert.deepEqual(left, [], 'no pending blob rows after the sweep');
      assert.deepEqual(readdirSync(blobs.staging), [], 'no staging files after the sweep');
    } finally {
      await database.close();
    }

    const retried = await fetch(`${origin}/api/streams/crash/files`, {
      method: 'POST',
      headers: { ...again.authHeaders('POST'), 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      body: Buffer.concat([multipartHead('bbb_v6.mp4'), file, multipartTail]),
    });
    assert.equal(retried.status, 201, await retried.text());
    const listed = await again.call('GET', '/api/streams/crash/files');
    assert.equal((listed.json as unknown as unknown[]).length, 1, 'the repeated upload is there');
  });
});
