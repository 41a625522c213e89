/** `xs:duration` and `xs:dateTime` text in the forms of dash.md §1. */
export { formatDateTime } from '../options/codec.js';

/** `PT[<h>H][<m>M]<s>[.<fff>]S` from whole milliseconds (1800000 → `PT30M0S`, 1500 → `PT1.5S`). */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3600000);
  const m = Math.floor((total % 3600000) / 60000);
  const rest = total % 60000;
  const s = Math.floor(rest / 1000);
  const frac = rest % 1000;
  const sec = frac === 0 ? String(s) : `${s}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
  return `PT${h > 0 ? `${h}H` : ''}${h > 0 || m > 0 ? `${m}M` : ''}${sec}S`;
}
