/**
 * Track languages: the packed ISO-639-2/T code of mdhd (ISO/IEC 14496-12 §8.4.2.3, three
 * 5-bit letters offset by 0x60) and BCP-47 tags of elng (§8.4.6).
 */
const TWO_TO_THREE: Record<string, string> = {
  ar: 'ara',
  da: 'dan',
  de: 'deu',
  el: 'ell',
  en: 'eng',
  es: 'spa',
  fi: 'fin',
  fr: 'fra',
  he: 'heb',
  hi: 'hin',
  hu: 'hun',
  it: 'ita',
  ja: 'jpn',
  ko: 'kor',
  nl: 'nld',
  no: 'nor',
  nb: 'nob',
  pl: 'pol',
  pt: 'por',
  ru: 'rus',
  sv: 'swe',
  tr: 'tur',
  zh: 'zho',
  cs: 'ces',
  cy: 'cym',
  ga: 'gle',
  gd: 'gla',
};

/** 'en' → 'eng', 'en-GB' → 'eng', 'fra' → 'fra'; 'und' when not known. */
export function toIso639_2(tag: string): string {
  const primary = tag.split('-')[0]!.toLowerCase();
  if (/^[a-z]{3}$/.test(primary)) return primary;
  return TWO_TO_THREE[primary] ?? 'und';
}

export function packLanguage(code: string): number {
  const c = /^[a-z]{3}$/.test(code) ? code : 'und';
  return ((c.charCodeAt(0) - 0x60) << 10) | ((c.charCodeAt(1) - 0x60) << 5) | (c.charCodeAt(2) - 0x60);
}

/** The three letters of a packed mdhd language; null when a letter is outside a–z. */
export function unpackLanguage(packed: number): string | null {
  let s = '';
  for (const shift of [10, 5, 0]) {
    const v = ((packed >> shift) & 0x1f) + 0x60;
    if (v < 0x61 || v > 0x7a) return null;
    s += String.fromCharCode(v);
  }
  return s;
}

/** A loose BCP-47 shape check (RFC 5646 §2.1): letters, digits and hyphens in short subtags. */
export function isLanguageTag(tag: string): boolean {
  return /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/.test(tag);
}
