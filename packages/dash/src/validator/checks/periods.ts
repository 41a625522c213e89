/** §4.3 Periods (ISO/IEC 23009-1 5.3.2) and the id uniqueness rules of 5.3.3.2 and 5.3.5.2. */
import { attr } from '../xml.js';
import { report, type ManifestContext } from './context.js';

const TOLERANCE_S = 0.2;

export function checkPeriods(ctx: ManifestContext): void {
  const { mpd } = ctx;
  const ids = new Set<string>();
  let previous: (typeof mpd.periods)[number] | undefined;
  let total = 0;
  for (const p of mpd.periods) {
    if (p.id === null) {
      if (mpd.type === 'dynamic')
        report(ctx, 'PER_ID_LIVE', p.el, 'a Period of a dynamic MPD has no @id', p.path);
    } else if (ids.has(p.id)) report(ctx, 'PER_ID_UNIQUE', p.el, `Period id "${p.id}" is used twice`, p.path);
    else ids.add(p.id);
    const hasStart = attr(p.el, 'start') !== undefined;
    if (p.index === 0 && mpd.type === 'static' && p.start !== undefined && p.start !== 0)
      report(ctx, 'PER_START_FIRST', p.el, `the first Period starts at ${p.start} s, not 0`, p.path);
    if (previous) {
      if (!hasStart && previous.duration === undefined)
        report(
          ctx,
          'PER_START_ORDER',
          p.el,
          'a Period without @start follows a Period without @duration (early-available Period)',
          p.path,
        );
      if (previous.start !== undefined && p.start !== undefined) {
        if (p.start <= previous.start)
          report(
            ctx,
            'PER_START_ORDER',
            p.el,
            `Period@start ${p.start} s does not follow the previous ${previous.start} s`,
            p.path,
          );
        else if (previous.duration !== undefined) {
          const gap = p.start - (previous.start + previous.duration);
          if (Math.abs(gap) > TOLERANCE_S)
            report(
              ctx,
              'PER_CONTINUITY',
              p.el,
              `Period starts ${p.start} s but the previous ends at ${previous.start + previous.duration} s (${gap > 0 ? 'gap' : 'overlap'} of ${Math.abs(gap).toFixed(3)} s)`,
              p.path,
            );
        }
      }
    }
    if (p.adaptationSets.length === 0)
      report(ctx, 'PER_SETS', p.el, 'the Period has no AdaptationSet', p.path);
    const setIds = new Set<string>();
    const repIds = new Set<string>();
    for (const s of p.adaptationSets) {
      if (s.id !== null) {
        if (setIds.has(s.id))
          report(
            ctx,
            'PER_AS_ID_UNIQUE',
            s.el,
            `AdaptationSet id "${s.id}" is used twice in the Period`,
            s.path,
          );
        setIds.add(s.id);
      }
      for (const r of s.representations) {
        if (r.id !== '' && repIds.has(r.id))
          report(
            ctx,
            'PER_REP_ID_UNIQUE',
            r.el,
            `Representation id "${r.id}" is used twice in the Period`,
            r.path,
          );
        repIds.add(r.id);
      }
    }
    if (p.duration !== undefined) total += p.duration;
    previous = p;
  }
  if (mpd.type === 'static' && mpd.mediaPresentationDuration !== undefined && mpd.periods.length) {
    const last = mpd.periods.at(-1)!;
    const end =
      last.start !== undefined && last.duration !== undefined ? last.start + last.duration : undefined;
    if (end !== undefined && Math.abs(end - mpd.mediaPresentationDuration) > TOLERANCE_S)
      report(
        ctx,
        'PER_TOTAL',
        last.el,
        `the Periods end at ${end} s but @mediaPresentationDuration is ${mpd.mediaPresentationDuration} s`,
        last.path,
      );
    void total;
  }
}
