// A remote catalogue filled in asynchronously: an in-process HTTP server stands in for a web
// service (no internet needed). The share starts empty so clients can connect at once; each
// page read becomes one update() (a revision clients receive as a delta). Media bytes and artwork
// are fetched from the remote on demand and streamed through.
// Run: npx tsx packages/daap/examples/remote.ts [--mdns off] [--port 3689]

import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { DaapServer, Share, type ImageSource, type Item, type MediaProvider } from '../src/index.js';
import { announce, flags, onSignal, wavTone } from './common.js';

const { mdns, port, host } = flags();

// ---- the stand-in remote service ----
const TRACKS = Array.from({ length: 30 }, (_, i) => ({
  id: i + 1,
  title: `Remote ${i + 1}`,
  artist: `Band ${i % 5}`,
}));
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d4948445200000001000000010806000000' +
    '1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082',
  'hex',
);
const remote = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://remote');
  if (url.pathname === '/tracks') {
    const page = Number(url.searchParams.get('page') ?? 0);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        tracks: TRACKS.slice(page * 10, page * 10 + 10),
        more: page * 10 + 10 < TRACKS.length,
      }),
    );
  } else if (url.pathname.startsWith('/audio/')) {
    const tone = wavTone(200 + Number(url.pathname.split('/')[2]) * 20, 2);
    res.setHeader('content-type', 'audio/wav');
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    const start = m ? Number(m[1]) : 0;
    const end = m?.[2] ? Number(m[2]) : tone.length - 1;
    res.setHeader('content-length', end - start + 1);
    res.writeHead(m ? 206 : 200);
    res.end(req.method === 'HEAD' ? undefined : tone.subarray(start, end + 1));
  } else if (url.pathname.startsWith('/art/')) {
    res.setHeader('content-type', 'image/png');
    res.end(PNG);
  } else res.writeHead(404).end();
});
await new Promise<void>((r) => remote.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(remote.address() as { port: number }).port}`;

// ---- the share ----
const share = new Share({ name: 'loopcast remote example', persistentId: 0x52656d6f7465n });
const db = share.addDatabase({ id: 1, name: 'loopcast remote example' });
share.update({ force: true });

const media: MediaProvider = {
  async item(ctx) {
    const head = await fetch(`${base}/audio/${ctx.item.id}`, { method: 'HEAD' });
    if (!head.ok) return undefined;
    const size = Number(head.headers.get('content-length'));
    return {
      mime: head.headers.get('content-type') ?? 'audio/wav',
      size,
      seekable: true,
      open: (start, end) => {
        const range = `bytes=${start}-${end ?? ''}`;
        const stream = fetch(`${base}/audio/${ctx.item.id}`, { headers: { range } }).then((r) => r.body!);
        // a Readable that starts once the fetch has answered
        return Readable.from(
          (async function* () {
            const body = await stream;
            for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) yield chunk;
          })(),
        );
      },
    };
  },
  async artwork(ctx): Promise<ImageSource | undefined> {
    const r = await fetch(`${base}/art/${ctx.item.id}`);
    if (!r.ok) return undefined;
    const bytes = new Uint8Array(await r.arrayBuffer());
    return { mime: 'image/png', bytes: () => Promise.resolve(bytes) };
  },
};

const server = new DaapServer({ share, media, host, port, mdns: mdns ? {} : false });
await server.listen();
announce(share.name, server.port, mdns);

// Fill in page by page; one revision per page.
for (let page = 0; ; page++) {
  const r = (await (await fetch(`${base}/tracks?page=${page}`)).json()) as {
    tracks: typeof TRACKS;
    more: boolean;
  };
  for (const t of r.tracks) {
    const it: Item = {
      id: t.id,
      name: t.title,
      artist: t.artist,
      album: 'Remote',
      format: 'wav',
      hasArtwork: true,
      mime: 'audio/wav',
    };
    db.items.put(it);
  }
  console.log(`page ${page}: revision ${share.update()}, ${db.items.size()} items`);
  if (!r.more) break;
  await new Promise((res) => setTimeout(res, 1000));
}
onSignal(async () => {
  await server.close();
  remote.close();
});
