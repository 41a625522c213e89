// index windows, sort keys and sort headers (daap.md §6.17).

import type { Item } from '../model/item.js';

/** A 0-based window: N, N-M, N-, -n. Undefined when absent or malformed (ignored, §6.3). */
export interface Window {
  readonly start: number;
  readonly end?: number; // inclusive
  readonly last?: number;
}

export function parseIndex(s: string | undefined): Window | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  let m = /^(\d{1,9})$/.exec(t);
  if (m) return { start: Number(m[1]), end: Number(m[1]) };
  m = /^(\d{1,9})-(\d{1,9})?$/.exec(t);
  if (m) {
    const start = Number(m[1]);
    if (m[2] === undefined) return { start };
    const end = Number(m[2]);
    return end < start ? { start } : { start, end };
  }
  m = /^-(\d{1,9})$/.exec(t);
  if (m) return { start: 0, last: Number(m[1]) };
  return undefined;
}

export function applyWindow<T>(
  rows: readonly T[],
  w: Window | undefined,
): { rows: readonly T[]; offset: number } {
  if (!w) return { rows, offset: 0 };
  if (w.last !== undefined) {
    const start = Math.max(0, rows.length - w.last);
    return { rows: rows.slice(start), offset: start };
  }
  return { rows: rows.slice(w.start, w.end === undefined ? undefined : w.end + 1), offset: w.start };
}

/** Locale-independent comparison key: NFD, combining marks dropped, case-folded (§6.17). */
export function sortKey(s: string | undefined): string {
  if (!s) return '';
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export type SortKind = 'name' | 'artist' | 'album' | 'releasedate';

export function parseSort(s: string | undefined): SortKind | undefined {
  return s === 'name' || s === 'artist' || s === 'album' || s === 'releasedate' ? s : undefined;
}

function albumKey(it: Item): string {
  return sortKey(it.sortAlbum ?? it.album);
}

export function itemComparator(kind: SortKind): (a: Item, b: Item) => number {
  const num = (x: number | undefined, y: number | undefined): number => (x ?? 0) - (y ?? 0);
  switch (kind) {
    case 'name':
      return (a, b) => cmpStr(sortKey(a.sortName ?? a.name), sortKey(b.sortName ?? b.name));
    case 'artist':
      return (a, b) =>
        cmpStr(sortKey(a.sortArtist ?? a.artist), sortKey(b.sortArtist ?? b.artist)) ||
        cmpStr(albumKey(a), albumKey(b)) ||
        num(a.discNumber, b.discNumber) ||
        num(a.trackNumber, b.trackNumber);
    case 'album':
      return (a, b) =>
        cmpStr(albumKey(a), albumKey(b)) ||
        num(a.discNumber, b.discNumber) ||
        num(a.trackNumber, b.trackNumber);
    case 'releasedate': {
      const rd = (i: Item): number =>
        i.dateReleased ? i.dateReleased.getTime() / 1000 : (i.year ?? 0) * 31556952;
      return (a, b) => rd(a) - rd(b) || cmpStr(albumKey(a), albumKey(b));
    }
  }
}

/** Stable sort (Array.prototype.sort is stable): ties keep listing order. */
export function sortBy<T>(rows: T[], cmp: (a: T, b: T) => number): T[] {
  return rows.sort(cmp);
}

/** The header letter of a sort key: A–Z, or '0' for everything else (§6.17). */
export function headerLetter(key: string): string {
  const c = key.normalize('NFD').charAt(0).toUpperCase();
  return c >= 'A' && c <= 'Z' ? c : '0';
}

/** Reorder rows into letter groups A–Z then '0', each in sort-key order. */
export function groupByLetter<T>(rows: readonly T[], key: (r: T) => string): T[] {
  const keyed = rows.map((r, i) => ({ r, i, k: key(r) }));
  keyed.sort((a, b) => {
    const la = headerLetter(a.k);
    const lb = headerLetter(b.k);
    if (la !== lb) return la === '0' ? 1 : lb === '0' ? -1 : cmpStr(la, lb);
    return cmpStr(a.k, b.k) || a.i - b.i;
  });
  return keyed.map((x) => x.r);
}

export interface SortHeader {
  readonly letter: string;
  readonly index: number;
  readonly count: number;
}

/** Headers over an already letter-grouped window; the '0' header is always last. */
export function sortHeaders<T>(rows: readonly T[], key: (r: T) => string): SortHeader[] {
  const out: SortHeader[] = [];
  let zero = 0;
  rows.forEach((r, i) => {
    const l = headerLetter(key(r));
    if (l === '0') {
      zero++;
      return;
    }
    const last = out[out.length - 1];
    if (last && last.letter === l) out[out.length - 1] = { ...last, count: last.count + 1 };
    else out.push({ letter: l, index: i, count: 1 });
  });
  out.push({ letter: '0', index: rows.length - zero, count: zero });
  return out;
}
