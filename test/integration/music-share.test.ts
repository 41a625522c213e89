/**
 * loopcast's own DAAP share (daap.md §11) over real sockets, mDNS off: the demo music is listed
 * with its tags and containers, a song streams its stored bytes, artwork is served, and a library
 * change made through storage reaches a long-polling client as one revision with a delta.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { child, children, DaapClient, type DmapNode } from '@loopcast/daap';
import { DEMO_DIR } from '../../packages/server/src/demo/install.js';
import { addMusicTrackFromPath } from '../../packages/server/src/music/add-track.js';
import { freePort } from '../support/ports.js';
import { startTestServer, type TestServer } from '../support/loopcast.js';

let t: TestServer;
let client: DaapClient;
let sessionId = 0;

before(async () => {
  const daapPort = await freePort();
  t = await startTestServer({
    env: {
      LOOPCAST_DAAP: 'on',
      LOOPCAST_DAAP_PORT: String(daapPort),
      LOOPCAST_DAAP_NAME: 'loopcast test share',
    },
  });
  client = new DaapClient('127.0.0.1', daapPort, {
    'Client-DAAP-Version': '3.13',
    'User-Agent': 'Rhythmbox/3.4.7',
  });
});
after(() => t.stop());

const value = (node: DmapNode | undefined, code: string): unknown =>
  node ? child(node, code)?.value : undefined;

async function listItems(): Promise<DmapNode[]> {
  const reply = await client.request(
    `/databases/1/items?session-id=${sessionId}&meta=dmap.itemid,dmap.itemname,daap.songartist,daap.songalbum,daap.songformat,daap.songtracknumber`,
  );
  assert.equal(reply.status, 200);
  return children(child(reply.root!, 'mlcl')!, 'mlit');
}

describe('the music share', { timeout: 60_000 }, () => {
  it('answers server-info with the share name and logs a client in', async () => {
    const info = await client.request('/server-info');
    assert.equal(info.status, 200);
    assert.equal(value(info.root, 'minm'), 'loopcast test share');
    const login = await client.request('/login');
    assert.equal(login.status, 200);
    sessionId = Number(value(login.root, 'mlid'));
    assert.ok(sessionId > 0);
  });

  it('lists the demo music with tags, and the source containers in album order', async () => {
    const items = await listItems();
    assert.equal(items.length, 10);
    const titles = items.map((i) => value(i, 'minm')).sort();
    assert.ok(titles.includes('Neon Orchard') && titles.includes('Five Minute Sunrise'), titles.join(', '));
    const neon = items.find((i) => value(i, 'minm') === 'Neon Orchard')!;
    assert.equal(value(neon, 'asar'), 'Kasimir Oduya');
    assert.equal(value(neon, 'asal'), 'Sine Waves of Summer');
    assert.equal(value(neon, 'asfm'), 'm4a');
    const containers = await client.request(
      `/databases/1/containers?session-id=${sessionId}&meta=dmap.itemid,dmap.itemname,dmap.itemcount`,
    );
    const names = children(child(containers.root!, 'mlcl')!, 'mlit').map((c) => value(c, 'minm'));
    assert.deepEqual(names, ['loopcast test share', 'Demo music', 'Uploads']);
  });

  it('streams a song as its stored bytes, with ranges, and serves artwork', async () => {
    const items = await listItems();
    const neon = items.find((i) => value(i, 'minm') === 'Neon Orchard')!;
    const id = Number(value(neon, 'miid'));
    const song = await client.request(`/databases/1/items/${id}.m4a?session-id=${sessionId}`);
    assert.equal(song.status, 200);
    const { readFileSync } = await import('node:fs');
    const original = readFileSync(join(DEMO_DIR, 'music', 'kasimir-oduya_neon-orchard.m4a'));
    assert.deepEqual(song.body, original);
    const part = await client.request(`/databases/1/items/${id}.m4a?session-id=${sessionId}`, {
      headers: { Range: 'bytes=100-199' },
    });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, original.subarray(100, 200));
    const art = await client.request(
      `/databases/1/items/${id}/extra_data/artwork?session-id=${sessionId}&mw=64&mh=64`,
    );
    assert.equal(art.status, 200);
    assert.match(art.headers['content-type'] ?? '', /^image\/(jpeg|png)$/);
  });

  it('delivers a library change to a long-polling client as a delta', async () => {
    const update = await client.request(`/update?session-id=${sessionId}&revision-number=1`);
    const revision = Number(value(update.root, 'musr'));
    const held = client.request(
      `/update?session-id=${sessionId}&revision-number=${revision}&delta=${revision}`,
      { timeoutMs: 15_000 },
    );
    const { db } = t.server.context.database;
    const added = await addMusicTrackFromPath(
      { db, blobs: t.server.context.blobs },
      'upload',
      join(DEMO_DIR, 'music', 'mira-vale_lanterns.mp3'),
    );
    await t.server.music!.syncIfChanged();
    const woke = await held;
    const next = Number(value(woke.root, 'musr'));
    assert.ok(next > revision, `revision moved from ${revision} to ${next}`);
    const delta = await client.request(
      `/databases/1/items?session-id=${sessionId}&revision-number=${next}&delta=${revision}&meta=dmap.itemid,dmap.itemname`,
    );
    assert.equal(value(delta.root, 'muty'), 1);
    const listed = children(child(delta.root!, 'mlcl')!, 'mlit').map((i) => Number(value(i, 'miid')));
    assert.deepEqual(listed, [added.id]);
  });
});

describe('the watched music folder', { timeout: 60_000 }, () => {
  it('shares the folder, follows additions, renames (same id) and deletions', async () => {
    const { copyFileSync, mkdtempSync, renameSync, unlinkSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const folder = mkdtempSync(join(tmpdir(), 'loopcast-musicdir-'));
    const demo = join(DEMO_DIR, 'music');
    copyFileSync(join(demo, 'mira-vale_slow-tide.mp3'), join(folder, 'slow-tide.mp3'));
    copyFileSync(join(demo, 'theo-marchetti_glasshouse.m4a'), join(folder, 'glasshouse.m4a'));
    const daapPort = await freePort();
    const server = await startTestServer({
      env: { LOOPCAST_DAAP: 'on', LOOPCAST_DAAP_PORT: String(daapPort), LOOPCAST_MUSIC_DIR: folder },
    });
    try {
      const c = new DaapClient('127.0.0.1', daapPort);
      const sid = Number(value((await c.request('/login')).root, 'mlid'));
      const items = async () => {
        const reply = await c.request(`/databases/1/items?session-id=${sid}&meta=dmap.itemid,dmap.itemname`);
        return children(child(reply.root!, 'mlcl')!, 'mlit').map((i) => ({
          name: value(i, 'minm') as string,
          id: Number(value(i, 'miid')),
        }));
      };
      const waitFor = async (check: (m: { name: string; id: number }[]) => boolean) => {
        // The watcher debounces for 1 s; asking the share to check the change counter each time
        // spares the test its 5-second poll. 20 s allows for a loaded machine.
        for (let i = 0; i < 200; i++) {
          await server.server.music!.syncIfChanged();
          const m = await items();
          if (check(m)) return m;
          await new Promise((r) => setTimeout(r, 100));
        }
        return items();
      };
      const first = await items();
      assert.equal(first.length, 12, 'ten demo tracks and two folder tracks');
      const demoIds = new Set(
        (
          await server.server.context.database.db
            .selectFrom('music_tracks')
            .select('id')
            .where('source', '=', 'demo')
            .execute()
        ).map((r) => r.id),
      );
      const folderTrack = (list: { name: string; id: number }[], name: string) =>
        list.find((i) => i.name === name && !demoIds.has(i.id));
      const containers = await c.request(`/databases/1/containers?session-id=${sid}&meta=dmap.itemname`);
      const names = children(child(containers.root!, 'mlcl')!, 'mlit').map((n) => value(n, 'minm'));
      assert.ok(names.includes(folder.split('/').at(-1)), `folder container in ${names.join(', ')}`);
      // The server's share polls the change counter; these waits allow the 1 s debounce + 5 s poll.
      copyFileSync(join(demo, 'juniper-hale_paper-boats.mp3'), join(folder, 'paper-boats.mp3'));
      const added = await waitFor((m) => m.length === 13);
      assert.equal(added.length, 13);
      assert.ok(folderTrack(added, 'Paper Boats'));
      const glasshouse = folderTrack(added, 'Glasshouse')?.id;
      assert.ok(glasshouse);
      renameSync(join(folder, 'glasshouse.m4a'), join(folder, 'renamed.m4a'));
      unlinkSync(join(folder, 'slow-tide.mp3'));
      const after = await waitFor((m) => m.length === 12);
      assert.equal(after.length, 12);
      assert.equal(folderTrack(after, 'Glasshouse')?.id, glasshouse, 'a renamed file keeps its id');
      assert.equal(folderTrack(after, 'Slow Tide'), undefined, 'the deleted folder file is gone');
    } finally {
      await server.stop();
    }
  });
});
