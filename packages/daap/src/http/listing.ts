// The listing envelope and delta selection (daap.md §6.10).

import { container, element, encodeFields, type Encoded } from '../dmap/encode.js';
import { clientCodecs } from '../media/codecs.js';
import type { Item } from '../model/item.js';
import type { Ctx } from './context.js';
import { intParam } from './request.js';
import type { SortHeader } from './sort.js';

export interface Revs {
  /** the revision listed */
  readonly r: number;
  /** the client's delta base, 0 for none */
  readonly d: number;
  /** true: send a muty=1 delta */
  readonly delta: boolean;
}

/**
 * Pick the listed revision and the kind of reply. `filtered` is true when the request has
 * query/filter/index/sort (always full); `reordered(d, r)` reports position changes (§4.6).
 */
export function chooseRevs(ctx: Ctx, filtered: boolean, reordered?: (d: number, r: number) => boolean): Revs {
  const share = ctx.state.share;
  const R = share.revision;
  const oldest = share.oldest;
  let r = intParam(ctx.params, 'revision-number') ?? R;
  if (r > R || r < oldest) r = R;
  const d = intParam(ctx.params, 'delta') ?? 0;
  const delta = d !== 0 && d >= oldest && d <= r && !filtered && !(reordered?.(d, r) ?? false);
  const s = ctx.session;
  if (s) {
    // §4.5: the non-zero delta a client names, else the revision of its full listing.
    s.heldRevision = d !== 0 && d >= oldest && d <= R ? d : r;
    if (s.state === 'connecting') ctx.state.sessions.setState(s, 'connected');
  }
  return { r, d, delta };
}

export function isFiltered(ctx: Ctx, withSort = true): boolean {
  const p = ctx.params;
  return p.has('query') || p.has('filter') || p.has('index') || (withSort && p.has('sort'));
}

export function sortHeaderBlock(headers: readonly SortHeader[]): Buffer[] {
  return container(
    'mshl',
    headers.map((h) =>
      container('mlit', [
        encodeFields([
          ['mshc', h.letter.charCodeAt(0)],
          ['mshi', h.index],
          ['mshn', h.count],
        ]),
      ]),
    ),
  );
}

/** mstt, muty, mtco, mrco, mlcl, then mudl (deltas only), then mshl (sort headers only). */
export function envelope(
  top: string,
  o: {
    delta: boolean;
    total: number;
    blocks: readonly (Buffer | Encoded)[];
    /** number of mlit when blocks are pre-joined (encodeItemBlocks) */
    count?: number;
    removed?: readonly number[];
    headers?: readonly SortHeader[];
    noUpdateType?: boolean;
  },
): Buffer[] {
  const head = encodeFields([
    ['mstt', 200],
    ...(o.noUpdateType ? [] : ([['muty', o.delta ? 1 : 0]] as const)),
    ['mtco', o.total],
    ['mrco', o.count ?? o.blocks.length],
  ]);
  const parts: (Buffer | Encoded)[] = [head, container('mlcl', o.blocks)];
  if (o.delta)
    parts.push(
      container(
        'mudl',
        (o.removed ?? []).map((id) => element('miid', id)),
      ),
    );
  if (o.headers) parts.push(sortHeaderBlock(o.headers));
  return container(top, parts);
}

/** The cache key part shared by listings. */
export function listingKey(ctx: Ctx, route: string, revs: Revs, extra: string): string {
  const p = ctx.params;
  return [
    route,
    revs.r,
    revs.delta ? revs.d : 0,
    extra,
    p.get('query') ?? p.get('filter') ?? '',
    p.get('sort') ?? '',
    p.get('index') ?? '',
    p.get('include-sort-headers') === '1' ? 1 : 0,
  ].join('|');
}

/** How a request's listings show items (§9.4): as stored, or per codec class. */
export interface ItemView {
  /** appended to the cache key: each codec class has its own listings (and deltas) */
  readonly key: string;
  readonly of: (item: Item) => Item;
}

/**
 * The codec-class view for a transcoding client (§9.4), or undefined when items are listed as
 * stored: a client that plays anything, or a provider that names no transcode targets. The
 * undefined case leaves listings and their cache keys exactly as without transcoding.
 */
export function itemView(ctx: Ctx): ItemView | undefined {
  const views = ctx.state.codecViews;
  if (!views) return undefined;
  const cls = clientCodecs(ctx.req.headers);
  if (!cls) return undefined;
  return { key: `codecs=${cls.key}`, of: (item) => views.view(item, cls) };
}

/** The listing's extra cache-key part: the field set, and the codec class when there is one. */
export function viewKey(fieldKey: string, view: ItemView | undefined): string {
  return view ? `${fieldKey}|${view.key}` : fieldKey;
}
