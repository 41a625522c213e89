// GET /databases/{db}/items/{id}.{ext} (daap.md §6.19): Range per RFC 9110, streamed with
// back-pressure, never buffered whole; the source is destroyed when the client goes away.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../model/database.js';
import type { MediaContext, MediaSource } from '../../media/types.js';
import type { Ctx } from '../context.js';
import { resolveRange } from '../range.js';
import { sendEmpty } from '../reply.js';

export function mediaContext(ctx: Ctx, db: Database, itemId: number): MediaContext | undefined {
  const item = db.items.get(itemId, ctx.state.share.revision) ?? db.items.get(itemId);
  if (!item) return undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(ctx.req.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : v;
  return { session: ctx.session, database: db, item, headers };
}

function toReadable(s: NodeJS.ReadableStream | AsyncIterable<Uint8Array>): Readable {
  return s instanceof Readable ? s : Readable.from(s as AsyncIterable<Uint8Array>, { objectMode: false });
}

/** Read a non-seekable source from 0, discarding the first `start` bytes and stopping after end. */
async function* slice(
  src: AsyncIterable<Uint8Array>,
  start: number,
  end: number | undefined,
): AsyncGenerator<Buffer> {
  let pos = 0;
  for await (const chunk of src) {
    const b = Buffer.from(chunk);
    const from = Math.max(0, start - pos);
    const to = end === undefined ? b.length : Math.min(b.length, end + 1 - pos);
    if (to > from) yield b.subarray(from, to);
    pos += b.length;
    if (end !== undefined && pos > end) return;
  }
}

export async function stream(ctx: Ctx, db: Database, itemId: number): Promise<void> {
  await db.items.ready();
  const st = ctx.state;
  const mctx = mediaContext(ctx, db, itemId);
  if (!mctx) {
    sendEmpty(ctx, 404);
    return;
  }
  let src: MediaSource | undefined = await st.media.item(mctx);
  if (src && st.media.transcode) src = (await st.media.transcode(mctx, src)) ?? src;
  if (!src) {
    st.log.warn({ item: itemId, db: db.id }, 'media source gone');
    sendEmpty(ctx, 404);
    return;
  }
  const headers: Record<string, string> = {
    'DAAP-Server': st.serverHeader,
    'Content-Type': src.mime,
    'Accept-Ranges': 'bytes',
  };
  const size = src.size;
  let start = 0;
  let end: number | undefined;
  let status = 200;
  if (size === undefined) {
    // Unknown size: 200, chunked; a Range is ignored (no valid Content-Range exists).
  } else {
    const range = ctx.req.headers.range;
    const r = resolveRange(typeof range === 'string' ? range : undefined, size);
    if (r.kind === 'unsatisfiable') {
      sendEmpty(ctx, 416, { 'Content-Range': `bytes */${size}` });
      return;
    }
    if (r.kind === 'partial') {
      status = 206;
      start = r.start;
      end = r.end;
      headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      headers['Content-Length'] = String(end - start + 1);
    } else {
      end = size > 0 ? size - 1 : undefined;
      headers['Content-Length'] = String(size);
    }
  }
  const s = ctx.session;
  if (s && !ctx.head) {
    s.itemsStreamed++;
    if (start === 0) s.itemsUnique++;
  }
  ctx.res.writeHead(status, headers);
  if (ctx.head || (size !== undefined && size === 0)) {
    ctx.res.end();
    return;
  }
  const opened = src.seekable
    ? src.open(start, end)
    : slice(toReadable(src.open(0)) as AsyncIterable<Uint8Array>, start, end);
  const body = toReadable(opened);
  if (s) {
    s.streams++;
    st.sessions.setState(s, 'streaming');
    body.on('data', (c: Buffer) => {
      s.bytesStreamed += c.length;
    });
  }
  try {
    await pipeline(body, ctx.res);
  } catch {
    // A client that goes away mid-stream: pipeline has destroyed the source already (§9.3).
    if (!body.destroyed) body.destroy();
  } finally {
    if (s) {
      s.streams--;
      if (s.streams === 0) st.sessions.setState(s, 'connected');
    }
  }
}
