/** §4.1 (root, xlink) and §4.2: the MPD element (ISO/IEC 23009-1 5.3.1.2). */
import type { Element } from '@xmldom/xmldom';
import { MPD_NS } from '../mpd.js';
import { attr, children } from '../xml.js';
import { parseXsDateTime, parseXsDuration } from '../xs-time.js';
import { report, type ManifestContext } from './context.js';

const KNOWN_PROFILES = [
  'urn:mpeg:dash:profile:full:2011',
  'urn:mpeg:dash:profile:isoff-on-demand:2011',
  'urn:mpeg:dash:profile:isoff-live:2011',
  'urn:mpeg:dash:profile:isoff-main:2011',
  'urn:mpeg:dash:profile:isoff-ext-live:2014',
  'urn:mpeg:dash:profile:isoff-ext-on-demand:2014',
  'urn:mpeg:dash:profile:isoff-broadcast:2015',
  'urn:mpeg:dash:profile:cmaf:2019',
  'urn:mpeg:dash:profile:cmaf-extended:2019',
  'urn:mpeg:dash:profile:mp2t-simple:2011',
  'urn:mpeg:dash:profile:mp2t-main:2011',
  'http://dashif.org/guidelines/dash264',
  'http://dashif.org/guidelines/dash-if-simple',
  'http://dashif.org/guidelines/dash264main',
  'urn:dvb:dash:profile:dvb-dash:2014',
  'urn:dvb:dash:profile:dvb-dash:isoff-ext-live:2014',
  'urn:dvb:dash:profile:dvb-dash:isoff-ext-on-demand:2014',
  'urn:hbbtv:dash:profile:isoff-live:2012',
  'urn:hbbtv:dash:profile:isoff-ondemand:2012',
];

const DURATION_ATTRS = new Set([
  'mediaPresentationDuration',
  'minimumUpdatePeriod',
  'minBufferTime',
  'timeShiftBufferDepth',
  'suggestedPresentationDelay',
  'maxSegmentDuration',
  'maxSubsegmentDuration',
  'start',
  'duration',
]);
const DATE_ATTRS = new Set(['availabilityStartTime', 'availabilityEndTime', 'publishTime']);

/** MPD_DURATIONS over the MPD and Period elements, where xs:duration attributes live. */
function checkTimeAttributes(ctx: ManifestContext, el: Element, path: string): void {
  for (let k = 0; k < el.attributes.length; k++) {
    const a = el.attributes.item(k)!;
    const name = a.localName ?? a.name;
    if (a.namespaceURI && a.namespaceURI !== MPD_NS) continue;
    if (name === 'duration' && el.localName !== 'Period') continue;
    if (DURATION_ATTRS.has(name)) {
      const v = parseXsDuration(a.value);
      if (v === undefined)
        report(ctx, 'MPD_DURATIONS', el, `@${name} "${a.value}" is not an xs:duration`, path);
      else if (v < 0) report(ctx, 'MPD_DURATIONS', el, `@${name} "${a.value}" is negative`, path);
    } else if (DATE_ATTRS.has(name) && parseXsDateTime(a.value) === undefined) {
      report(ctx, 'MPD_DURATIONS', el, `@${name} "${a.value}" is not an xs:dateTime`, path);
    }
  }
}

const isHttpUrl = (u: string): boolean => /^https?:\/\/[^/]/i.test(u);

export function checkMpdElement(ctx: ManifestContext): void {
  const { mpd } = ctx;
  const root = mpd.root;
  const path = '/MPD';
  const profiles = attr(root, 'profiles');
  if (profiles === undefined || profiles.trim() === '')
    report(ctx, 'MPD_PROFILES', root, 'MPD@profiles is missing', path);
  else
    for (const p of mpd.profiles) {
      if (!/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(p))
        report(ctx, 'MPD_PROFILES', root, `profile "${p}" is not a URI`, path);
      else if (!KNOWN_PROFILES.includes(p))
        report(ctx, 'MPD_PROFILE_UNKNOWN', root, `profile "${p}" is not one the validator knows`, path);
    }
  const type = attr(root, 'type');
  if (type !== undefined && type !== 'static' && type !== 'dynamic')
    report(ctx, 'MPD_TYPE', root, `MPD@type "${type}" is neither static nor dynamic`, path);
  const mbt = attr(root, 'minBufferTime');
  if (mbt === undefined) report(ctx, 'MPD_MIN_BUFFER', root, 'MPD@minBufferTime is missing', path);
  checkTimeAttributes(ctx, root, path);
  for (const p of mpd.periods) checkTimeAttributes(ctx, p.el, p.path);
  if (mpd.type === 'dynamic') {
    if (attr(root, 'availabilityStartTime') === undefined)
      report(ctx, 'MPD_DYNAMIC_AST', root, 'a dynamic MPD has no @availabilityStartTime', path);
    if (attr(root, 'publishTime') === undefined)
      report(ctx, 'MPD_DYNAMIC_PUBLISH', root, 'a dynamic MPD has no @publishTime', path);
    if (attr(root, 'timeShiftBufferDepth') === undefined)
      report(
        ctx,
        'MPD_DYNAMIC_TSBD',
        root,
        'no @timeShiftBufferDepth: the time-shift buffer is infinite',
        path,
      );
    if (mpd.id === undefined)
      report(ctx, 'MPD_DYNAMIC_ID', root, 'a dynamic MPD has no @id, so refreshes cannot be matched', path);
    if (
      mpd.suggestedPresentationDelay !== undefined &&
      mpd.timeShiftBufferDepth !== undefined &&
      mpd.suggestedPresentationDelay > mpd.timeShiftBufferDepth
    )
      report(
        ctx,
        'MPD_DYNAMIC_SPD',
        root,
        `@suggestedPresentationDelay ${mpd.suggestedPresentationDelay} s exceeds @timeShiftBufferDepth ${mpd.timeShiftBufferDepth} s`,
        path,
      );
    if (mpd.utcTimings.length === 0)
      report(ctx, 'MPD_UTCTIMING', root, 'a dynamic MPD has no UTCTiming element', path);
  } else {
    const last = mpd.periods.at(-1);
    if (
      attr(root, 'mediaPresentationDuration') === undefined &&
      (!last || attr(last.el, 'duration') === undefined)
    )
      report(
        ctx,
        'MPD_STATIC_DURATION',
        root,
        'a static MPD has neither @mediaPresentationDuration nor a last Period@duration',
        path,
      );
    if (attr(root, 'minimumUpdatePeriod') !== undefined)
      report(ctx, 'MPD_STATIC_NO_MUP', root, 'a static MPD has @minimumUpdatePeriod', path);
    if (mpd.patchLocation)
      report(ctx, 'MPD_STATIC_NO_PATCH', mpd.patchLocation, 'a static MPD has a PatchLocation', path);
  }
  if (mpd.periods.length === 0) report(ctx, 'MPD_PERIODS', root, 'the MPD has no Period', path);
  for (const loc of children(root, 'Location')) {
    const u = (loc.textContent ?? '').trim();
    if (!isHttpUrl(u))
      report(ctx, 'MPD_LOCATION', loc, `Location "${u}" is not an absolute http(s) URL`, path);
  }
  // xlink (5.5): reported, never followed (§6.1)
  const walk = (el: Element): void => {
    const href = el.getAttributeNS('http://www.w3.org/1999/xlink', 'href');
    if (href) report(ctx, 'DOC_XLINK', el, `xlink:href "${href}" on ${el.localName} is not followed`);
    for (const c of children(el)) walk(c);
  };
  walk(root);
}
