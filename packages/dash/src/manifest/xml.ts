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

/**
 * The S elements of a SegmentTimeline, one line each, `pre` being the indentation and `<S`
 * (`_timeline.eta`): hundreds of them in a live timeline, so one string built here rather than
 * one template output each. A recorded timeline (dynamic.ts) gives its placeholder instead.
 */
export function timelineBody(tl: readonly TimelineS[], pre: string): string {
  const hole = timelineHoleOf(tl);
  if (hole !== null) return `${NUL}${hole}t${pre}${NUL}`;
  let body = '';
  for (const s of tl) {
    // `attr` for every value (as the template wrote them), except the repeat count: a number's
    // text has nothing to escape
    body += pre + attr('t', s.t) + attr('n', s.n) + attr('d', s.d);
    body += s.r === undefined ? '/>\n' : ` r="${s.r}"/>\n`;
  }
  return body;
}
