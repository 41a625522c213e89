/**
 * §4.7 content protection in the MPD (ISO/IEC 23009-1 5.8.4.1, ISO/IEC 23001-7 8.1); the checks
 * against init segments (CP_STATE, scheme and default KID equal to schm/tenc) are in init.ts.
 */
import type { Element } from '@xmldom/xmldom';
import { parseBoxes, pssh as psshEntry, type PsshFields } from '@loopcast/bmff';
import { MP4_PROTECTION_SCHEME, SYSTEM_IDS } from '../../drm/systems.js';
import { parsePlayReadyObject } from '../decode/playready.js';
import { parseWidevineData } from '../decode/widevine.js';
import type { AdaptationSetModel } from '../mpd.js';
import { attr, children, textOf } from '../xml.js';
import { report, type ManifestContext } from './context.js';

export const MP4_PROTECTION = MP4_PROTECTION_SCHEME;
export const SYSTEMS = SYSTEM_IDS;
/** validator.md §4.7 knows FairPlay too, which loopcast itself never signals. */
const FAIRPLAY = '94ce86fb07ff4f43adb893d2fa968ca2';
const KNOWN = new Set<string>([...Object.values(SYSTEMS), FAIRPLAY]);
const CENC_NS = 'urn:mpeg:cenc:2013';

export const normaliseKid = (v: string): string => v.replace(/-/g, '').toLowerCase();
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

function byLocalName(el: Element, name: string): Element[] {
  const out: Element[] = [];
  for (const c of children(el)) if (c.localName === name) out.push(c);
  return out;
}

/** The protection facts of a set's descriptors, for the init cross-checks. */
export interface SetProtection {
  scheme?: string;
  defaultKid?: string;
  descriptor?: Element;
}

export function setProtection(elements: readonly Element[]): SetProtection {
  const mp4 = elements.find((e) => attr(e, 'schemeIdUri')?.toLowerCase() === MP4_PROTECTION);
  if (!mp4) return {};
  const out: SetProtection = { descriptor: mp4 };
  const value = attr(mp4, 'value');
  if (value !== undefined) out.scheme = value;
  const kid = mp4.getAttributeNS(CENC_NS, 'default_KID') || attr(mp4, 'cenc:default_KID');
  if (kid) out.defaultKid = normaliseKid(kid);
  return out;
}

function parsePsshText(text: string): { ok: true; box: PsshFields } | { ok: false; reason: string } {
  const bytes = Buffer.from(text, 'base64');
  if (
    bytes.length === 0 ||
    bytes.toString('base64').replace(/=+$/, '') !== text.replace(/\s+/g, '').replace(/=+$/, '')
  )
    return { ok: false, reason: 'is not base64' };
  try {
    const boxes = parseBoxes(bytes);
    if (boxes.length !== 1 || boxes[0]!.type !== 'pssh')
      return { ok: false, reason: `holds ${boxes.map((b) => b.type).join(', ')}, not exactly one pssh box` };
    const box = boxes[0]!.get(psshEntry);
    if (box.version > 1) return { ok: false, reason: `is a pssh of version ${box.version}` };
    return { ok: true, box };
  } catch (err) {
    return { ok: false, reason: `does not parse as a box (${(err as Error).message})` };
  }
}

function checkPlayReadyData(
  ctx: ManifestContext,
  el: Element,
  data: Uint8Array,
  what: string,
  defaultKid: string | undefined,
  path: string,
): string | undefined {
  const r = parsePlayReadyObject(data);
  if (!r.ok) {
    report(ctx, 'CP_PLAYREADY', el, `${what}: ${r.reason}`, path);
    return undefined;
  }
  for (const h of r.pro.headers) {
    if (!h.version || !/^4\.[0-3]\.0\.0$/.test(h.version))
      report(
        ctx,
        'CP_PLAYREADY',
        el,
        `${what}: WRMHEADER version ${h.version ?? '(none)'} is not 4.0–4.3`,
        path,
      );
    if (defaultKid && !h.kids.includes(defaultKid))
      report(
        ctx,
        'CP_PLAYREADY',
        el,
        `${what}: the WRMHEADER KIDs (${h.kids.join(', ') || 'none'}) do not include the default KID ${defaultKid}`,
        path,
      );
    if (h.laUrl !== undefined && !/^https?:\/\/\S+$/.test(h.laUrl))
      report(ctx, 'CP_PLAYREADY', el, `${what}: LA_URL "${h.laUrl}" is not an absolute URL`, path);
  }
  return Buffer.from(data).toString('base64');
}

function checkDescriptor(ctx: ManifestContext, cp: Element, prot: SetProtection, path: string): void {
  const scheme = (attr(cp, 'schemeIdUri') ?? '').toLowerCase();
  if (scheme === MP4_PROTECTION) {
    const v = attr(cp, 'value');
    if (!['cenc', 'cbcs', 'cens', 'cbc1'].includes(v ?? ''))
      report(
        ctx,
        'CP_MP4PROTECTION',
        cp,
        `mp4protection @value "${v ?? ''}" is not cenc, cbcs, cens or cbc1`,
        path,
      );
    const kid = cp.getAttributeNS(CENC_NS, 'default_KID') || attr(cp, 'cenc:default_KID');
    if (!kid) report(ctx, 'CP_DEFAULT_KID', cp, 'the mp4protection descriptor has no cenc:default_KID', path);
    else if (!UUID.test(kid))
      report(ctx, 'CP_DEFAULT_KID', cp, `cenc:default_KID "${kid}" is not a UUID`, path);
    return;
  }
  const m = /^urn:uuid:([0-9a-f-]{36})$/.exec(scheme);
  if (!m || !UUID.test(m[1]!)) {
    report(
      ctx,
      'CP_SCHEME',
      cp,
      `ContentProtection@schemeIdUri "${attr(cp, 'schemeIdUri') ?? ''}" is neither mp4protection nor urn:uuid:<UUID>`,
      path,
    );
    return;
  }
  const system = normaliseKid(m[1]!);
  const isPlayReady = system === SYSTEMS.playready || system === SYSTEMS.playreadyLegacy;
  if (!KNOWN.has(system))
    report(ctx, 'CP_SYSTEM_UNKNOWN', cp, `DRM system ${m[1]} is not one the validator knows`, path);
  let psshPro: string | undefined;
  for (const p of byLocalName(cp, 'pssh')) {
    const parsed = parsePsshText(textOf(p));
    if (!parsed.ok) {
      report(ctx, 'CP_PSSH', p, `cenc:pssh ${parsed.reason}`, path);
      continue;
    }
    const box = parsed.box;
    const boxSystem = box.systemId === SYSTEMS.playreadyLegacy ? SYSTEMS.playready : box.systemId;
    const want = system === SYSTEMS.playreadyLegacy ? SYSTEMS.playready : system;
    if (boxSystem !== want)
      report(
        ctx,
        'CP_PSSH',
        p,
        `the pssh SystemID ${box.systemId} differs from the descriptor's ${system}`,
        path,
      );
    if (box.version === 1 && prot.defaultKid && !box.kids.includes(prot.defaultKid))
      report(
        ctx,
        'CP_PSSH',
        p,
        `the version-1 pssh KIDs (${box.kids.join(', ')}) do not list the default KID ${prot.defaultKid}`,
        path,
      );
    if (isPlayReady)
      psshPro = checkPlayReadyData(ctx, p, box.data, 'the PlayReady pssh data', prot.defaultKid, path);
    if (system === SYSTEMS.widevine) {
      const wv = parseWidevineData(box.data);
      if (!wv.ok) report(ctx, 'CP_WIDEVINE', p, `the Widevine pssh data does not parse: ${wv.reason}`, path);
      else {
        if (wv.data.keyIds.length && prot.defaultKid && !wv.data.keyIds.includes(prot.defaultKid))
          report(
            ctx,
            'CP_WIDEVINE',
            p,
            `the Widevine key_ids (${wv.data.keyIds.join(', ')}) do not include the default KID ${prot.defaultKid}`,
            path,
          );
        if (wv.data.protectionScheme && prot.scheme && wv.data.protectionScheme !== prot.scheme)
          report(
            ctx,
            'CP_WIDEVINE',
            p,
            `Widevine protection_scheme "${wv.data.protectionScheme}" differs from mp4protection "${prot.scheme}"`,
            path,
          );
      }
    }
    if (system === SYSTEMS.common && prot.defaultKid && !box.kids.includes(prot.defaultKid))
      report(
        ctx,
        'CP_CLEARKEY',
        p,
        `the W3C common pssh does not list the default KID ${prot.defaultKid}`,
        path,
      );
  }
  if (isPlayReady) {
    for (const pro of byLocalName(cp, 'pro')) {
      const b64 = textOf(pro);
      const own = checkPlayReadyData(ctx, pro, Buffer.from(b64, 'base64'), 'mspr:pro', prot.defaultKid, path);
      if (own && psshPro && own !== psshPro)
        report(
          ctx,
          'CP_PLAYREADY_MATCH',
          pro,
          'mspr:pro and the PlayReady pssh hold different objects',
          path,
        );
    }
  }
  if (system === SYSTEMS.clearkey) {
    const laurl = byLocalName(cp, 'Laurl')[0];
    const u = laurl ? textOf(laurl) : '';
    if (!/^https?:\/\/\S+$/.test(u))
      report(
        ctx,
        'CP_CLEARKEY',
        cp,
        laurl ? `ClearKey Laurl "${u}" is not an absolute URL` : 'ClearKey without a Laurl',
        path,
      );
  }
  if (system === SYSTEMS.marlin) {
    for (const id of cp.getElementsByTagNameNS('*', 'MarlinContentId')) {
      const v = textOf(id);
      const mm = /^urn:marlin:kid:([0-9a-f]{32})$/i.exec(v);
      if (!mm)
        report(ctx, 'CP_MARLIN', id, `MarlinContentId "${v}" is not urn:marlin:kid: + 32 hex digits`, path);
      else if (prot.defaultKid && mm[1]!.toLowerCase() !== prot.defaultKid)
        report(
          ctx,
          'CP_MARLIN',
          id,
          `MarlinContentId names KID ${mm[1]}, not the set's ${prot.defaultKid}`,
          path,
        );
    }
  }
}

function checkSet(ctx: ManifestContext, set: AdaptationSetModel): void {
  const groups: { el: Element; path: string; cps: Element[] }[] = [
    { el: set.el, path: set.path, cps: children(set.el, 'ContentProtection') },
    ...set.representations.map((r) => ({ el: r.el, path: r.path, cps: children(r.el, 'ContentProtection') })),
  ];
  for (const g of groups) {
    if (g.cps.length === 0) continue;
    const prot = setProtection(g.cps);
    if (!prot.descriptor)
      report(
        ctx,
        'CP_MP4PROTECTION',
        g.el,
        'ContentProtection is present without the mp4protection descriptor',
        g.path,
      );
    for (const cp of g.cps) checkDescriptor(ctx, cp, prot, g.path);
  }
  if (ctx.encrypted) {
    const av =
      set.contentType === 'video' ||
      set.contentType === 'audio' ||
      /^(video|audio)\//.test(set.mimeType ?? '');
    if (av && set.representations.some((r) => r.contentProtection.length === 0))
      report(
        ctx,
        'CP_EXPECTED',
        set.el,
        `the ${set.contentType ?? set.mimeType ?? ''} AdaptationSet is not protected`,
        set.path,
      );
  }
}

export function checkProtection(ctx: ManifestContext): void {
  for (const p of ctx.mpd.periods) for (const s of p.adaptationSets) checkSet(ctx, s);
}
