// GET /databases/{db}/items/{id}.{ext} (daap.md §6.19): Range per RFC 9110, streamed with
// back-pressure, never buffered whole; the source is destroyed when the client goes away.
// Transcoding (§9.4): the provider's hook is asked only for a client that cannot play the item.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database } from '../../model/database.js';
import { clientCodecs, playable } from '../../media/codecs.js';
import { MediaBusyError, type MediaContext, type MediaSource } from '../../media/types.js';
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
  const base = mediaContext(ctx, db, itemId);
  if (!base) {
    sendEmpty(ctx, 404);
    return;
  }
  // §9.4: the client's codec class decides whether the transcode hook is asked at all.
  const cls = clientCodecs(ctx.req.headers);
  const target = st.codecViews?.target(base.item, cls);
  const aborted = new AbortController();
  const onClose = (): void => aborted.abort();
  ctx.res.once('close', onClose);
  const mctx: MediaContext = {
    ...base,
    ...(cls ? { codecs: cls.codecs } : {}),
    ...(target ? { target } : {}),
    signal: aborted.signal,
  };
  let src: MediaSource | undefined = await st.media.item(mctx);
  let transcoded = false;
  try {
    if (src && st.media.transcode && !playable(cls, base.item.codec)) {
      const out = await st.media.transcode(mctx, src);
      if (out) {
        src.close?.();
        src = out;
        transcoded = true;
      }
    }
  } catch (e) {
    src?.close?.();
    ctx.res.off('close', onClose);
    if (!(e instanceof MediaBusyError)) throw e;
    st.log.warn({ item: itemId, db: db.id, reason: e.message }, 'media busy');
    sendEmpty(ctx, 503, { 'Retry-After': String(e.retryAfterSeconds) });
    return;
  }
  if (!src) {
    ctx.res.off('close', onClose);
    st.log.warn({ item: itemId, db: db.id }, 'media source gone');
    sendEmpty(ctx, 404);
    return;
  }
  try {
    await send(ctx, src, transcoded);
  } finally {
    ctx.res.off('close', onClose);
    src.close?.();
  }
}

async function send(ctx: Ctx, src: MediaSource, transcoded: boolean): Promise<void> {
  const st = ctx.state;
  const headers: Record<string, string> = {
    'DAAP-Server': st.serverHeader,
    'Content-Type': src.mime,
    // A transcode has no byte positions to seek to (§9.4).
    'Accept-Ranges': transcoded ? 'none' : 'bytes',
  };
  // §9.4: a transcoded stream's size is only an estimate, so it is sent chunked, from the start.
  const size = transcoded ? undefined : src.size;
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
