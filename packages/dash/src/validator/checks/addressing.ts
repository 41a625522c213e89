/** §4.6 segment addressing (ISO/IEC 23009-1 5.3.9), plus MPD_BASEURL, MPD_MAX_SEGMENT_DURATION and REP_SEGMENTS. */
import type { Element } from '@xmldom/xmldom';
import type { PeriodModel, RepresentationModel } from '../mpd.js';
import { periodEnd, type RepresentationPlan } from '../plan.js';
import { attr, children } from '../xml.js';
import { ticks } from '../xs-time.js';
import { report, type ManifestContext } from './context.js';

const IDENT = /\$([^$]*)\$/g;
const ALLOWED = /^(RepresentationID|Number|Bandwidth|Time|SubNumber)(%0\d+d)?$/;

function checkTemplateString(
  ctx: ManifestContext,
  el: Element,
  name: 'media' | 'initialization',
  path: string,
): void {
  const v = attr(el, name);
  if (v === undefined) return;
  const found: string[] = [];
  for (const m of v.matchAll(IDENT)) {
    const id = m[1]!;
    if (id === '') continue; // $$
    if (!ALLOWED.test(id) || (id.startsWith('RepresentationID') && id !== 'RepresentationID'))
      report(ctx, 'SEG_TEMPLATE_IDS', el, `@${name} has the identifier $${id}$, which is not allowed`, path);
    found.push(id.replace(/%.*/, ''));
  }
  if ((v.split('$').length - 1) % 2 !== 0)
    report(ctx, 'SEG_TEMPLATE_IDS', el, `@${name} "${v}" has an unpaired $`, path);
  if (name === 'media' && found.includes('Number') && found.includes('Time'))
    report(ctx, 'SEG_TEMPLATE_IDS', el, '@media holds both $Number$ and $Time$', path);
  if (name === 'initialization' && (found.includes('Number') || found.includes('Time')))
    report(ctx, 'SEG_TEMPLATE_IDS', el, `@initialization "${v}" holds $Number$ or $Time$`, path);
}

const isHttp = (u: string): boolean => /^https?:\/\//i.test(u);

function checkSegmentElement(ctx: ManifestContext, el: Element, path: string, dynamic: boolean): void {
  const ts = attr(el, 'timescale');
  if (ts !== undefined && !/^[1-9]\d*$/.test(ts))
    report(ctx, 'SEG_TIMESCALE', el, `@timescale "${ts}" is not a positive integer`, path);
  const sn = attr(el, 'startNumber');
  if (sn !== undefined && !/^\d+$/.test(sn))
    report(ctx, 'SEG_START_NUMBER', el, `@startNumber "${sn}" is not a non-negative integer`, path);
  if (el.localName === 'SegmentTemplate') {
    checkTemplateString(ctx, el, 'media', path);
    checkTemplateString(ctx, el, 'initialization', path);
  }
  const tl = children(el, 'SegmentTimeline')[0];
  const d = attr(el, 'duration');
  if (tl && d !== undefined)
    report(
      ctx,
      'SEG_DURATION_AND_TIMELINE',
      el,
      `@duration ${d} and a SegmentTimeline are both present`,
      path,
    );
  if (!tl) return;
  const ss = children(tl, 'S');
  let end: number | undefined;
  ss.forEach((s, k) => {
    const t = attr(s, 't');
    const dd = Number(attr(s, 'd'));
    const r = attr(s, 'r') === undefined ? 0 : Number(attr(s, 'r'));
    if (k === 0 && t === undefined)
      report(ctx, 'SEG_TIMELINE_FIRST_T', s, 'the first S has no @t (0 is assumed)', path);
    if (!(dd > 0) || !Number.isInteger(dd))
      report(ctx, 'SEG_TIMELINE_D', s, `S@d "${attr(s, 'd') ?? ''}" is not a positive integer`, path);
    if (!Number.isInteger(r) || r < -1)
      report(ctx, 'SEG_TIMELINE_R', s, `S@r ${attr(s, 'r')} is below -1`, path);
    else if (r === -1) {
      const next = ss[k + 1];
      if (next && attr(next, 't') === undefined)
        report(ctx, 'SEG_TIMELINE_R', s, 'S@r="-1" is followed by an S without @t', path);
      if (!dynamic && !next && ctx.mpd.mediaPresentationDuration === undefined)
        report(ctx, 'SEG_TIMELINE_R', s, 'S@r="-1" ends a static timeline without a known end', path);
    }
    const tv = t === undefined ? (end ?? 0) : Number(t);
    if (end !== undefined && t !== undefined) {
      if (tv < end)
        report(
          ctx,
          'SEG_TIMELINE_ORDER',
          s,
          `S@t ${tv} overlaps the previous entries, which end at ${end}`,
          path,
        );
      else if (tv > end && numberedGap(el, s))
        report(
          ctx,
          'SEG_TIMELINE_GAP',
          s,
          `S@t ${tv} leaves a gap of ${tv - end} ticks after the previous entries`,
          path,
        );
    }
    end = r >= 0 && dd > 0 ? tv + dd * (r + 1) : undefined;
  });
}

/**
 * A gap (a segment a packager lost, drm-events.md §10.10) is allowed by 5.3.9.6; it is reported
 * only where it moves the numbering: `$Number$` addressing without `S@n` after the gap.
 */
function numberedGap(el: Element, s: Element): boolean {
  return attr(s, 'n') === undefined && (attr(el, 'media') ?? '').includes('$Number');
}

function addressingElements(rep: RepresentationModel, period: PeriodModel, setEl: Element): Element[] {
  const out: Element[] = [];
  for (const e of [period.el, setEl, rep.el])
    for (const name of ['SegmentTemplate', 'SegmentList', 'SegmentBase']) out.push(...children(e, name));
  return out;
}

/** MPD_BASEURL_ALTERNATIVES (5.6, DVB-DASH 10.8): the attributes of sibling BaseURLs. */
function checkBaseUrlAlternatives(ctx: ManifestContext, el: Element, path: string): void {
  const bases = children(el, 'BaseURL');
  if (bases.length < 2) return;
  const locations = bases.map((b) => attr(b, 'serviceLocation')).filter((v) => v !== undefined);
  if (new Set(locations).size !== locations.length)
    report(
      ctx,
      'MPD_BASEURL_ALTERNATIVES',
      el,
      `alternative BaseURLs share a @serviceLocation (${locations.join(', ')})`,
      path,
    );
  for (const b of bases)
    for (const a of ['priority', 'weight']) {
      const v = b.getAttributeNS('urn:dvb:dash:dash-extensions:2014-1', a) || attr(b, `dvb:${a}`);
      if (v && !/^[1-9]\d*$/.test(v))
        report(ctx, 'MPD_BASEURL_ALTERNATIVES', b, `BaseURL@dvb:${a} "${v}" is not a positive integer`, path);
    }
}

export function checkAddressing(
  ctx: ManifestContext,
  plans: Map<RepresentationModel, RepresentationPlan>,
): void {
  const { mpd } = ctx;
  const dynamic = mpd.type === 'dynamic';
  const seen = new Set<Element>();
  checkBaseUrlAlternatives(ctx, mpd.root, '/MPD');
  for (const period of mpd.periods) {
    checkBaseUrlAlternatives(ctx, period.el, period.path);
    for (const set of period.adaptationSets) {
      checkBaseUrlAlternatives(ctx, set.el, set.path);
      for (const rep of set.representations) checkBaseUrlAlternatives(ctx, rep.el, rep.path);
    }
    for (const set of period.adaptationSets) {
      for (const rep of set.representations) {
        for (const el of addressingElements(rep, period, set.el)) {
          if (seen.has(el)) continue;
          seen.add(el);
          checkSegmentElement(ctx, el, rep.path, dynamic);
        }
        // every alternative (5.6) may be the one a player uses
        for (const base of rep.baseUrls)
          if (!isHttp(base) && !base.startsWith('file:'))
            report(
              ctx,
              'MPD_BASEURL',
              rep.el,
              `${rep.id}: the resolved BaseURL "${base}" is not an absolute http(s) URL`,
              rep.path,
            );
        const a = rep.addressing;
        const plan = plans.get(rep);
        if (a.kind === 'template' || a.kind === 'list') {
          if (
            !a.timeline &&
            a.kind === 'template' &&
            !(a.duration && a.duration > 0) &&
            attr(a.el, 'duration') === undefined
          )
            report(
              ctx,
              'SEG_TEMPLATE_DURATION',
              a.el,
              `${rep.id}: SegmentTemplate has neither @duration nor a SegmentTimeline`,
              rep.path,
            );
          if (a.kind === 'list') {
            if (!a.init)
              report(ctx, 'SEG_LIST', a.el, `${rep.id}: SegmentList has no Initialization`, rep.path);
            if (a.segments.length === 0)
              report(ctx, 'SEG_LIST', a.el, `${rep.id}: SegmentList has no SegmentURL`, rep.path);
            for (const s of a.segments) {
              if (s.media === undefined && s.mediaRange === undefined)
                report(ctx, 'SEG_LIST', s.el, 'SegmentURL has neither @media nor @mediaRange', rep.path);
              const m = s.mediaRange === undefined ? null : /^(\d+)-(\d+)$/.exec(s.mediaRange);
              if (s.mediaRange !== undefined && (!m || Number(m[1]) > Number(m[2])))
                report(
                  ctx,
                  'SEG_LIST',
                  s.el,
                  `@mediaRange "${s.mediaRange}" is not first-last with first ≤ last`,
                  rep.path,
                );
            }
          }
          const first = plan?.segments[0];
          // a segment straddling the start of a connected Period is listed there with its own
          // t below the PTO (ISO/IEC 23009-1 §5.3.2.4, dash.md §7.15)
          const straddles =
            first !== undefined && first.time + first.duration > a.pto && joinsPrevious(set.el);
          if (first && a.pto > first.time && a.timeline && !straddles)
            report(
              ctx,
              'SEG_PTO',
              a.el,
              `${rep.id}: @presentationTimeOffset ${a.pto} is after the first segment time ${first.time}`,
              rep.path,
            );
        }
        if (a.kind === 'base' && a.indexRange === undefined)
          report(ctx, 'SEG_BASE', a.el, `${rep.id}: SegmentBase has no @indexRange`, rep.path);
        if (!plan) continue;
        for (const s of plan.segments.slice(0, 1).concat(plan.init ? [] : []))
          if (!isHttp(s.url) && !s.url.startsWith('file:'))
            report(
              ctx,
              'SEG_URL_SCHEME',
              rep.el,
              `${rep.id}: segment URL "${s.url}" is not http(s)`,
              rep.path,
            );
        if (
          a.kind !== 'base' &&
          a.kind !== 'single' &&
          plan.segments.length === 0 &&
          !plan.unresolved &&
          !upcoming(ctx, period, a.kind === 'template' && a.duration ? a.duration / (a.timescale || 1) : 0)
        )
          report(
            ctx,
            'REP_SEGMENTS',
            rep.el,
            `${rep.id}: the addressing lists no media segment${dynamic ? ' at this time' : ''}`,
            rep.path,
          );
        if (mpd.maxSegmentDuration !== undefined) {
          const longest = plan.segments.reduce(
            (m, s) => (s.duration > m.duration ? s : m),
            plan.segments[0] ?? { duration: 0, timescale: 1 },
          );
          if (longest.duration - 1 > mpd.maxSegmentDuration * longest.timescale)
            report(
              ctx,
              'MPD_MAX_SEGMENT_DURATION',
              rep.el,
              `${rep.id}: a segment lasts ${ticks(longest.duration, longest.timescale)}, more than @maxSegmentDuration ${mpd.maxSegmentDuration} s`,
              rep.path,
            );
        }
        if (dynamic && plan.segments.length) checkLiveWindow(ctx, period, rep, plan);
      }
    }
  }
}

function checkLiveWindow(
  ctx: ManifestContext,
  period: PeriodModel,
  rep: RepresentationModel,
  plan: RepresentationPlan,
): void {
  const { mpd } = ctx;
  const a = rep.addressing;
  if (a.kind !== 'template' || !a.timeline || mpd.availabilityStartTime === undefined) return;
  // only explicit lists (timelines) say what the packager lists; @duration templates are derived
  const ast = mpd.availabilityStartTime;
  const pStart = period.start ?? 0;
  const newest = plan.segments.at(-1)!;
  const oldest = plan.segments[0]!;
  const endMs = (s: typeof newest): number => ast + (pStart + s.start + s.duration / s.timescale) * 1000;
  const segMs = (newest.duration / newest.timescale) * 1000;
  if (
    mpd.publishTime !== undefined &&
    endMs(newest) > mpd.publishTime + segMs + a.availabilityTimeOffset * 1000 + 1
  )
    report(
      ctx,
      'SEG_NOT_IN_FUTURE',
      a.timelineEl ?? a.el,
      `${rep.id}: segment ${newest.number} ends at ${new Date(endMs(newest)).toISOString()}, after publishTime plus one segment`,
      rep.path,
    );
  // only a Period still running has a live edge
  const end = periodEnd(mpd, period);
  const running = end === undefined || ast + end * 1000 > ctx.now;
  if (running && ctx.now - endMs(newest) > 2 * segMs + 1000)
    report(
      ctx,
      'SEG_LIVE_EDGE',
      a.timelineEl ?? a.el,
      `${rep.id}: the newest segment ends ${((ctx.now - endMs(newest)) / 1000).toFixed(1)} s before the clock (more than two segments)`,
      rep.path,
    );
  if (mpd.timeShiftBufferDepth !== undefined) {
    const windowStart = Math.max(ctx.now - mpd.timeShiftBufferDepth * 1000, ast + pStart * 1000);
    const oldestStart = ast + (pStart + oldest.start) * 1000;
    if (oldestStart - windowStart > segMs + 1000)
      report(
        ctx,
        'SEG_LIVE_WINDOW',
        a.timelineEl ?? a.el,
        `${rep.id}: the oldest listed segment starts ${((oldestStart - windowStart) / 1000).toFixed(1)} s after the time-shift window start`,
        rep.path,
      );
  }
}

/** Whether an AdaptationSet signals period continuity or connectivity with the Period before. */
function joinsPrevious(setEl: Element): boolean {
  return children(setEl, 'SupplementalProperty').some((p) =>
    /^urn:mpeg:dash:period-(continuity|connectivity):2015$/.test(attr(p, 'schemeIdUri') ?? ''),
  );
}

/**
 * A dynamic Period announced before its first segment can be complete: automatic Periods are
 * listed once the update period reaches their start (dash.md §7.15), so none of their segments is
 * available yet and an empty list is expected (ISO/IEC 23009-1 §5.3.2.1).
 */
function upcoming(ctx: ManifestContext, period: PeriodModel, segmentSeconds: number): boolean {
  const { mpd } = ctx;
  if (mpd.type !== 'dynamic' || period.start === undefined) return false;
  const elapsed = (ctx.now - (mpd.availabilityStartTime ?? 0)) / 1000;
  // an empty SegmentTimeline names no duration: the longest segment the MPD announces, else one
  // update period, bounds how long after its start a Period may still list nothing
  const longest = segmentSeconds || (mpd.maxSegmentDuration ?? mpd.minimumUpdatePeriod ?? 0);
  return elapsed < period.start + longest;
}
