/** §4.8 events in the MPD: EventStream and InbandEventStream (ISO/IEC 23009-1 5.10; SCTE 214-1). */
import { XMLSerializer } from '@xmldom/xmldom';
import { parseSpliceInfo } from '../decode/scte35.js';
import { periodEnd } from '../plan.js';
import { attr, children, textOf } from '../xml.js';
import { report, type ManifestContext } from './context.js';

export const SCTE35_XML_BIN = 'urn:scte:scte35:2014:xml+bin';
export const SCTE35_BIN = 'urn:scte:scte35:2013:bin';
const NON_NEG_INT = /^\d+$/;

export function checkEvents(ctx: ManifestContext): void {
  const { mpd } = ctx;
  for (const period of mpd.periods) {
    const path = period.path;
    for (const es of period.eventStreams) {
      const scheme = attr(es, 'schemeIdUri');
      if (!scheme) report(ctx, 'EV_SCHEME', es, 'EventStream has no @schemeIdUri', path);
      if (scheme === SCTE35_BIN)
        report(
          ctx,
          'EV_MPD_BIN_SCHEME',
          es,
          `an MPD EventStream uses the in-band-only scheme ${SCTE35_BIN}`,
          path,
        );
      const tsText = attr(es, 'timescale');
      if (tsText !== undefined && !/^[1-9]\d*$/.test(tsText))
        report(ctx, 'EV_TIMESCALE', es, `EventStream@timescale "${tsText}" is not a positive integer`, path);
      const ts = tsText !== undefined && /^[1-9]\d*$/.test(tsText) ? Number(tsText) : 1;
      const pto = Number(attr(es, 'presentationTimeOffset') ?? 0) || 0;
      const byId = new Map<string, string>();
      for (const ev of children(es, 'Event')) {
        const hasChildren = children(ev).length > 0;
        if (hasChildren && attr(ev, 'messageData') !== undefined)
          report(ctx, 'EV_EVENT', ev, 'an Event with child elements also has @messageData', path);
        const enc = attr(ev, 'contentEncoding');
        if (enc !== undefined && enc !== 'base64')
          report(ctx, 'EV_EVENT', ev, `Event@contentEncoding "${enc}" is not base64`, path);
        for (const a of ['presentationTime', 'duration']) {
          const v = attr(ev, a);
          if (v !== undefined && !NON_NEG_INT.test(v))
            report(ctx, 'EV_EVENT', ev, `Event@${a} "${v}" is not a non-negative integer`, path);
        }
        const pt = Number(attr(ev, 'presentationTime') ?? 0);
        const id = attr(ev, 'id');
        const data = (attr(ev, 'messageData') ?? '') + new XMLSerializer().serializeToString(ev);
        if (id !== undefined) {
          const before = byId.get(id);
          if (before !== undefined && before !== data)
            report(ctx, 'EV_EVENT_ID', ev, `two Events with id ${id} carry different data`, path);
          byId.set(id, data);
        }
        const rel = (pt - pto) / ts;
        const len =
          period.start !== undefined ? (periodEnd(mpd, period) ?? Infinity) - period.start : Infinity;
        if (rel < 0 || rel >= len)
          report(
            ctx,
            'EV_EVENT_PERIOD',
            ev,
            `the Event starts at ${rel} s into its Period, outside it`,
            path,
          );
        if (scheme === SCTE35_XML_BIN) checkScte35Event(ctx, ev, ts, (period.start ?? 0) + rel, path);
      }
    }
    for (const set of period.adaptationSets)
      for (const el of [set.el, ...set.representations.map((r) => r.el)])
        for (const ies of children(el, 'InbandEventStream')) {
          if (!attr(ies, 'schemeIdUri'))
            report(ctx, 'EV_SCHEME', ies, 'InbandEventStream has no @schemeIdUri', set.path);
          if (children(ies, 'Event').length)
            report(ctx, 'EV_INBAND_NO_EVENTS', ies, 'an InbandEventStream holds Event elements', set.path);
        }
  }
}

function checkScte35Event(
  ctx: ManifestContext,
  ev: Parameters<typeof attr>[0],
  timescale: number,
  startS: number,
  path: string,
): void {
  const signal = children(ev).find((c) => c.localName === 'Signal');
  const binary = signal ? children(signal).find((c) => c.localName === 'Binary') : undefined;
  if (!binary) {
    report(ctx, 'EV_SCTE35_XML', ev, 'the SCTE-35 Event has no scte35:Signal/scte35:Binary', path);
    return;
  }
  const r = parseSpliceInfo(Buffer.from(textOf(binary), 'base64'));
  if (!r.ok) {
    report(ctx, 'EV_SCTE35_XML', binary, `the splice_info_section is invalid: ${r.reason}`, path);
    return;
  }
  const info = r.info;
  const dur = attr(ev, 'duration');
  if (info.breakDuration !== undefined && dur !== undefined) {
    const expected = (Number(dur) / timescale) * 90000;
    if (Math.abs(info.breakDuration - expected) > Math.max(1, 90000 / timescale))
      report(
        ctx,
        'EV_SCTE35_DURATION',
        ev,
        `break_duration ${info.breakDuration} (90 kHz) differs from Event@duration ${dur}/${timescale} s = ${Math.round(expected)}`,
        path,
      );
  }
  if (info.spliceTime !== undefined) {
    const expected = Math.floor(startS * 90000) % 2 ** 33;
    const got = (info.spliceTime + info.ptsAdjustment) % 2 ** 33;
    if (Math.abs(got - expected) > Math.max(1, 90000 / timescale))
      report(
        ctx,
        'EV_SCTE35_TIME',
        ev,
        `splice_time pts ${got} differs from the Event time ${expected} (90 kHz)`,
        path,
      );
  }
}
