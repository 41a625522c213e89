// Route adapters for artwork paths (ids from the match).

import type { Database } from '../../model/database.js';
import type { Ctx } from '../context.js';
import { idSegment } from '../request.js';
import { sendEmpty } from '../reply.js';
import { groupArtwork, itemArtwork } from './artwork.js';

export async function artworkRoute(ctx: Ctx, db: Database): Promise<void> {
  const id = idSegment(ctx.match[2]);
  if (id === undefined) return sendEmpty(ctx, 404);
  await itemArtwork(ctx, db, id);
}

export async function groupArtworkRoute(ctx: Ctx, db: Database): Promise<void> {
  const id = idSegment(ctx.match[2]);
  if (id === undefined) return sendEmpty(ctx, 404);
  await groupArtwork(ctx, db, id);
}
