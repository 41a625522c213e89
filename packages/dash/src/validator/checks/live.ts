/** §4.11 live behaviour across refreshes (ISO/IEC 23009-1 5.4): two successive MPD models. */
import type { Element } from '@xmldom/xmldom';
import { canonical } from '../../patch/diff.js';
import type { MpdModel } from '../mpd.js';
import type { RepresentationPlan } from '../plan.js';
import { isoTime } from '../xs-time.js';
import { report, type ManifestContext } from './context.js';

/**
 * The MPD's content for LIVE_PUBLISH_ORDER: everything but UTCTiming, Location, PatchLocation and
 * publishTime, in canonical form (attribute order and white space do not count, so a patched MPD
 * compares equal to the fetched one).
 */
export function contentOf(mpd: MpdModel): string {
  const clone = mpd.root.cloneNode(true) as Element;
  for (const name of ['UTCTiming', 'Location', 'PatchLocation']) {
    const list = clone.getElementsByTagNameNS('*', name);
    for (let i = list.length - 1; i >= 0; i--) list.item(i)!.parentNode?.removeChild(list.item(i)!);
  }
  clone.removeAttribute('publishTime');
  return canonical(clone);
}

export interface ListedSegment {
  time: number;
  duration: number;
  number?: number;
  /** ms since the epoch when the segment leaves the time-shift window. */
  availableUntil?: number;
}

/** Listed segments per `periodId/representationId`, keyed by URL. */
export type Listing = Map<string, Map<string, ListedSegment>>;

export function listingOf(mpd: MpdModel, plans: Map<string, RepresentationPlan>): Listing {
  const out: Listing = new Map();
  for (const [key, plan] of plans) {
    const m = new Map<string, ListedSegment>();
    for (const s of plan.segments) {
      const l: ListedSegment = { time: s.time, duration: s.duration };
      if (s.number !== undefined) l.number = s.number;
      if (s.availableUntil !== undefined) l.availableUntil = s.availableUntil;
      m.set(s.url, l);
    }
    out.set(key, m);
  }
  void mpd;
  return out;
}

export function checkRefresh(
  ctx: ManifestContext,
  previous: MpdModel,
  previousListing: Listing,
  listing: Listing,
): void {
  const { mpd } = ctx;
  const root = mpd.root;
  if (previous.id !== mpd.id)
    report(ctx, 'LIVE_ID', root, `MPD@id changed from "${previous.id ?? ''}" to "${mpd.id ?? ''}"`, '/MPD');
  if (previous.type === 'static' && mpd.type === 'dynamic')
    report(ctx, 'LIVE_TYPE', root, 'a static MPD became dynamic again', '/MPD');
  if (previous.availabilityStartTime !== mpd.availabilityStartTime && mpd.type === 'dynamic')
    report(
      ctx,
      'LIVE_AST',
      root,
      `@availabilityStartTime changed from ${fmt(previous.availabilityStartTime)} to ${fmt(mpd.availabilityStartTime)}`,
      '/MPD',
    );
  if (previous.publishTime !== undefined && mpd.publishTime !== undefined) {
    if (mpd.publishTime < previous.publishTime)
      report(
        ctx,
        'LIVE_PUBLISH_ORDER',
        root,
        `@publishTime went back from ${fmt(previous.publishTime)} to ${fmt(mpd.publishTime)}`,
        '/MPD',
      );
    else if (mpd.publishTime === previous.publishTime && contentOf(previous) !== contentOf(mpd))
      report(
        ctx,
        'LIVE_PUBLISH_ORDER',
        root,
        `the MPD changed but @publishTime stayed ${fmt(mpd.publishTime)}`,
        '/MPD',
      );
  }
  for (const p of mpd.periods) {
    const before = previous.periods.find((q) => q.id !== null && q.id === p.id);
    if (!before) continue;
    if (before.start !== p.start)
      report(
        ctx,
        'LIVE_PERIODS',
        p.el,
        `Period "${p.id}" moved from ${before.start} s to ${p.start} s`,
        p.path,
      );
    for (const set of before.adaptationSets) {
      if (set.id === null) continue;
      const now = p.adaptationSets.find((s) => s.id === set.id);
      if (!now) {
        report(
          ctx,
          'LIVE_PERIODS',
          p.el,
          `AdaptationSet "${set.id}" of Period "${p.id}" disappeared`,
          p.path,
        );
        continue;
      }
      for (const r of set.representations) {
        const r2 = now.representations.find((x) => x.id === r.id);
        if (!r2) report(ctx, 'LIVE_PERIODS', now.el, `Representation "${r.id}" disappeared`, now.path);
        else if (
          r2.bandwidth !== r.bandwidth ||
          r2.codecs !== r.codecs ||
          r2.addressing.kind !== r.addressing.kind
        )
          report(
            ctx,
            'LIVE_PERIODS',
            r2.el,
            `Representation "${r.id}" changed its bandwidth, codecs or addressing form`,
            r2.path,
          );
      }
    }
  }
  for (const [key, before] of previousListing) {
    const after = listing.get(key);
    if (!after) continue;
    const [periodId, repId] = key.split('/');
    const rep = mpd.periods
      .find((p) => p.id === periodId)
      ?.adaptationSets.flatMap((s) => s.representations)
      .find((r) => r.id === repId);
    if (!rep) continue;
    for (const [url, s] of before) {
      const s2 = after.get(url);
      if (s2) {
        if (s2.time !== s.time || s2.duration !== s.duration || s2.number !== s.number)
          report(
            ctx,
            'LIVE_TIMELINE',
            rep.el,
            `${repId}: segment ${url} changed from t=${s.time} d=${s.duration} n=${s.number ?? '-'} to t=${s2.time} d=${s2.duration} n=${s2.number ?? '-'}`,
            rep.path,
          );
      } else if (s.availableUntil !== undefined && s.availableUntil > ctx.now + 1000) {
        const newestBefore = [...before.values()].at(-1);
        const newestAfter = [...after.values()].at(-1);
        // a vanished segment older than the new oldest one that is still in the window
        if (newestAfter && newestBefore && s.time < newestAfter.time)
          report(
            ctx,
            'LIVE_TIMELINE',
            rep.el,
            `${repId}: segment t=${s.time} disappeared although it stays in the time-shift window until ${isoTime(s.availableUntil)}`,
            rep.path,
          );
      }
    }
  }
}

export function checkPublishFresh(ctx: ManifestContext): void {
  const { mpd } = ctx;
  if (mpd.type !== 'dynamic' || mpd.publishTime === undefined || !mpd.minimumUpdatePeriod) return;
  const age = ctx.now - mpd.publishTime;
  if (age > 3 * mpd.minimumUpdatePeriod * 1000)
    report(
      ctx,
      'LIVE_PUBLISH_FRESH',
      mpd.root,
      `publishTime ${fmt(mpd.publishTime)} is ${(age / 1000).toFixed(1)} s old, more than 3 × minimumUpdatePeriod`,
      '/MPD',
    );
}

const fmt = (ms: number | undefined): string => (ms === undefined ? '(none)' : isoTime(ms));
