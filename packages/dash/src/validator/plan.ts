/**
 * Segment addressing → segment references (validator.md §2.2 step 3): URL, byte range, expected
 * number, decode time and duration, and availability window, for SegmentTemplate (with `$Number$`
 * or `$Time$`, with or without SegmentTimeline), SegmentList, SegmentBase and a single BaseURL
 * (ISO/IEC 23009-1 5.3.9). Pure: the clock is an argument.
 */
import type { MpdModel, PeriodModel, RepresentationModel, TimelineEntry } from './mpd.js';

export interface SegmentRef {
  url: string;
  /** Inclusive byte range. */
  range?: [number, number];
  number?: number;
  /** Expected decode time of the first sample (media timescale, PTO included). */
  time: number;
  duration: number;
  timescale: number;
  /** Presentation start in seconds from the Period start. */
  start: number;
  /** dynamic: when the segment becomes and stops being available (ms since the epoch). */
  availableFrom?: number;
  availableUntil?: number;
  /** The S element (timeline) or SegmentURL (list) the segment comes from. */
  firstOfPeriod: boolean;
  lastOfPeriod: boolean;
}

export interface InitRef {
  url: string;
  range?: [number, number];
}

export interface RepresentationPlan {
  init?: InitRef;
  /** Every segment the addressing lists at this time (dynamic: inside the time-shift window). */
  segments: SegmentRef[];
  /** Set when the addressing cannot be expanded (reported by the addressing checks). */
  unresolved?: string;
  /** SegmentBase: the index range to read the sidx from. */
  indexRange?: [number, number];
}

const IDENTIFIER = /\$(RepresentationID|Number|Bandwidth|Time|SubNumber)(%0(\d+)d)?\$|\$\$/g;

/** Expands a SegmentTemplate string (5.3.9.4.4). */
export function expandTemplate(
  template: string,
  v: { RepresentationID: string; Number?: number; Bandwidth?: number; Time?: number },
): string {
  return template.replace(IDENTIFIER, (whole, name: string | undefined, _f, width: string | undefined) => {
    if (whole === '$$') return '$';
    const value = v[name as keyof typeof v];
    if (value === undefined) return whole;
    const s = String(value);
    return width ? s.padStart(Number(width), '0') : s;
  });
}

export function parseRange(text: string | undefined): [number, number] | undefined {
  const m = text === undefined ? null : /^\s*(\d+)-(\d+)\s*$/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function resolve(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

/** Expands a timeline into (time, duration, number) up to `endTime` for open `@r = -1` runs. */
export function expandTimeline(
  entries: readonly TimelineEntry[],
  startNumber: number,
  endTime: number,
): { time: number; duration: number; number: number }[] {
  const out: { time: number; duration: number; number: number }[] = [];
  let t = 0;
  let n = startNumber;
  entries.forEach((s, k) => {
    if (s.t !== undefined) t = s.t;
    if (s.n !== undefined) n = s.n;
    if (s.d <= 0) return;
    let repeat = s.r;
    if (repeat < 0) {
      const next = entries[k + 1]?.t;
      const until = next ?? endTime;
      repeat = Math.max(0, Math.ceil((until - t) / s.d) - 1);
    }
    for (let i = 0; i <= repeat && out.length < 1_000_000; i++) {
      out.push({ time: t, duration: s.d, number: n });
      t += s.d;
      n++;
    }
  });
  return out;
}

/** The Period's end in seconds from the presentation start, when known. */
export function periodEnd(mpd: MpdModel, period: PeriodModel): number | undefined {
  if (period.start !== undefined && period.duration !== undefined) return period.start + period.duration;
  const next = mpd.periods[period.index + 1];
  if (next?.start !== undefined) return next.start;
  if (mpd.mediaPresentationDuration !== undefined) return mpd.mediaPresentationDuration;
  return undefined;
}

export function planRepresentation(
  mpd: MpdModel,
  period: PeriodModel,
  rep: RepresentationModel,
  nowMs: number,
): RepresentationPlan {
  const a = rep.addressing;
  const base = rep.baseUrl;
  const periodStart = period.start ?? 0;
  const end = periodEnd(mpd, period);
  const dynamic = mpd.type === 'dynamic';
  const ast = mpd.availabilityStartTime ?? 0;
  const tsbd = mpd.timeShiftBufferDepth;
  if (a.kind === 'single') {
    return {
      init: { url: base },
      segments: [
        {
          url: base,
          time: 0,
          duration: end !== undefined ? end - periodStart : 0,
          timescale: 1,
          start: 0,
          firstOfPeriod: true,
          lastOfPeriod: true,
        },
      ],
    };
  }
  const ts = a.timescale > 0 ? a.timescale : 1;
  const periodTicks = end !== undefined ? (end - periodStart) * ts : undefined;
  const windowed = (refs: SegmentRef[]): SegmentRef[] => {
    for (const s of refs) {
      if (!dynamic) continue;
      const startMs = ast + (periodStart + s.start) * 1000;
      s.availableFrom = startMs + s.duration * (1000 / ts) - a.availabilityTimeOffset * 1000;
      s.availableUntil =
        tsbd === undefined ? Number.POSITIVE_INFINITY : startMs + s.duration * (1000 / ts) + tsbd * 1000;
    }
    const listed = dynamic
      ? refs.filter((s) => s.availableFrom! <= nowMs && s.availableUntil! >= nowMs)
      : refs;
    if (listed.length) {
      listed[listed.length - 1]!.lastOfPeriod =
        end !== undefined &&
        Math.abs(listed.at(-1)!.start + listed.at(-1)!.duration / ts - (end - periodStart)) < 0.5;
    }
    return listed;
  };
  // a number is part of the segment's identity only where the URLs use it ($Time$ URLs do not)
  const numbered = a.kind === 'list' || (a.kind === 'template' && /\$Number/.test(a.media ?? ''));
  const ref = (time: number, duration: number, number: number, url: string): SegmentRef => ({
    url,
    ...(numbered && { number }),
    time,
    duration,
    timescale: ts,
    start: (time - a.pto) / ts,
    firstOfPeriod: time === a.pto || number === a.startNumber,
    lastOfPeriod: false,
  });
  if (a.kind === 'template') {
    const vars = {
      RepresentationID: rep.id,
      ...(rep.bandwidth !== undefined && { Bandwidth: rep.bandwidth }),
    };
    const init =
      a.initialization !== undefined
        ? { url: resolve(expandTemplate(a.initialization, vars), base) }
        : undefined;
    if (a.media === undefined)
      return { ...(init && { init }), segments: [], unresolved: 'SegmentTemplate has no @media' };
    const media = a.media;
    const url = (time: number, number: number): string =>
      resolve(expandTemplate(media, { ...vars, Number: number, Time: time }), base);
    let items: { time: number; duration: number; number: number }[];
    if (a.timeline) {
      const liveEnd = dynamic ? ((nowMs - ast) / 1000 - periodStart) * ts + a.pto : undefined;
      const endTime = periodTicks !== undefined ? a.pto + periodTicks : (liveEnd ?? a.pto);
      items = expandTimeline(a.timeline, a.startNumber, Math.min(endTime, liveEnd ?? endTime));
    } else if (a.duration && a.duration > 0) {
      const d = a.duration;
      let first = 0;
      let count: number;
      if (dynamic) {
        const elapsed = (nowMs - ast) / 1000 - periodStart + a.availabilityTimeOffset;
        const limit = periodTicks !== undefined ? Math.ceil(periodTicks / d) : Number.POSITIVE_INFINITY;
        count = Math.max(0, Math.min(limit, Math.floor((elapsed * ts) / d)));
        if (tsbd !== undefined) first = Math.max(0, Math.floor(((elapsed - tsbd) * ts) / d) - 1);
      } else {
        count = periodTicks !== undefined ? Math.ceil(periodTicks / d - 1e-9) : 0;
      }
      if (a.endNumber !== undefined) count = Math.min(count, a.endNumber - a.startNumber + 1);
      items = [];
      for (let k = first; k < count && items.length < 1_000_000; k++) {
        const last = periodTicks !== undefined && (k + 1) * d > periodTicks;
        items.push({
          time: a.pto + k * d,
          duration: last ? periodTicks - k * d : d,
          number: a.startNumber + k,
        });
      }
    } else {
      return {
        ...(init && { init }),
        segments: [],
        unresolved: 'SegmentTemplate has neither @duration nor a SegmentTimeline',
      };
    }
    const segments = windowed(items.map((i) => ref(i.time, i.duration, i.number, url(i.time, i.number))));
    return { ...(init && { init }), segments };
  }
  if (a.kind === 'list') {
    const init: InitRef | undefined = a.init
      ? {
          url: resolve(a.init.url ?? '', base),
          ...(parseRange(a.init.range) && { range: parseRange(a.init.range)! }),
        }
      : undefined;
    const times = a.timeline
      ? expandTimeline(a.timeline, a.startNumber, Number.POSITIVE_INFINITY)
      : undefined;
    const d = a.duration ?? 0;
    const segments = windowed(
      a.segments.map((s, k) => {
        const t = times?.[k];
        const r = ref(
          t?.time ?? a.pto + k * d,
          t?.duration ?? d,
          a.startNumber + k,
          resolve(s.media ?? '', base),
        );
        const range = parseRange(s.mediaRange);
        if (range) r.range = range;
        return r;
      }),
    );
    return { ...(init && { init }), segments };
  }
  // SegmentBase: the segments come from the sidx (read by the runner), the init from its range
  const initRange = parseRange(a.initRange);
  const indexRange = parseRange(a.indexRange);
  return {
    init: { url: base, ...(initRange && { range: initRange }) },
    segments: [],
    ...(indexRange && { indexRange }),
  };
}

/** §2.3: which of a Representation's listed segments the run fetches. */
export function selectSegments(
  plan: readonly SegmentRef[],
  dynamic: boolean,
  duration: number,
  tsbd: number | undefined,
): SegmentRef[] {
  if (plan.length === 0) return [];
  if (!dynamic) {
    if (duration === 0) return [...plan];
    const out = plan.filter((s) => s.start < duration);
    const last = plan.at(-1)!;
    if (!out.includes(last)) out.push(last);
    return out;
  }
  // duration 0 means "everything": the whole time-shift window
  const span = duration > 0 ? Math.min(duration, tsbd ?? duration) : (tsbd ?? Number.POSITIVE_INFINITY);
  const edge = plan.at(-1)!;
  const edgeEnd = edge.start + edge.duration / edge.timescale;
  const out = plan.filter((s) => s.start + s.duration / s.timescale > edgeEnd - span);
  if (!out.includes(edge)) out.push(edge);
  if (!out.includes(plan[0]!)) out.unshift(plan[0]!);
  return out;
}
