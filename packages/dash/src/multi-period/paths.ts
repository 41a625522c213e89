/**
 * Multi-period streaming paths (drm-events.md §12.5), parsed as pure functions; anything else is
 * null (404).
 */
import type { SegmentAddress } from '../segments/plan.js';

export type MpsPath =
  | { kind: 'manifest'; mode: 'live' | 'vod'; name: string; template: string }
  | { kind: 'patch'; name: string; template: string; publish: string }
  | { kind: 'period-prefix'; mode: 'live' | 'vod'; name: string; periodId: string }
  | {
      kind: 'segment';
      mode: 'live' | 'vod';
      name: string;
      periodId: string;
      /** `bu{i}` prefix (§10.8), null without one. */
      baseUrlIndex: number | null;
      rep: string;
      ext: 'mp4' | 'm4v' | 'm4a' | 'm4s';
      address: SegmentAddress;
    };

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{2,61}$/;
const PERIOD_ID = /^[A-Za-z0-9_.-]{1,80}$/;
const REP = /^[A-Za-z0-9._-]{1,200}$/;
const EXT = /^(.+)\.(mp4|m4v|m4a|m4s)$/;

export function parseMpsPath(pathname: string): MpsPath | null {
  const parts = pathname.split('/');
  if (parts[0] !== '' || parts[1] !== 'mps') return null;
  const [, , modeText, name, periodId, ...rest] = parts;
  if (modeText === 'patch') {
    const [template, publish] = [periodId, rest[0]];
    return name &&
      NAME.test(name) &&
      template &&
      /^[A-Za-z0-9_]{1,64}$/.test(template) &&
      publish &&
      rest.length === 1
      ? { kind: 'patch', name, template, publish }
      : null;
  }
  if ((modeText !== 'live' && modeText !== 'vod') || !name || !NAME.test(name)) return null;
  const mode = modeText;
  if (periodId === undefined || periodId === '') return null;
  if (rest.length === 0) {
    const template = periodId.endsWith('.mpd') ? periodId.slice(0, -4) : periodId;
    return /^[A-Za-z0-9_]{1,64}$/.test(template) ? { kind: 'manifest', mode, name, template } : null;
  }
  if (!PERIOD_ID.test(periodId)) return null;
  if (rest.length === 1 && rest[0] === '') return { kind: 'period-prefix', mode, name, periodId };
  let baseUrlIndex: number | null = null;
  let segs = rest;
  const bu = /^bu([0-7])$/.exec(segs[0] ?? '');
  if (bu && segs.length > 1) {
    baseUrlIndex = Number(bu[1]);
    segs = segs.slice(1);
  }
  const rep = segs[0] ?? '';
  if (!REP.test(rep)) return null;
  // `{rep}/init.{ext}` or `{rep}/time/{t}.{ext}`
  const file = segs.length === 2 ? segs[1]! : segs.length === 3 && segs[1] === 'time' ? segs[2]! : '';
  const m = EXT.exec(file);
  if (!m) return null;
  let address: SegmentAddress;
  if (segs.length === 2 && m[1] === 'init') address = { kind: 'init' };
  else if (segs.length === 3 && /^[0-9]{1,20}$/.test(m[1]!)) address = { kind: 'time', time: BigInt(m[1]!) };
  else return null;
  return { kind: 'segment', mode, name, periodId, baseUrlIndex, rep, ext: m[2] as 'mp4', address };
}
