/** §4.4 AdaptationSets and §4.5 Representations (ISO/IEC 23009-1 5.3.3–5.3.7). */
import type { Element } from '@xmldom/xmldom';
import { ROLES } from '../../multi-period/roles.js';
import type { AdaptationSetModel, PeriodModel } from '../mpd.js';
import { attr, children } from '../xml.js';
import { report, type ManifestContext } from './context.js';

const CONTENT_TYPES = ['text', 'image', 'audio', 'video', 'application', 'font'];
// RFC 5646 well-formedness, the common subset (language, script, region, variants, extensions)
const BCP47 =
  /^(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-(?:[A-Za-z0-9]{5,8}|\d[A-Za-z0-9]{3}))*(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*(?:-x(?:-[A-Za-z0-9]{1,8})+)?$|^x(?:-[A-Za-z0-9]{1,8})+$/;
const FRAME_RATE = /^[1-9]\d*(\/[1-9]\d*)?$/;
const PAR = /^[1-9]\d*:[1-9]\d*$/;

const frameRateValue = (v: string): number => {
  const [n, d] = v.split('/');
  return Number(n) / Number(d ?? 1);
};

function checkDescriptors(ctx: ManifestContext, el: Element, path: string): void {
  for (const name of [
    'Role',
    'Accessibility',
    'EssentialProperty',
    'SupplementalProperty',
    'AudioChannelConfiguration',
  ]) {
    for (const d of children(el, name)) {
      const scheme = attr(d, 'schemeIdUri');
      if (!scheme) report(ctx, 'AS_DESCRIPTOR', d, `${name} has no @schemeIdUri`, path);
      else if (
        name === 'Role' &&
        scheme === 'urn:mpeg:dash:role:2011' &&
        !(ROLES as readonly string[]).includes(attr(d, 'value') ?? '')
      )
        report(ctx, 'AS_DESCRIPTOR', d, `Role value "${attr(d, 'value') ?? ''}" is not a DASH role`, path);
    }
  }
}

function checkSet(ctx: ManifestContext, period: PeriodModel, set: AdaptationSetModel): void {
  const el = set.el;
  const path = set.path;
  const reps = set.representations;
  if (set.mimeType === undefined && reps.some((r) => attr(r.el, 'mimeType') === undefined))
    report(
      ctx,
      'AS_MIMETYPE',
      el,
      'AdaptationSet@mimeType is missing and not every Representation has one',
      path,
    );
  const ct = set.contentType;
  if (ct !== undefined) {
    if (!CONTENT_TYPES.includes(ct))
      report(ctx, 'AS_CONTENT_TYPE', el, `@contentType "${ct}" is not a DASH content type`, path);
    const top = set.mimeType?.split('/')[0];
    if (top && CONTENT_TYPES.includes(ct) && top !== ct && !(top === 'application' && ct === 'text'))
      report(
        ctx,
        'AS_CONTENT_TYPE',
        el,
        `@contentType "${ct}" disagrees with @mimeType "${set.mimeType}"`,
        path,
      );
    for (const cc of children(el, 'ContentComponent')) {
      const cct = attr(cc, 'contentType');
      if (cct !== undefined && el.getElementsByTagName('ContentComponent').length === 1 && cct !== ct)
        report(
          ctx,
          'AS_CONTENT_TYPE',
          cc,
          `ContentComponent@contentType "${cct}" differs from the set's "${ct}"`,
          path,
        );
    }
  }
  for (const e of [el, ...children(el, 'ContentComponent')]) {
    const lang = attr(e, 'lang');
    if (lang !== undefined && !BCP47.test(lang))
      report(ctx, 'AS_LANG', e, `@lang "${lang}" is not a BCP-47 tag`, path);
    const par = attr(e, 'par');
    if (par !== undefined && !PAR.test(par)) report(ctx, 'AS_PAR', e, `@par "${par}" is not n:m`, path);
  }
  for (const e of [el, ...reps.map((r) => r.el)])
    for (const a of ['frameRate', 'maxFrameRate', 'minFrameRate']) {
      const v = attr(e, a);
      if (v !== undefined && !FRAME_RATE.test(v))
        report(ctx, 'AS_FRAMERATE', e, `@${a} "${v}" is not N or N/D`, path);
    }
  const bound = (
    minA: string,
    maxA: string,
    value: (r: (typeof reps)[number]) => number | undefined,
  ): void => {
    const minV = attr(el, minA);
    const maxV = attr(el, maxA);
    for (const r of reps) {
      const v = value(r);
      if (v === undefined) continue;
      const min =
        minV === undefined ? undefined : minA.includes('Frame') ? frameRateValue(minV) : Number(minV);
      const max =
        maxV === undefined ? undefined : maxA.includes('Frame') ? frameRateValue(maxV) : Number(maxV);
      if (min !== undefined && v < min)
        report(ctx, 'AS_BOUNDS', r.el, `${r.id}: ${v} is below @${minA} ${minV}`, r.path);
      if (max !== undefined && v > max)
        report(ctx, 'AS_BOUNDS', r.el, `${r.id}: ${v} is above @${maxA} ${maxV}`, r.path);
    }
  };
  bound('minBandwidth', 'maxBandwidth', (r) => r.bandwidth);
  bound('minWidth', 'maxWidth', (r) => r.width);
  bound('minHeight', 'maxHeight', (r) => r.height);
  bound('minFrameRate', 'maxFrameRate', (r) =>
    r.frameRate && FRAME_RATE.test(r.frameRate) ? frameRateValue(r.frameRate) : undefined,
  );
  const sap = attr(el, 'startWithSAP');
  if (sap !== undefined && sap !== '1' && sap !== '2')
    report(ctx, 'AS_SAP', el, `@startWithSAP is ${sap}; players expect 1 or 2`, path);
  checkDescriptors(ctx, el, path);
  const live = ctx.mpd.profiles.includes('urn:mpeg:dash:profile:isoff-live:2011');
  for (const r of reps) {
    checkDescriptors(ctx, r.el, r.path);
    if (r.id === '') report(ctx, 'REP_ID', r.el, 'Representation@id is missing', r.path);
    else if (/\s/.test(r.id))
      report(ctx, 'REP_ID', r.el, `Representation@id "${r.id}" contains white space`, r.path);
    if (r.bandwidth === undefined || !(r.bandwidth > 0))
      report(
        ctx,
        'REP_BANDWIDTH',
        r.el,
        `Representation@bandwidth is ${attr(r.el, 'bandwidth') === undefined ? 'missing' : `"${attr(r.el, 'bandwidth')}", not positive`}`,
        r.path,
      );
    if (r.mimeType === undefined)
      report(ctx, 'REP_MIMETYPE', r.el, `${r.id}: no @mimeType on the Representation or its set`, r.path);
    if (r.codecs === undefined)
      report(ctx, 'REP_CODECS', r.el, `${r.id}: no @codecs on the Representation or its set`, r.path);
    if (r.contentType === 'video' && (r.width === undefined || r.height === undefined))
      report(ctx, 'REP_VIDEO_SIZE', r.el, `${r.id}: video without @width and @height`, r.path);
    if (r.contentType === 'audio' && r.audioSamplingRate === undefined)
      report(ctx, 'REP_AUDIO_RATE', r.el, `${r.id}: audio without @audioSamplingRate`, r.path);
    if (r.forms.length > 1)
      report(
        ctx,
        'REP_ADDRESSING',
        r.el,
        `${r.id}: several addressing forms apply (${r.forms.join(', ')})`,
        r.path,
      );
    if (live && !(r.addressing.kind === 'template' && r.addressing.initialization !== undefined))
      report(
        ctx,
        'REP_LIVE_TEMPLATE',
        r.el,
        `${r.id}: the isoff-live profile needs a SegmentTemplate with @initialization`,
        r.path,
      );
  }
  void period;
}

export function checkSets(ctx: ManifestContext): void {
  for (const p of ctx.mpd.periods) for (const s of p.adaptationSets) checkSet(ctx, p, s);
}
