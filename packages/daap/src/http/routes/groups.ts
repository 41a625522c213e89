// GET /databases/{db}/groups (daap.md §6.15): album or artist groups for Remote-style browsers.

import { container, encodeFields, type Field } from '../../dmap/encode.js';
import type { Database } from '../../model/database.js';
import { albumIdOf, artistIdOf, type Item } from '../../model/item.js';
import type { Ctx, HandlerState } from '../context.js';
import { ITEM_QUERY_KEYS, itemRow, lookupMeta } from '../fields.js';
import { chooseRevs, envelope } from '../listing.js';
import { compileQuery } from '../query.js';
import { sendDmap } from '../reply.js';
import { applyWindow, groupByLetter, parseIndex, sortHeaders, sortKey } from '../sort.js';
import { warnQuery } from './items.js';

export interface Group {
  readonly miid: number;
  readonly persistentId: bigint;
  readonly name: string;
  readonly albumArtist?: string;
  readonly artist?: string;
  readonly items: Item[];
  readonly albums: number;
  readonly sortKey: string;
}

/** A stable 31-bit id for a group, probing on collision and remembered for the share's life. */
export function groupMiid(state: HandlerState, pid: bigint): number {
  const known = state.groupIds.get(pid);
  if (known !== undefined) return known;
  let id = Number(pid % 0x7fffffffn) || 1;
  while (state.usedGroupIds.has(id)) id = (id % 0x7ffffffe) + 1;
  state.groupIds.set(pid, id);
  state.usedGroupIds.add(id);
  return id;
}

export function computeGroups(
  state: HandlerState,
  rows: readonly Item[],
  type: 'albums' | 'artists',
): Group[] {
  const map = new Map<bigint, { name: string; items: Item[]; albumIds: Set<bigint>; first: Item }>();
  for (const it of rows) {
    const pid = type === 'albums' ? albumIdOf(it) : artistIdOf(it);
    const name = type === 'albums' ? it.album : it.artist;
    if (pid === undefined || !name) continue;
    let g = map.get(pid);
    if (!g) map.set(pid, (g = { name, items: [], albumIds: new Set(), first: it }));
    g.items.push(it);
    const a = albumIdOf(it);
    if (a !== undefined) g.albumIds.add(a);
  }
  const out: Group[] = [];
  for (const [pid, g] of map) {
    const artist = g.first.artist;
    const albumArtist = g.first.albumArtist ?? g.first.artist;
    out.push({
      miid: groupMiid(state, pid),
      persistentId: pid,
      name: g.name,
      ...(albumArtist !== undefined ? { albumArtist } : {}),
      ...(artist !== undefined ? { artist } : {}),
      items: g.items,
      albums: g.albumIds.size,
      sortKey: sortKey(type === 'albums' ? (g.first.sortAlbum ?? g.name) : (g.first.sortArtist ?? g.name)),
    });
  }
  // Default sort: by album for album groups, by artist for artist groups (§6.15).
  out.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  return out;
}

export function groupType(ctx: Ctx): 'albums' | 'artists' {
  return ctx.params.get('group-type') === 'artists' ? 'artists' : 'albums';
}

export function groupsAt(ctx: Ctx, db: Database, rev: number): Group[] {
  const q = compileQuery(
    ctx.params.get('query') ?? ctx.params.get('filter'),
    ITEM_QUERY_KEYS,
    warnQuery(ctx),
  );
  let rows = [...db.items.values(rev)];
  if (q) rows = rows.filter((it) => q(itemRow(it)));
  return computeGroups(ctx.state, rows, groupType(ctx));
}

export async function groups(ctx: Ctx, db: Database): Promise<void> {
  await db.items.ready();
  const type = groupType(ctx);
  const revs = chooseRevs(ctx, true);
  const meta = ctx.params.get('meta') ?? 'dmap.itemname,dmap.persistentid,daap.songalbumartist';
  const want = new Set(lookupMeta(meta).map((c) => c.code));
  let list = groupsAt(ctx, db, revs.r);
  const withHeaders = ctx.params.get('include-sort-headers') === '1';
  if (withHeaders) list = groupByLetter(list, (g) => g.sortKey);
  const win = applyWindow(list, parseIndex(ctx.params.get('index')));
  const blocks = win.rows.map((g) => {
    const f: Field[] = [['miid', g.miid]];
    if (want.has('mper')) f.push(['mper', g.persistentId]);
    if (want.has('minm')) f.push(['minm', g.name]);
    if ((type === 'albums' || want.has('asaa')) && g.albumArtist) f.push(['asaa', g.albumArtist]);
    if (want.has('asar') && g.artist) f.push(['asar', g.artist]);
    f.push(['mimc', g.items.length]);
    if (want.has('agac') && type === 'artists') f.push(['agac', g.albums]);
    if (want.has('asai') && type === 'albums') f.push(['asai', g.persistentId]);
    if (want.has('asri') && type === 'artists') f.push(['asri', g.persistentId]);
    return container('mlit', [encodeFields(f)]);
  });
  await sendDmap(
    ctx,
    envelope(type === 'albums' ? 'agal' : 'agar', {
      delta: false,
      total: list.length,
      blocks,
      ...(withHeaders ? { headers: sortHeaders(win.rows, (g) => g.sortKey) } : {}),
    }),
  );
}
