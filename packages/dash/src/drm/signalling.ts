/**
 * The DRM block of an encrypted AdaptationSet (drm-events.md §4): the common ContentProtection,
 * then Marlin, PlayReady and ClearKey, as a typed model the templates render with one partial.
 */
import type { Options } from '../options/registry.js';
import type { OptionIssue } from '../options/row.js';
import type { StreamFile, StreamModel } from '../stream.js';
import { KeyMaterial } from './key-material.js';
import {
  choosePlayReady,
  expandLaUrl,
  PLAYREADY_TEST_LA_URL,
  playReadyObject,
  playReadyPssh,
  playReadySchemeUri,
  proTooLarge,
  wrmHeader,
} from './playready.js';
import { commonPssh } from './pssh.js';
import type { Protection } from './served.js';
import { MP4_PROTECTION_SCHEME, SYSTEM_IDS, uuidUrn, type KeySetEntry } from './systems.js';
import { widevinePssh } from './widevine.js';

export interface XmlChild {
  /** Qualified name, e.g. `cenc:pssh`. */
  name: string;
  /** A namespace declaration written on this element. */
  xmlns?: { prefix: string; uri: string };
  attrs?: [string, string][];
  /** Text content, or child elements (one level, for Marlin's content id list). */
  text?: string;
  children?: XmlChild[];
}

export interface ContentProtectionModel {
  schemeIdUri: string;
  value?: string;
  /** UUID form, written as `cenc:default_KID`. */
  defaultKid?: string;
  xmlns?: { prefix: string; uri: string };
  children: XmlChild[];
}

const DASHIF_CPS = 'https://dashif.org/CPS';

type DrmOptions = Pick<
  Options,
  | 'drm'
  | 'clearkey__la_url'
  | 'playready__la_url'
  | 'playready__version'
  | 'playready__header'
  | 'widevine__la_url'
>;

/** §4.1: the default KID first, then the rest of the set's KIDs in ascending hex. */
export function keySetOf(
  files: readonly StreamFile[],
  protection: Protection,
  stream: StreamModel,
): KeySetEntry[] {
  let kids: string[];
  if (protection.kind === 'otf') kids = [protection.kid];
  else {
    const first = files[0]?.index.encryption?.defaultKid;
    const all = new Set(files.flatMap((f) => f.index.encryption?.kids ?? []).map(hexOf));
    const def = first !== undefined ? hexOf(first) : [...all].sort()[0];
    if (def === undefined) return [];
    all.delete(def);
    kids = [def, ...[...all].sort()];
  }
  return kids.map((kid) => {
    const stored = stream.keys[kid];
    const alg =
      protection.kind === 'otf' && protection.scheme === 'cbcs' ? 'AESCBC' : (stored?.alg ?? 'AESCTR');
    return { kid, key: stored?.key ? stored.key : null, alg, computed: stored?.computed ?? false };
  });
}

/** The mp4protection `@value` (§4.1): the on-the-fly scheme or the files' own. */
function schemeOf(files: readonly StreamFile[], protection: Protection): string {
  return protection.kind === 'otf' ? protection.scheme : (files[0]?.index.encryption?.scheme ?? 'cenc');
}

const hexOf = (kid: string): string => kid.replace(/-/g, '').toLowerCase();

export interface DrmBlockInput {
  files: readonly StreamFile[];
  protection: Protection;
  stream: StreamModel;
  options: DrmOptions;
  /** Scheme and host for loopcast's own `/clearkey` URL. */
  origin: string;
}

/** The set's DRM block, an empty list for clear sets, or the 400 issues of §6.2 and §6.5. */
export function drmBlock(input: DrmBlockInput): ContentProtectionModel[] | OptionIssue[] {
  const { protection, options } = input;
  if (protection.kind === 'clear' || options.drm.length === 0) return [];
  const keys = keySetOf(input.files, protection, input.stream);
  const def = keys[0];
  if (!def) return [];
  const scheme = schemeOf(input.files, protection);
  const defaultKid = KeyMaterial.parse(def.kid).uuid();
  const out: ContentProtectionModel[] = [
    { schemeIdUri: MP4_PROTECTION_SCHEME, value: scheme, defaultKid, children: [] },
  ];
  const locations = (system: string) => options.drm.find((d) => d.system === system)?.locations ?? null;
  // §4.5 order: common, Marlin, PlayReady, (Widevine), ClearKey.
  if (locations('marlin')) {
    out.push({
      schemeIdUri: uuidUrn(SYSTEM_IDS.marlin),
      xmlns: { prefix: 'mas', uri: 'urn:marlin:mas:1-0:services:schemas:mpd' },
      children: [
        {
          name: 'mas:MarlinContentIds',
          children: keys.map((k) => ({ name: 'mas:MarlinContentId', text: `urn:marlin:kid:${k.kid}` })),
        },
      ],
    });
  }
  const pr = locations('playready');
  if (pr) {
    const choice = choosePlayReady(keys, options.playready__header, options.playready__version);
    if ('reason' in choice)
      return [{ param: 'playready__header', value: options.playready__header ?? '', reason: choice.reason }];
    const template = options.playready__la_url ?? input.stream.playreadyLaUrl ?? PLAYREADY_TEST_LA_URL;
    const pro = playReadyObject(wrmHeader(keys, choice.header, expandLaUrl(template, keys)));
    if (proTooLarge(pro))
      return [
        {
          param: 'playready__la_url',
          value: options.playready__la_url ?? '',
          reason: 'expected a shorter URL: the PlayReady Object would exceed 15 KB',
        },
      ];
    const children: XmlChild[] = [];
    if (pr.includes('cenc') && choice.version !== '1.0')
      children.push({ name: 'cenc:pssh', text: playReadyPssh(keys, pro).toString('base64') });
    if (pr.includes('pro')) children.push({ name: 'mspr:pro', text: pro.toString('base64') });
    out.push({
      schemeIdUri: playReadySchemeUri(choice.version),
      value: 'MSPR 2.0',
      defaultKid,
      xmlns: { prefix: 'mspr', uri: 'urn:microsoft:playready' },
      children,
    });
  }
  const wv = locations('widevine');
  if (wv) {
    // §4.6: cenc:pssh only with location cenc, dashif:Laurl only when the option is given.
    const children: XmlChild[] = [];
    if (wv.includes('cenc'))
      children.push({ name: 'cenc:pssh', text: widevinePssh(keys, scheme).toString('base64') });
    if (options.widevine__la_url)
      children.push({
        name: 'dashif:Laurl',
        xmlns: { prefix: 'dashif', uri: DASHIF_CPS },
        attrs: [['licenseType', 'EME-1.0']],
        text: options.widevine__la_url,
      });
    out.push({ schemeIdUri: uuidUrn(SYSTEM_IDS.widevine), value: 'Widevine', children });
  }
  const ck = locations('clearkey');
  if (ck) {
    const url = clearKeyLicenceUrl(options, input.origin);
    out.push({
      schemeIdUri: uuidUrn(SYSTEM_IDS.clearkey),
      value: 'ClearKey1.0',
      children: [
        {
          name: 'clearkey:Laurl',
          xmlns: { prefix: 'clearkey', uri: 'http://dashif.org/guidelines/clearKey' },
          attrs: [['Lic_type', 'EME-1.0']],
          text: url,
        },
        {
          name: 'dashif:Laurl',
          xmlns: { prefix: 'dashif', uri: DASHIF_CPS },
          attrs: [['licenseType', 'EME-1.0']],
          text: url,
        },
      ],
    });
    if (ck.includes('cenc')) {
      out.push({
        schemeIdUri: uuidUrn(SYSTEM_IDS.common),
        children: [{ name: 'cenc:pssh', text: commonPssh(keys.map((k) => k.kid)).toString('base64') }],
      });
    }
  }
  return out;
}

/** §4.2: the option, else loopcast's own licence server. */
export function clearKeyLicenceUrl(options: Pick<Options, 'clearkey__la_url'>, origin: string): string {
  return options.clearkey__la_url ?? `${origin}/clearkey`;
}

/** §7: the pssh boxes appended to `moov` of an encrypted Representation's init segment. */
export function initPsshBoxes(
  files: readonly StreamFile[],
  protection: Protection,
  stream: StreamModel,
  options: DrmOptions,
): Buffer[] {
  if (protection.kind === 'clear') return [];
  const keys = keySetOf(files, protection, stream);
  if (keys.length === 0) return [];
  const has = (system: string) =>
    options.drm.find((d) => d.system === system)?.locations.includes('moov') ?? false;
  const out: Buffer[] = [];
  if (has('clearkey')) out.push(commonPssh(keys.map((k) => k.kid)));
  if (has('playready')) {
    const choice = choosePlayReady(keys, options.playready__header, options.playready__version);
    if (!('reason' in choice)) {
      const template = options.playready__la_url ?? stream.playreadyLaUrl ?? PLAYREADY_TEST_LA_URL;
      out.push(
        playReadyPssh(keys, playReadyObject(wrmHeader(keys, choice.header, expandLaUrl(template, keys)))),
      );
    }
  }
  if (has('widevine')) out.push(widevinePssh(keys, schemeOf(files, protection)));
  return out;
}
