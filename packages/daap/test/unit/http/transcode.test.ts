// Transcoding for Apple clients (daap.md §9.4): the decision rule (Accept-Codecs, else the
// User-Agent), listings and deltas per codec class, and transcoded streams (no Content-Length,
// a Range answered with 200 from the start, 503 when the provider is busy).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDaapHandler, type DaapRequestHandler } from '../../../src/http/handler.js';
import { ManualTimers } from '../../../src/http/clock.js';
import { APPLE_CODECS, clientCodecs, playable, targetItem } from '../../../src/media/codecs.js';
import {
  MediaBusyError,
  type MediaContext,
  type MediaProvider,
  type MediaSource,
  type TranscodeTarget,
} from '../../../src/media/types.js';
import type { Item } from '../../../src/model/item.js';
import { Share } from '../../../src/model/share.js';
import type { DmapNode } from '../../../src/dmap/decode.js';
import { all, call, find, start, val } from '../../support/invoke.js';

const ITUNES = 'iTunes/12.12.10 (Macintosh; OS X 13.4) AppleWebKit/615.2.9.11.7';
const RHYTHMBOX = 'Rhythmbox/3.4.7';
const LIBDMAPSHARING = 'iTunes/4.6 (Windows; N)';

test('decision rule: Accept-Codecs first, else Apple user agents; everyone else plays anything', () => {
  const apple = APPLE_CODECS.join(',');
  for (const ua of [
    ITUNES,
    'iTunes/12.2.2 (Macintosh; OS X 10.10.5) AppleWebKit/600.8.9',
    'iTunes/4.0 (Macintosh; N; PPC)',
    'Music/1.0.6 (Macintosh; OS X 10.15.7) AppleWebKit/609.4.1 build/10 (dt:1)',
    'QuickTime/7.7.9',
    'Front%20Row/2.2.1',
    'Front Row/1.3',
    'AppleCoreMedia/1.0.0.22G74 (Macintosh; U; Intel Mac OS X 13_5; en_us)',
  ])
    assert.equal(clientCodecs({ 'user-agent': ua })?.key, apple, ua);
  // libdmapsharing (Rhythmbox) sends iTunes 4.6's User-Agent but plays through GStreamer (§7.4).
  for (const ua of [RHYTHMBOX, LIBDMAPSHARING, 'Banshee/2.6', 'Musical/1.0', 'curl/7.88.1', ''])
    assert.equal(clientCodecs({ 'user-agent': ua }), undefined, ua);
  assert.equal(clientCodecs({}), undefined, 'no User-Agent (Amarok)');
  // Accept-Codecs wins over the User-Agent, either way; case and padding do not matter.
  assert.equal(clientCodecs({ 'accept-codecs': 'MP4A, alac,', 'user-agent': RHYTHMBOX })?.key, 'alac,mp4a');
  assert.equal(clientCodecs({ 'accept-codecs': 'flac,mpeg', 'user-agent': ITUNES })?.key, 'flac,mpeg');
  assert.equal(clientCodecs({ 'accept-codecs': ' ', 'user-agent': ITUNES })?.key, apple, 'blank: the UA');
  // One class object per codec set (listings are cached per class).
  assert.equal(
    clientCodecs({ 'user-agent': ITUNES }),
    clientCodecs({ 'accept-codecs': 'wav,mpeg,alac,mp4a,mp4v' }),
  );

  const cls = clientCodecs({ 'user-agent': ITUNES });
  assert.equal(playable(cls, 'wav '), true, 'ascd is padded, Accept-Codecs is not');
  assert.equal(playable(cls, 'mpeg'), true);
  assert.equal(playable(cls, 'flac'), false);
  assert.equal(playable(cls, 'vorb'), false);
  assert.equal(playable(cls, undefined), true, 'no ascd: sent as it is');
  assert.equal(playable(undefined, 'flac'), true, 'a client that plays anything');
});

test('targetItem: the target fields replace the stored ones, an unknown estimate drops assz', () => {
  const item: Item = { id: 1, name: 'x', format: 'flac', codec: 'flac', size: 10, bitrate: 900 };
  const wav: TranscodeTarget = {
    format: 'wav',
    codec: 'wav ',
    description: 'WAV audio file',
    mime: 'audio/wav',
  };
  assert.deepEqual(targetItem(item, { ...wav, bitrate: 1411, size: 99 }), {
    id: 1,
    name: 'x',
    format: 'wav',
    codec: 'wav ',
    description: 'WAV audio file',
    mime: 'audio/wav',
    bitrate: 1411,
    size: 99,
  });
  const bare = targetItem(item, wav);
  assert.equal('size' in bare, false);
  assert.equal('bitrate' in bare, false);
});

// ---- a share with one MP3 and one FLAC item, and a provider that "transcodes" FLAC to WAV ------

const MP3 = Buffer.from('ID3 mp3 bytes '.repeat(20));
const FLAC = Buffer.from('fLaC flac bytes '.repeat(40));
const WAV = Buffer.from('RIFF....WAVE transcoded '.repeat(30));

const wavTarget = (item: Item): TranscodeTarget => ({
  format: 'wav',
  codec: 'wav ',
  description: 'WAV audio file',
  mime: 'audio/wav',
  bitrate: 1411,
  size: 44 + Math.round(((item.durationMs ?? 0) * 44100) / 1000) * 4,
});

interface Calls {
  transcode: MediaContext[];
  opened: number;
  closed: number;
  busy: boolean;
}

function setup(o: { targets?: boolean } = {}) {
  const share = new Share({ name: 'Transcode', persistentId: 42n });
  const db = share.addDatabase({ id: 1, name: 'Transcode' });
  db.items.put({
    id: 11,
    name: 'Song',
    artist: 'A',
    format: 'mp3',
    codec: 'mpeg',
    description: 'MPEG audio file',
    size: MP3.length,
    bitrate: 128,
    mime: 'audio/mpeg',
  });
  db.items.put({
    id: 12,
    name: 'Lossless',
    artist: 'B',
    format: 'flac',
    codec: 'flac',
    description: 'FLAC audio file',
    size: FLAC.length,
    bitrate: 900,
    durationMs: 10_000,
    sampleRate: 44100,
    mime: 'audio/flac',
  });
  const pl = db.addContainer({ id: 2, name: 'List' });
  pl.entries.append(12);
  pl.entries.append(11);
  share.update();
  const calls: Calls = { transcode: [], opened: 0, closed: 0, busy: false };
  const bytes = (b: Buffer, mime: string, close?: () => void): MediaSource => ({
    mime,
    size: b.length,
    seekable: true,
    // eslint-disable-next-line @typescript-eslint/require-await
    open: async function* (s: number, e?: number) {
      yield b.subarray(s, e === undefined ? undefined : e + 1);
    },
    ...(close ? { close } : {}),
  });
  const media: MediaProvider = {
    item: (ctx) => Promise.resolve(bytes(ctx.item.id === 11 ? MP3 : FLAC, ctx.item.mime ?? 'x')),
    transcode: (ctx) => {
      calls.transcode.push(ctx);
      if (calls.busy) return Promise.reject(new MediaBusyError('both slots taken', 7));
      if (ctx.item.codec !== 'flac') return Promise.resolve(undefined);
      const src = bytes(WAV, 'audio/wav', () => calls.closed++);
      return Promise.resolve({
        ...src,
        size: 123_456, // an estimate: never sent as Content-Length
        open: (s: number, e?: number) => {
          calls.opened++;
          return src.open(s, e);
        },
      });
    },
    ...(o.targets === false
      ? {}
      : {
          transcodeTarget: (item: Item, codecs: ReadonlySet<string>) =>
            codecs.has('wav') ? wavTarget(item) : undefined,
        }),
  };
  const h = createDaapHandler({ share, media, timers: new ManualTimers() });
  return { share, db, h, calls };
}

async function login(h: DaapRequestHandler, ua: string): Promise<number> {
  const r = await call(h, '/login', { headers: { 'user-agent': ua } });
  return val(r.root, 'mlid') as number;
}

type Row = Record<string, unknown>;

/** The response's 'finish' comes before the route's own clean-up (close()) has run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

function rows(root: DmapNode | undefined): Row[] {
  return all(find(root, 'mlcl'), 'mlit').map((n) =>
    Object.fromEntries((n.value as DmapNode[]).map((c) => [c.code, c.value])),
  );
}

const META =
  'meta=dmap.itemid,dmap.itemname,daap.songformat,daap.songcodectype,daap.songdescription,daap.songbitrate,daap.songsize';

test('listings per codec class: iTunes lists the WAV target, Rhythmbox and libdmapsharing the FLAC', async () => {
  const { h } = setup();
  const wavSize = 44 + 441_000 * 4;
  const itunes = await login(h, ITUNES);
  const rb = await login(h, RHYTHMBOX);
  const items = (sid: number, ua: string, extra = '') =>
    call(h, `/databases/1/items?session-id=${sid}&${META}${extra}`, { headers: { 'user-agent': ua } });
  // Alternate the classes: the reply cache must keep them apart.
  for (let round = 0; round < 2; round++) {
    const a = rows((await items(itunes, ITUNES)).root);
    assert.deepEqual(
      a.find((r) => r.miid === 12),
      {
        mikd: 2,
        miid: 12,
        minm: 'Lossless',
        asbr: 1411,
        assz: wavSize,
        asfm: 'wav',
        asdt: 'WAV audio file',
        ascd: 'wav ',
      },
    );
    assert.equal(a.find((r) => r.miid === 11)!.asfm, 'mp3', 'a playable item is listed as stored');
    for (const ua of [RHYTHMBOX, LIBDMAPSHARING, '']) {
      const b = rows((await items(rb, ua)).root).find((r) => r.miid === 12)!;
      assert.equal(b.asfm, 'flac', ua);
      assert.equal(b.ascd, 'flac', ua);
      assert.equal(b.assz, FLAC.length, ua);
      assert.equal(b.asbr, 900, ua);
    }
  }
  // meta=all and a query see the target too
  const allMeta = rows(
    (await call(h, `/databases/1/items?session-id=${itunes}&meta=all`, { headers: { 'user-agent': ITUNES } }))
      .root,
  );
  assert.equal(allMeta.find((r) => r.miid === 12)!.ascd, 'wav ');
  const q = await items(itunes, ITUNES, `&query=${encodeURIComponent("'daap.songformat:wav'")}`);
  assert.deepEqual(
    rows(q.root).map((r) => r.miid),
    [12],
  );
  // Accept-Codecs without wav: no target the client plays, so the item is listed as stored.
  const aac = rows(
    (
      await call(h, `/databases/1/items?session-id=${itunes}&${META}`, {
        headers: { 'accept-codecs': 'mp4a,mpeg' },
      })
    ).root,
  );
  assert.equal(aac.find((r) => r.miid === 12)!.asfm, 'flac');
  // container entries too
  const apso = (ua: string) =>
    call(h, `/databases/1/containers/2/items?session-id=${itunes}&${META}`, {
      headers: { 'user-agent': ua },
    });
  assert.deepEqual(
    rows((await apso(ITUNES)).root).map((r) => [r.miid, r.asfm, r.ascd]),
    [
      [12, 'wav', 'wav '],
      [11, 'mp3', 'mpeg'],
    ],
  );
  assert.deepEqual(
    rows((await apso(RHYTHMBOX)).root).map((r) => [r.miid, r.asfm]),
    [
      [12, 'flac'],
      [11, 'mp3'],
    ],
  );
  h.close();
});

test('deltas per codec class', async () => {
  const { h, db, share } = setup();
  const sid = await login(h, ITUNES);
  const r1 = share.revision;
  db.items.put({ ...db.items.get(12)!, name: 'Lossless (remaster)', durationMs: 20_000 });
  const r2 = share.update();
  const delta = (ua: string) =>
    call(h, `/databases/1/items?session-id=${sid}&revision-number=${r2}&delta=${r1}&${META}`, {
      headers: { 'user-agent': ua },
    });
  for (let round = 0; round < 2; round++) {
    const a = await delta(ITUNES);
    assert.equal(val(a.root, 'muty'), 1);
    assert.deepEqual(
      rows(a.root).map((r) => [r.miid, r.minm, r.asfm, r.assz]),
      [[12, 'Lossless (remaster)', 'wav', 44 + 882_000 * 4]],
    );
    const b = await delta(RHYTHMBOX);
    assert.deepEqual(
      rows(b.root).map((r) => [r.miid, r.asfm, r.assz]),
      [[12, 'flac', FLAC.length]],
    );
  }
  h.close();
});

test('a provider without transcode targets lists every client the same bytes', async () => {
  const { h } = setup({ targets: false });
  const sid = await login(h, ITUNES);
  const url = `/databases/1/items?session-id=${sid}&meta=all`;
  const a = await call(h, url, { headers: { 'user-agent': ITUNES } });
  const b = await call(h, url, { headers: { 'user-agent': RHYTHMBOX } });
  assert.deepEqual(a.body, b.body);
  assert.equal(rows(a.root).find((r) => r.miid === 12)!.asfm, 'flac');
  h.close();
});

test('streaming: transcoded for Apple clients (chunked, Range answered 200), stored bytes otherwise', async () => {
  const { h, calls } = setup();
  const sid = await login(h, ITUNES);
  const get = (id: number, headers: Record<string, string>, method = 'GET') =>
    call(h, `/databases/1/items/${id}.flac?session-id=${sid}`, { headers, method });

  const t = await get(12, { 'user-agent': ITUNES });
  assert.equal(t.status, 200);
  assert.deepEqual(t.body, WAV);
  assert.equal(t.headers['content-type'], 'audio/wav');
  assert.equal(t.headers['content-length'], undefined, 'the size is only an estimate');
  assert.equal(t.headers['accept-ranges'], 'none');
  const ctx = calls.transcode.at(-1)!;
  assert.deepEqual([...ctx.codecs!].sort(), [...APPLE_CODECS]);
  assert.equal(ctx.target?.codec, 'wav ');
  assert.ok(ctx.signal instanceof AbortSignal);
  await settle();
  assert.equal(calls.closed, 1, 'close() after the body');

  const ranged = await get(12, { 'user-agent': ITUNES, range: 'bytes=100-' });
  assert.equal(ranged.status, 200, 'a Range gets 200 from the start');
  assert.equal(ranged.headers['content-range'], undefined);
  assert.deepEqual(ranged.body, WAV);

  // HEAD: headers only; the source is closed without being opened.
  const opened = calls.opened;
  const head = await get(12, { 'user-agent': ITUNES }, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(calls.opened, opened);
  await settle();
  assert.equal(calls.closed, 3);

  // Rhythmbox, libdmapsharing: the FLAC bytes, seekable, and the hook is not asked.
  const before = calls.transcode.length;
  for (const ua of [RHYTHMBOX, LIBDMAPSHARING]) {
    const raw = await get(12, { 'user-agent': ua });
    assert.deepEqual(raw.body, FLAC);
    assert.equal(raw.headers['content-length'], String(FLAC.length));
    const part = await get(12, { 'user-agent': ua, range: 'bytes=100-' });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, FLAC.subarray(100));
  }
  // An item the Apple client plays: not asked either.
  const mp3 = await get(11, { 'user-agent': ITUNES, range: 'bytes=0-9' });
  assert.equal(mp3.status, 206);
  assert.deepEqual(mp3.body, MP3.subarray(0, 10));
  assert.equal(calls.transcode.length, before);
  h.close();
});

test('streaming: a busy provider gives 503 with Retry-After; a disconnect closes the source', async () => {
  const { h, calls } = setup();
  const sid = await login(h, ITUNES);
  calls.busy = true;
  const busy = await call(h, `/databases/1/items/12.flac?session-id=${sid}`, {
    headers: { 'user-agent': ITUNES },
  });
  assert.equal(busy.status, 503);
  assert.equal(busy.headers['retry-after'], '7');
  calls.busy = false;
  const p = start(h, `/databases/1/items/12.flac?session-id=${sid}`, { headers: { 'user-agent': ITUNES } });
  p.disconnect();
  await p.done;
  await settle();
  assert.equal(calls.closed, 1);
  const ctx = calls.transcode.at(-1)!;
  assert.equal(ctx.signal?.aborted, true, 'the signal tells the provider the client left');
  h.close();
});
