// GET /databases/{db}/containers/{c}/items (daap.md §6.14): entries in playlist order, each
// mlit holding mikd, miid (item id), mcti (entry id), then requested item fields.

import type { Container } from '../../model/containers.js';
import type { Database } from '../../model/database.js';
import type { Entry } from '../../model/entries.js';
import type { Item } from '../../model/item.js';
import type { Ctx } from '../context.js';
import {
  ENTRY_QUERY_KEYS,
  encodeEntryBlocks,
  entryBlock,
  itemRow,
  parseItemMeta,
  type FieldSet,
} from '../fields.js';
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
import { warnQuery } from './items.js';

const NONE: FieldSet = parseItemMeta('');

export async function containerItems(ctx: Ctx, db: Database, c: Container): Promise<void> {
  await db.items.ready();
  const meta = ctx.params.get('meta');
  const fs = meta === undefined ? NONE : parseItemMeta(meta);
  const revs = chooseRevs(ctx, isFiltered(ctx), (d, r) => c.entries.reordered(d, r));
  // §9.4: a transcoding client lists the target format, so its listings are its own.
  const view = itemView(ctx);
  const key = listingKey(ctx, `apso/${db.id}/${c.id}`, revs, viewKey(fs.key, view));
  if (fromCache(ctx, key)) return;
  const rowsAt = (entries: Iterable<Entry>): { e: Entry; it: Item }[] => {
    const out: { e: Entry; it: Item }[] = [];
    for (const e of entries) {
      const it = db.items.get(e.itemId, revs.r);
      if (it) out.push({ e, it: view ? view.of(it) : it });
    }
    return out;
  };
  if (revs.delta) {
    const diff = c.entries.diff(revs.d, revs.r);
    const updated = new Set(diff.updated);
    const rows = rowsAt([...c.entries.values(revs.r)].filter((e) => updated.has(e.id)));
    await sendDmap(
      ctx,
      envelope('apso', {
        delta: true,
        total: c.entries.sizeAt(revs.r),
        blocks: rows.map((x) => entryBlock(x.it, x.e.id, fs)),
        removed: diff.removed,
      }),
      { cacheKey: key, rev: revs.r },
    );
    return;
  }
  const q = compileQuery(
    ctx.params.get('query') ?? ctx.params.get('filter'),
    ENTRY_QUERY_KEYS,
    warnQuery(ctx),
  );
  let rows = rowsAt(c.entries.values(revs.r));
  if (q) rows = rows.filter((x) => q(itemRow(x.it, x.e.id)));
  const sort = parseSort(ctx.params.get('sort'));
  if (sort) {
    const cmp = itemComparator(sort);
    rows.sort((a, b) => cmp(a.it, b.it));
  }
  const withHeaders = ctx.params.get('include-sort-headers') === '1';
  const hk = (x: { it: Item }): string => sortKey(x.it.sortName ?? x.it.name);
  if (withHeaders) rows = groupByLetter(rows, hk);
  const win = applyWindow(rows, parseIndex(ctx.params.get('index')));
  await sendDmap(
    ctx,
    envelope('apso', {
      delta: false,
      total: rows.length,
      blocks: encodeEntryBlocks(win.rows, fs),
      count: win.rows.length,
      ...(withHeaders ? { headers: sortHeaders(win.rows, hk) } : {}),
    }),
    { cacheKey: key, rev: revs.r },
  );
}
