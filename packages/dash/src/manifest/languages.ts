/** Primary language subtags, comparing ISO 639-2 codes with their ISO 639-1 forms. */
const TWO_LETTER: Record<string, string> = {
  eng: 'en',
  fra: 'fr',
  fre: 'fr',
  deu: 'de',
  ger: 'de',
  spa: 'es',
  cym: 'cy',
  wel: 'cy',
  gla: 'gd',
  gle: 'ga',
  pol: 'pl',
  gre: 'el',
  ell: 'el',
  ita: 'it',
  nld: 'nl',
  dut: 'nl',
  por: 'pt',
  jpn: 'ja',
  zho: 'zh',
  chi: 'zh',
  rus: 'ru',
  swe: 'sv',
  nor: 'no',
  dan: 'da',
  fin: 'fi',
};

export function primaryLanguage(tag: string | null | undefined): string | null {
  if (!tag) return null;
  const p = (tag.split('-')[0] ?? '').toLowerCase();
  return TWO_LETTER[p] ?? p;
}

export function sameLanguage(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = primaryLanguage(a);
  return x !== null && x === primaryLanguage(b);
}
