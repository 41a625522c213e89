/** xs:duration and xs:dateTime values of MPD attributes (ISO/IEC 23009-1 5.3.1.2, XML Schema 2). */

const DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Seconds, or undefined when the text is not an xs:duration (years 365 d, months 30 d). */
export function parseXsDuration(text: string): number | undefined {
  const m = DURATION.exec(text.trim());
  if (!m || text.trim().endsWith('T') || !/\d/.test(text)) return undefined;
  const n = (k: number): number => (m[k] ? Number(m[k]) : 0);
  const s = n(2) * 365 * 86400 + n(3) * 30 * 86400 + n(4) * 86400 + n(5) * 3600 + n(6) * 60 + n(7);
  return m[1] ? -s : s;
}

const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

/** Milliseconds since the epoch; a value without zone is read as UTC (the common practice). */
export function parseXsDateTime(text: string): number | undefined {
  const t = text.trim();
  if (!DATE_TIME.test(t)) return undefined;
  const ms = Date.parse(/Z|[+-]\d{2}:\d{2}$/.test(t) ? t : `${t}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** ISO 8601 date-times including week dates (`2025-W09-6T12:10:02Z`), as time sources serve. */
export function parseIsoDateTime(text: string): number | undefined {
  const t = text.trim();
  const week = /^(\d{4})-?W(\d{2})-?(\d)T(\d{2}):?(\d{2}):?(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$/.exec(t);
  if (week) {
    const [, y, w, d, hh, mm, ss, zone] = week;
    // ISO week 1 holds the year's first Thursday; its Monday is 4 Jan minus (weekday − 1)
    const jan4 = Date.UTC(Number(y), 0, 4);
    const jan4Day = (new Date(jan4).getUTCDay() + 6) % 7;
    const monday = jan4 - jan4Day * 86400_000;
    const dayMs = monday + ((Number(w) - 1) * 7 + Number(d) - 1) * 86400_000;
    const timeMs = (Number(hh) * 3600 + Number(mm) * 60 + Number(ss)) * 1000;
    return dayMs + timeMs - zoneOffsetMs(zone);
  }
  return parseXsDateTime(t) ?? (Number.isNaN(Date.parse(t)) ? undefined : Date.parse(t));
}

function zoneOffsetMs(zone: string | undefined): number {
  if (!zone || zone === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(zone)!;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
}

/** `960 ticks (4 s)` as messages give times (validator.md §1). */
export function ticks(value: number, timescale: number): string {
  const s = value / timescale;
  return `${value} ticks (${Number.isInteger(s) ? s : s.toFixed(3)} s)`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
