/** XML text helpers for templates: every attribute and text value is escaped (§6.1). */
import { NUL, timelineHoleOf } from './dynamic.js';
import type { TimelineS } from './model.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

const SPECIAL_ALL = /[&<>"']/g;

export function escapeXml(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  // Most values (numbers, ids, durations) have nothing to escape: a scan is cheaper than a
  // regular expression on such short texts.
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 38 || c === 60 || c === 62 || c === 34 || c === 39)
      return text.replace(SPECIAL_ALL, (m) => ENTITIES[m] ?? m);
  }
  return text;
}

/** ` name="value"`, or nothing when the value is undefined or null. */
export function attr(name: string, value: unknown): string {
  return value === undefined || value === null ? '' : ` ${name}="${escapeXml(value)}"`;
}

/** One S element's line (as `_timeline.eta` wrote them: `attr` for every value but `r`). */
function sLine(pre: string, s: TimelineS): string {
  // a number's text has nothing to escape
  const line = pre + attr('t', s.t) + attr('n', s.n) + attr('d', s.d);
  return s.r === undefined ? `${line}/>\n` : `${line} r="${s.r}"/>\n`;
}

/** True when two S elements are written alike (neither carries t or n). */
function sameS(a: TimelineS, b: TimelineS): boolean {
  return (
    a.d === b.d &&
    a.r === b.r &&
    a.t === undefined &&
    b.t === undefined &&
    a.n === undefined &&
    b.n === undefined
  );
}

/** True when tl[from + j] is written like tl[to + j] for j < count. */
function sameRun(tl: readonly TimelineS[], from: number, to: number, count: number): boolean {
  for (let j = 0; j < count; j++) if (!sameS(tl[from + j]!, tl[to + j]!)) return false;
  return true;
}

/** Longest repeat distance tried: a loop of the stream rarely has more runs than this. */
const MAX_PERIOD = 64;

/**
 * The S elements of a SegmentTimeline, one line each, `pre` being the indentation and `<S`
 * (`_timeline.eta`): hundreds of them in a live timeline, so one string built here rather than
 * one template output each. A live timeline repeats loop after loop, so once P lines are written
 * (P: where the second S recurs), each next P elements equal to the previous P are written as a
 * copy of those lines' text. A recorded timeline (dynamic.ts) gives its placeholder instead.
 */
export function timelineBody(tl: readonly TimelineS[], pre: string): string {
  const hole = timelineHoleOf(tl);
  if (hole !== null) return `${NUL}${hole}t${pre}${NUL}`;
  const n = tl.length;
  if (n === 0) return '';
  let period = 0;
  for (let j = 2; j < n && j - 1 <= MAX_PERIOD; j++) {
    if (sameS(tl[1]!, tl[j]!)) {
      period = j - 1;
      break;
    }
  }
  let body = sLine(pre, tl[0]!);
  /** The text of tl[i − period, i) when known. */
  let block: string | null = null;
  let fresh = '';
  let freshCount = 0;
  for (let i = 1; i < n;) {
    if (block !== null && i + period <= n && sameRun(tl, i - period, i, period)) {
      body += block;
      i += period;
      continue;
    }
    block = null;
    const line = sLine(pre, tl[i]!);
    body += line;
    i++;
    if (period === 0) continue;
    fresh += line;
    if (++freshCount === period) {
      block = fresh;
      fresh = '';
      freshCount = 0;
    }
  }
  return body;
}
