/**
 * The MPD as the checks see it: Periods, AdaptationSets and Representations with the inherited
 * attributes, BaseURL chain and segment addressing resolved (ISO/IEC 23009-1 5.3.9, 5.6). Pure:
 * built from a parsed document and the document URL; values that do not parse are left undefined
 * (the structure checks report them).
 */
import type { Element } from '@xmldom/xmldom';
import { attr, child, children, textOf, type ParsedXml } from './xml.js';
import { parseXsDateTime, parseXsDuration } from './xs-time.js';

export const MPD_NS = 'urn:mpeg:dash:schema:mpd:2011';

export interface TimelineEntry {
  el: Element;
  t?: number;
  d: number;
  r: number;
  n?: number;
}

export interface AddressingCommon {
  /** The most specific element carrying the addressing, for issue locations. */
  el: Element;
  timescale: number;
  pto: number;
  startNumber: number;
  endNumber?: number;
  duration?: number;
  timeline?: TimelineEntry[];
  timelineEl?: Element;
  availabilityTimeOffset: number;
}

export type Addressing =
  | (AddressingCommon & { kind: 'template'; media?: string; initialization?: string })
  | (AddressingCommon & {
      kind: 'list';
      init?: { url?: string; range?: string };
      segments: { el: Element; media?: string; mediaRange?: string }[];
    })
  | (AddressingCommon & { kind: 'base'; indexRange?: string; initRange?: string })
  | { kind: 'single' };

export interface RepresentationModel {
  el: Element;
  path: string;
  id: string;
  bandwidth?: number;
  mimeType?: string;
  codecs?: string;
  contentType: string;
  width?: number;
  height?: number;
  frameRate?: string;
  audioSamplingRate?: number;
  startWithSAP?: number;
  baseUrl: string;
  /** Every resolved BaseURL alternative (5.6); the first is `baseUrl`. */
  baseUrls: string[];
  addressing: Addressing;
  /** Forms present along the inheritance chain (for REP_ADDRESSING). */
  forms: string[];
  contentProtection: Element[];
  inbandEventStreams: Element[];
}

export interface AdaptationSetModel {
  el: Element;
  path: string;
  id: string | null;
  contentType?: string;
  mimeType?: string;
  representations: RepresentationModel[];
}

export interface PeriodModel {
  el: Element;
  path: string;
  index: number;
  id: string | null;
  /** Seconds from the presentation start; undefined for an early-available Period. */
  start?: number;
  duration?: number;
  baseUrl: string;
  baseUrls: string[];
  adaptationSets: AdaptationSetModel[];
  eventStreams: Element[];
}

export interface MpdModel {
  xml: ParsedXml;
  root: Element;
  url: string;
  type: 'static' | 'dynamic';
  id?: string;
  profiles: string[];
  availabilityStartTime?: number;
  publishTime?: number;
  minimumUpdatePeriod?: number;
  timeShiftBufferDepth?: number;
  mediaPresentationDuration?: number;
  maxSegmentDuration?: number;
  suggestedPresentationDelay?: number;
  periods: PeriodModel[];
  locations: string[];
  patchLocation?: Element;
  utcTimings: Element[];
}

const num = (v: string | undefined): number | undefined =>
  v === undefined || v.trim() === '' || Number.isNaN(Number(v)) ? undefined : Number(v);
const dur = (v: string | undefined): number | undefined => (v === undefined ? undefined : parseXsDuration(v));

/** Alternatives followed per Representation (5.6): enough for DVB's few service locations. */
const MAX_BASE_URLS = 8;

/**
 * Resolves an element's BaseURLs against every alternative of its parent (5.6.4): several
 * BaseURL children are alternatives, so a Representation under two MPD-level BaseURLs has two.
 * The first entry is the chain of first BaseURLs, the one the run fetches everything from.
 */
function resolveBases(el: Element, bases: readonly string[]): string[] {
  const own = children(el, 'BaseURL');
  if (own.length === 0) return [...bases];
  const out: string[] = [];
  for (const base of bases)
    for (const b of own) {
      let url = base;
      try {
        url = new URL(textOf(b), base).href;
      } catch {
        // an unparsable BaseURL keeps the parent's (MPD_BASEURL reports it)
      }
      if (!out.includes(url) && out.length < MAX_BASE_URLS) out.push(url);
    }
  return out;
}

const ADDRESSING_FORMS = ['SegmentTemplate', 'SegmentList', 'SegmentBase'] as const;

/** Merges the attributes of one addressing element along Period → AdaptationSet → Representation. */
function merged(chain: Element[], name: string): { els: Element[]; get(a: string): string | undefined } {
  const els = chain.map((e) => child(e, name)).filter((e): e is Element => e !== undefined);
  return {
    els,
    get(a: string) {
      for (let k = els.length - 1; k >= 0; k--) {
        const v = attr(els[k]!, a);
        if (v !== undefined) return v;
      }
      return undefined;
    },
  };
}

function timelineOf(els: Element[]): { el: Element; entries: TimelineEntry[] } | undefined {
  for (let k = els.length - 1; k >= 0; k--) {
    const tl = child(els[k]!, 'SegmentTimeline');
    if (tl)
      return {
        el: tl,
        entries: children(tl, 'S').map((s) => {
          const e: TimelineEntry = { el: s, d: num(attr(s, 'd')) ?? 0, r: num(attr(s, 'r')) ?? 0 };
          const t = num(attr(s, 't'));
          const n = num(attr(s, 'n'));
          if (t !== undefined) e.t = t;
          if (n !== undefined) e.n = n;
          return e;
        }),
      };
  }
  return undefined;
}

function addressingOf(chain: Element[]): { addressing: Addressing; forms: string[] } {
  const forms = ADDRESSING_FORMS.filter((f) => chain.some((e) => child(e, f)));
  const form = ADDRESSING_FORMS.find((f) => child(chain.at(-1)!, f)) ?? forms[0];
  if (!form) return { addressing: { kind: 'single' }, forms };
  const m = merged(chain, form);
  const tl = timelineOf(m.els);
  const common: AddressingCommon = {
    el: m.els.at(-1)!,
    timescale: num(m.get('timescale')) ?? 1,
    pto: num(m.get('presentationTimeOffset')) ?? 0,
    startNumber: num(m.get('startNumber')) ?? 1,
    availabilityTimeOffset: num(m.get('availabilityTimeOffset')) ?? 0,
  };
  const d = num(m.get('duration'));
  if (d !== undefined) common.duration = d;
  const end = num(m.get('endNumber'));
  if (end !== undefined) common.endNumber = end;
  if (tl) {
    common.timeline = tl.entries;
    common.timelineEl = tl.el;
  }
  if (form === 'SegmentTemplate') {
    const a: Addressing = { ...common, kind: 'template' };
    const media = m.get('media');
    const init = m.get('initialization');
    if (media !== undefined) a.media = media;
    if (init !== undefined) a.initialization = init;
    return { addressing: a, forms };
  }
  if (form === 'SegmentList') {
    const own = m.els.at(-1)!;
    const initEl = m.els
      .map((e) => child(e, 'Initialization'))
      .filter((e) => e !== undefined)
      .at(-1);
    const a: Addressing = {
      ...common,
      kind: 'list',
      segments: children(own, 'SegmentURL').map((s) => {
        const seg: { el: Element; media?: string; mediaRange?: string } = { el: s };
        const media = attr(s, 'media');
        const range = attr(s, 'mediaRange');
        if (media !== undefined) seg.media = media;
        if (range !== undefined) seg.mediaRange = range;
        return seg;
      }),
    };
    const source = initEl ? attr(initEl, 'sourceURL') : undefined;
    const range = initEl ? attr(initEl, 'range') : undefined;
    if (initEl)
      a.init = { ...(source !== undefined && { url: source }), ...(range !== undefined && { range }) };
    return { addressing: a, forms };
  }
  const a: Addressing = { ...common, kind: 'base' };
  const indexRange = m.get('indexRange');
  if (indexRange !== undefined) a.indexRange = indexRange;
  const initEl = m.els
    .map((e) => child(e, 'Initialization'))
    .filter((e) => e !== undefined)
    .at(-1);
  const initRange = initEl ? attr(initEl, 'range') : undefined;
  if (initRange !== undefined) a.initRange = initRange;
  return { addressing: a, forms };
}

const step = (name: string, id: string | null | undefined, index: number): string =>
  id ? `${name}[@id='${id}']` : `${name}[${index + 1}]`;

export function buildMpdModel(xml: ParsedXml, url: string): MpdModel {
  const root = xml.root;
  const typeAttr = attr(root, 'type');
  const model: MpdModel = {
    xml,
    root,
    url,
    type: typeAttr === 'dynamic' ? 'dynamic' : 'static',
    profiles: (attr(root, 'profiles') ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean),
    periods: [],
    locations: children(root, 'Location').map(textOf),
    utcTimings: children(root, 'UTCTiming'),
  };
  const id = attr(root, 'id');
  if (id !== undefined) model.id = id;
  const setTime = (key: 'availabilityStartTime' | 'publishTime', a: string): void => {
    const v = attr(root, a);
    const ms = v === undefined ? undefined : parseXsDateTime(v);
    if (ms !== undefined) model[key] = ms;
  };
  setTime('availabilityStartTime', 'availabilityStartTime');
  setTime('publishTime', 'publishTime');
  for (const [key, a] of [
    ['minimumUpdatePeriod', 'minimumUpdatePeriod'],
    ['timeShiftBufferDepth', 'timeShiftBufferDepth'],
    ['mediaPresentationDuration', 'mediaPresentationDuration'],
    ['maxSegmentDuration', 'maxSegmentDuration'],
    ['suggestedPresentationDelay', 'suggestedPresentationDelay'],
  ] as const) {
    const v = dur(attr(root, a));
    if (v !== undefined) model[key] = v;
  }
  const patch = child(root, 'PatchLocation');
  if (patch) model.patchLocation = patch;
  const mpdBases = resolveBases(root, [url]);
  let previousEnd: number | undefined = 0;
  children(root, 'Period').forEach((pEl, index) => {
    const pid = attr(pEl, 'id') ?? null;
    const path = `/MPD/${step('Period', pid, index)}`;
    const startAttr = dur(attr(pEl, 'start'));
    const start =
      startAttr ?? (index === 0 && model.type === 'static' ? 0 : index === 0 ? undefined : previousEnd);
    const duration = dur(attr(pEl, 'duration'));
    const pBases = resolveBases(pEl, mpdBases);
    const period: PeriodModel = {
      el: pEl,
      path,
      index,
      id: pid,
      baseUrl: pBases[0]!,
      baseUrls: pBases,
      adaptationSets: [],
      eventStreams: children(pEl, 'EventStream'),
    };
    if (start !== undefined) period.start = start;
    if (duration !== undefined) period.duration = duration;
    previousEnd = start !== undefined && duration !== undefined ? start + duration : undefined;
    children(pEl, 'AdaptationSet').forEach((aEl, ai) => {
      const aid = attr(aEl, 'id') ?? null;
      const aPath = `${path}/${step('AdaptationSet', aid, ai)}`;
      const aBases = resolveBases(aEl, period.baseUrls);
      const set: AdaptationSetModel = { el: aEl, path: aPath, id: aid, representations: [] };
      const ct = attr(aEl, 'contentType');
      const mt = attr(aEl, 'mimeType');
      if (ct !== undefined) set.contentType = ct;
      if (mt !== undefined) set.mimeType = mt;
      children(aEl, 'Representation').forEach((rEl, ri) => {
        const rid = attr(rEl, 'id') ?? '';
        const inherit = (a: string): string | undefined => attr(rEl, a) ?? attr(aEl, a);
        const { addressing, forms } = addressingOf([pEl, aEl, rEl]);
        const mime = inherit('mimeType');
        const rBases = resolveBases(rEl, aBases);
        const rep: RepresentationModel = {
          el: rEl,
          path: `${aPath}/${step('Representation', rid, ri)}`,
          id: rid,
          contentType: ct ?? mime?.split('/')[0] ?? '',
          baseUrl: rBases[0]!,
          baseUrls: rBases,
          addressing,
          forms,
          contentProtection: [...children(aEl, 'ContentProtection'), ...children(rEl, 'ContentProtection')],
          inbandEventStreams: [...children(aEl, 'InbandEventStream'), ...children(rEl, 'InbandEventStream')],
        };
        const fill = <K extends keyof RepresentationModel>(
          k: K,
          v: RepresentationModel[K] | undefined,
        ): void => {
          if (v !== undefined) rep[k] = v;
        };
        fill('bandwidth', num(attr(rEl, 'bandwidth')));
        fill('mimeType', mime);
        fill('codecs', inherit('codecs'));
        fill('width', num(inherit('width')));
        fill('height', num(inherit('height')));
        fill('frameRate', inherit('frameRate'));
        fill('audioSamplingRate', num(inherit('audioSamplingRate')?.split(/\s+/)[0]));
        fill('startWithSAP', num(inherit('startWithSAP')));
        if (rep.contentType === 'application' && /stpp|wvtt/.test(rep.codecs ?? '')) rep.contentType = 'text';
        set.representations.push(rep);
      });
      period.adaptationSets.push(set);
    });
    model.periods.push(period);
  });
  return model;
}

/** All Representations with their Period and AdaptationSet. */
export function* representations(
  mpd: MpdModel,
): Generator<{ period: PeriodModel; set: AdaptationSetModel; rep: RepresentationModel }> {
  for (const period of mpd.periods)
    for (const set of period.adaptationSets)
      for (const rep of set.representations) yield { period, set, rep };
}
