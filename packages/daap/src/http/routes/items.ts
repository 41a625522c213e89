// GET /databases/{db}/items (daap.md §6.12).

import type { Item } from '../../model/item.js';
import type { Database } from '../../model/database.js';
import type { Ctx } from '../context.js';
import { encodeItemBlocks, ITEM_QUERY_KEYS, itemBlock, itemRow, parseItemMeta } from '../fields.js';
import { chooseRevs, envelope, isFiltered, itemView, listingKey, viewKey } from '../listing.js';
import { compileQuery } from '../query.js';
import { fromCache, sendDmap } from '../reply.js';
import {
  applyWindow,
  groupByLetter,
  itemComparator,
  parseIndex,
  parseSort,
  sortHeaders,
  sortKey,
} from '../sort.js';

export function warnQuery(ctx: Ctx): (msg: string) => void {
  return (msg) =>
    ctx.state.log.warn({ path: ctx.path, query: ctx.params.get('query') ?? ctx.params.get('filter') }, msg);
}

export async function items(ctx: Ctx, db: Database): Promise<void> {
  await db.items.ready();
  const fs = parseItemMeta(ctx.params.get('meta'));
  const revs = chooseRevs(ctx, isFiltered(ctx));
  // §9.4: a transcoding client lists the target format, so its listings are its own.
  const view = itemView(ctx);
  const key = listingKey(ctx, `items/${db.id}`, revs, viewKey(fs.key, view));
  if (fromCache(ctx, key)) return;
  if (revs.delta) {
    const diff = db.items.diff(revs.d, revs.r);
    const at = (id: number): Item => {
      const it = db.items.get(id, revs.r)!;
      return view ? view.of(it) : it;
    };
    const blocks = diff.updated.map((id) => itemBlock(at(id), fs));
    await sendDmap(
      ctx,
      envelope('adbs', { delta: true, total: db.items.size(revs.r), blocks, removed: diff.removed }),
      { cacheKey: key, rev: revs.r },
    );
    return;
  }
  const q = compileQuery(
    ctx.params.get('query') ?? ctx.params.get('filter'),
    ITEM_QUERY_KEYS,
    warnQuery(ctx),
  );
  let rows: Item[] = db.items.list(revs.r);
  if (view) rows = rows.map(view.of);
  if (q) rows = rows.filter((it) => q(itemRow(it)));
  const sort = parseSort(ctx.params.get('sort')) ?? (q ? 'album' : undefined);
  if (sort) rows.sort(itemComparator(sort));
  const withHeaders = ctx.params.get('include-sort-headers') === '1';
  const headerKey = (it: Item): string => sortKey(it.sortName ?? it.name);
  if (withHeaders) rows = groupByLetter(rows, headerKey);
  const win = applyWindow(rows, parseIndex(ctx.params.get('index')));
  await sendDmap(
    ctx,
    envelope('adbs', {
      delta: false,
      total: rows.length,
      blocks: encodeItemBlocks(win.rows, fs),
      count: win.rows.length,
      ...(withHeaders ? { headers: sortHeaders(win.rows, headerKey) } : {}),
    }),
    { cacheKey: key, rev: revs.r },
  );
}
