/**
 * Value syntax shared by every setting (spec app.md §12.1): booleans, durations and sizes.
 * Each parser returns the value or throws a `SettingValueError` whose message says what is accepted.
 */

export class SettingValueError extends Error {}

const TRUE_WORDS = new Set(['true', '1', 'on', 'yes']);
const FALSE_WORDS = new Set(['false', '0', 'off', 'no']);

export function parseBoolean(raw: string): boolean {
  const word = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new SettingValueError('expected a boolean (true/false/1/0/on/off/yes/no)');
}

export function parseInteger(raw: string, min: number, max: number): number {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) throw new SettingValueError(`expected an integer from ${min} to ${max}`);
  const value = Number(text);
  if (value < min || value > max) throw new SettingValueError(`expected an integer from ${min} to ${max}`);
  return value;
}

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A number of seconds, or a number with ms/s/m/h/d. Returns milliseconds. */
export function parseDuration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) throw new SettingValueError('expected a duration: seconds, or a number with ms, s, m, h or d');
  const unit = match[2] ?? 's';
  return Math.round(Number(match[1]) * (DURATION_UNITS_MS[unit] ?? 1000));
}

const SIZE_UNITS: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/** A number of bytes, or a number with K, M, G (powers of 1024, optional iB/B). */
export function parseSize(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?$/i.exec(raw.trim());
  if (!match) throw new SettingValueError('expected a size: bytes, or a number with K, M or G');
  return Math.floor(Number(match[1]) * (SIZE_UNITS[(match[2] ?? '').toUpperCase()] ?? 1));
}
