/**
 * "Save this stream to loopcast" over the validator's websocket (validator.md §8.3): a logged-in
 * media user validates loopcast's own demo VOD stream, saves it under a new directory, gets
 * `saveProgress` then `saved`, and the new stream's manifest answers 200 with every file and the
 * timing reference installed; a taken directory and a bad title are `fieldErrors`; a capture that
 * fails leaves no stream behind.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { onTheFlyKid } from '@loopcast/dash';
import WebSocket from 'ws';
import { ApiClient } from '../support/api-client.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

type Msg = Record<string, unknown> & { type: string };
const PASSWORD = 'admin-password-1';

let loopcast: TestServer;
let admin: ApiClient;

before(async () => {
  loopcast = await startTestServer({
    env: { LOOPCAST_ADMIN_PASSWORD: PASSWORD, LOOPCAST_ADMIN_MUST_CHANGE: 'false' },
  });
  admin = new ApiClient(loopcast.origin);
  assert.equal((await admin.login('admin', PASSWORD)).status, 200);
});
after(() => loopcast.stop());

interface Client {
  send(m: Record<string, unknown>): void;
  /** Every message up to and including the first of one of `types`. */
  until(...types: string[]): Promise<Msg[]>;
  close(): void;
}

async function connect(): Promise<Client> {
  const ws = new WebSocket(`${loopcast.origin.replace('http', 'ws')}/api/validate/socket`, {
    headers: { origin: loopcast.origin, cookie: admin.cookie },
  });
  const queue: Msg[] = [];
  let wake: (() => void) | null = null;
  ws.on('message', (data) => {
    queue.push(JSON.parse((data as Buffer).toString('utf8')) as Msg);
    wake?.();
  });
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  return {
    send: (m) => ws.send(JSON.stringify(m)),
    async until(...types) {
      const seen: Msg[] = [];
      for (;;) {
        const m = queue.shift();
        if (!m) {
          await new Promise<void>((r) => (wake = r));
          continue;
        }
        seen.push(m);
        if (types.includes(m.type)) return seen;
      }
    },
    close: () => ws.close(),
  };
}

async function finishedRun(c: Client, url: string): Promise<void> {
  c.send({ type: 'start', url, duration: 4, encrypted: false, media: true });
  const run = await c.until('finished', 'error');
  assert.equal(run.at(-1)!.type, 'finished', JSON.stringify(run.at(-1)));
}

describe('save this stream over the websocket', { timeout: 30_000 }, () => {
  it("captures loopcast's demo VOD stream into a new stream whose manifest answers 200", async () => {
    const c = await connect();
    await finishedRun(c, `${loopcast.origin}/dash/vod/demo/hand_made.mpd`);
    c.send({ type: 'save', directory: 'demo', title: 'Taken' });
    const taken = (await c.until('fieldErrors', 'error')).at(-1)!;
    assert.match(String((taken.fields as { directory?: string }).directory), /already exists/);
    c.send({ type: 'save', directory: 'copy1', title: '' });
    const untitled = (await c.until('fieldErrors', 'error')).at(-1)!;
    assert.ok((untitled.fields as { title?: string }).title);

    c.send({ type: 'save', directory: 'copy1', title: 'Saved copy' });
    const messages = await c.until('saved', 'error');
    const last = messages.at(-1)!;
    assert.equal(last.type, 'saved', JSON.stringify(last));
    assert.deepEqual(last, { type: 'saved', directory: 'copy1', streamUrl: '/streams/copy1' });
    const progress = messages.filter((m) => m.type === 'saveProgress');
    assert.ok(
      progress.length > 2 && progress.at(-1)!.done === progress.at(-1)!.total,
      JSON.stringify(progress.at(-1)),
    );
    c.close();

    const stream = (await admin.call('GET', '/api/streams/copy1')).json as {
      title: string;
      timingReference: { name: string } | null;
      files: { fileName: string }[];
    };
    assert.equal(stream.title, 'Saved copy');
    assert.ok(stream.files.length >= 2 && stream.files.every((f) => /^copy1_.+\.mp4$/.test(f.fileName)));
    assert.ok(stream.timingReference && /^copy1_/.test(stream.timingReference.name), JSON.stringify(stream));
    const mpd = await fetch(`${loopcast.origin}/dash/vod/copy1/hand_made.mpd`);
    assert.equal(mpd.status, 200);
    assert.match(await mpd.text(), /<MPD/);
  });

  it('a capture that fails removes the stream it created', async () => {
    const c = await connect();
    // the run finishes (with DOC_FETCH) and the capture then fails on the same missing manifest
    await finishedRun(c, `${loopcast.origin}/dash/vod/demo/no-such-thing.mpd`);
    c.send({ type: 'save', directory: 'broken1', title: 'Broken' });
    const last = (await c.until('saved', 'error')).at(-1)!;
    assert.equal(last.type, 'error');
    assert.match(String(last.message), /Saving failed: the manifest .*no-such-thing\.mpd/);
    c.close();
    assert.equal((await admin.call('GET', '/api/streams/broken1')).status, 404);
    const keys = JSON.stringify((await admin.call('GET', '/api/keys')).json);
    assert.ok(keys.includes(onTheFlyKid('demo')), 'the key listing holds on-the-fly KIDs');
    assert.ok(!keys.includes(onTheFlyKid('broken1')), 'the failed stream left no key behind');
  });
});
