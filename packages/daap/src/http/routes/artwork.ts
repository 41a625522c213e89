// Artwork (daap.md §6.20): real MIME type from magic bytes, scaled to fit mw×mh through the
// injected scaler (never enlarged), 204 when there is none, ETag / If-None-Match.

import { createHash } from 'node:crypto';
import type { Database } from '../../model/database.js';
import { persistentIdOf } from '../../model/item.js';
import { imageMimeOf } from '../../media/mime.js';
import type { ImageSource, MediaContext } from '../../media/types.js';
import type { Ctx } from '../context.js';
import { sendEmpty } from '../reply.js';
import { groupsAt } from './groups.js';
import { mediaContext } from './stream.js';

function dim(ctx: Ctx, name: string): number | undefined {
  const v = ctx.params.get(name);
  if (v === undefined || !/^\d{1,5}$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 ? n : undefined;
}

async function sendImage(ctx: Ctx, mctx: MediaContext, img: ImageSource): Promise<void> {
  const st = ctx.state;
  const mw = dim(ctx, 'mw');
  const mh = dim(ctx, 'mh');
  const original = await img.bytes();
  const sum = createHash('sha256').update(original).digest('hex').slice(0, 16);
  const etag = `"${sum}-${mw ?? 0}x${mh ?? 0}"`;
  if (ctx.req.headers['if-none-match'] === etag) {
    sendEmpty(ctx, 304, { ETag: etag });
    return;
  }
  const key = `${persistentIdOf(mctx.item)}|${etag}`;
  let out = st.artCache.get(key);
  if (!out) {
    let bytes = original;
    if ((mw !== undefined || mh !== undefined) && st.opts.artworkScaler) {
      bytes = await (await st.opts.artworkScaler.scale(img, mw, mh)).bytes();
    } else if ((mw !== undefined || mh !== undefined) && !st.warnedNoScaler) {
      st.warnedNoScaler = true;
      st.log.warn({}, 'no artwork scaler configured: sending originals');
    }
    out = { mime: imageMimeOf(bytes) ?? img.mime, bytes };
    st.artCache.set(key, out);
    if (st.artCache.size > 256) st.artCache.delete(st.artCache.keys().next().value!);
  }
  if (ctx.session && !ctx.head) ctx.session.artworks++;
  ctx.res.writeHead(200, {
    'DAAP-Server': st.serverHeader,
    'Content-Type': out.mime,
    'Content-Length': String(out.bytes.length),
    ETag: etag,
  });
  ctx.res.end(ctx.head ? undefined : out.bytes);
}

export async function itemArtwork(ctx: Ctx, db: Database, itemId: number): Promise<void> {
  await db.items.ready();
  const mctx = mediaContext(ctx, db, itemId);
  if (!mctx) {
    sendEmpty(ctx, 404);
    return;
  }
  const img = await ctx.state.media.artwork?.(mctx);
  if (!img) {
    sendEmpty(ctx, 204);
    return;
  }
  await sendImage(ctx, mctx, img);
}

export async function groupArtwork(ctx: Ctx, db: Database, groupId: number): Promise<void> {
  await db.items.ready();
  const g = groupsAt(ctx, db, ctx.state.share.revision).find((x) => x.miid === groupId);
  if (!g) {
    sendEmpty(ctx, 404);
    return;
  }
  // The art of the first item, in album order, that has any.
  const ordered = [...g.items].sort(
    (a, b) => (a.discNumber ?? 0) - (b.discNumber ?? 0) || (a.trackNumber ?? 0) - (b.trackNumber ?? 0),
  );
  for (const it of ordered) {
    const mctx = mediaContext(ctx, db, it.id);
    if (!mctx) continue;
    const img = await ctx.state.media.artwork?.(mctx);
    if (img) {
      await sendImage(ctx, mctx, img);
      return;
    }
  }
  sendEmpty(ctx, 204);
}
