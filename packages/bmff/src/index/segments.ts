/**
 * Splits a file's top-level boxes into the init segment and media segments (spec dash.md
 * §5.2 "Segment boundaries").
 */
import type { BoxLocation } from '../reader.js';

export interface BoxGroup {
  pos: number;
  size: number;
  boxes: BoxLocation[];
}

const SEGMENT_START = new Set(['styp', 'sidx', 'emsg', 'prft', 'moof']);

export function splitSegments(top: readonly BoxLocation[]): { init: BoxGroup; media: BoxGroup[] } {
  let i = 0;
  while (i < top.length && !SEGMENT_START.has(top[i]!.type)) i++;
  const initBoxes = top.slice(0, i);
  const initEnd = initBoxes.length ? initBoxes.at(-1)!.pos + initBoxes.at(-1)!.size : 0;
  const init: BoxGroup = { pos: 0, size: initEnd, boxes: initBoxes };
  const rest = top.slice(i).filter((b) => b.type !== 'mfra');
  const hasStyp = rest.some((b) => b.type === 'styp');
  const groups: BoxLocation[][] = [];
  let cur: BoxLocation[] | undefined;
  let sawMoof = false;
  let complete = false; // a moof followed by its mdat
  for (const b of rest) {
    const starts = hasStyp ? b.type === 'styp' : SEGMENT_START.has(b.type) && (cur === undefined || complete);
    if (starts || cur === undefined) {
      cur = [];
      groups.push(cur);
      sawMoof = false;
      complete = false;
    }
    cur.push(b);
    if (b.type === 'moof') sawMoof = true;
    if (b.type === 'mdat' && sawMoof) complete = true;
  }
  const media = groups
    .filter((g) => g.some((b) => b.type === 'moof'))
    .map((g) => ({ pos: g[0]!.pos, size: g.at(-1)!.pos + g.at(-1)!.size - g[0]!.pos, boxes: g }));
  return { init, media };
}
