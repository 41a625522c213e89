// GET /databases/{db}/browse/{kind} (daap.md §6.16): distinct values, each a string mlit (§2.7).

import { container, encodeFields, stringItem } from '../../dmap/encode.js';
import type { Database } from '../../model/database.js';
import type { Item } from '../../model/item.js';
import type { Ctx } from '../context.js';
import { ITEM_QUERY_KEYS, itemRow } from '../fields.js';
import { chooseRevs, sortHeaderBlock } from '../listing.js';
import { compileQuery } from '../query.js';
import { sendDmap, sendEmpty } from '../reply.js';
import { applyWindow, groupByLetter, parseIndex, sortHeaders, sortKey } from '../sort.js';
import { warnQuery } from './items.js';

const KINDS: Record<string, { tag: string; get: (it: Item) => string | undefined }> = {
  artists: { tag: 'abar', get: (it) => it.artist },
  albums: { tag: 'abal', get: (it) => it.album },
  genres: { tag: 'abgn', get: (it) => it.genre },
  composers: { tag: 'abcp', get: (it) => it.composer },
};

export async function browse(ctx: Ctx, db: Database, kind: string): Promise<void> {
  const k = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!k) {
    sendEmpty(ctx, 404);
    return;
  }
  await db.items.ready();
  const revs = chooseRevs(ctx, true);
  const q = compileQuery(
    ctx.params.get('query') ?? ctx.params.get('filter'),
    ITEM_QUERY_KEYS,
    warnQuery(ctx),
  );
  const seen = new Map<string, string>();
  for (const it of db.items.values(revs.r)) {
    if (q && !q(itemRow(it))) continue;
    const v = k.get(it);
    if (!v) continue;
    const folded = v.toLowerCase();
    if (!seen.has(folded)) seen.set(folded, v);
  }
  let values = [...seen.values()].map((v) => ({ v, key: sortKey(v) }));
  values.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const withHeaders = ctx.params.get('include-sort-headers') === '1';
  if (withHeaders) values = groupByLetter(values, (x) => x.key);
  const win = applyWindow(values, parseIndex(ctx.params.get('index')));
  const parts = [
    encodeFields([
      ['mstt', 200],
      ['mtco', values.length],
      ['mrco', win.rows.length],
    ]),
    container(
      k.tag,
      win.rows.map((x) => stringItem(x.v)),
    ),
  ];
  if (withHeaders) parts.push(sortHeaderBlock(sortHeaders(win.rows, (x) => x.key)));
  await sendDmap(ctx, container('abro', parts));
}
