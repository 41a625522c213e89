// Request-line and parameter handling (daap.md §6.1, §6.3).

/** Strip `scheme://authority` from an absolute-URI request target (iTunes sends them, §6.1). */
export function stripAbsolute(target: string): string {
  const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(target);
  if (!m) return target;
  const rest = target.slice(m[0].length);
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
}

export interface Target {
  readonly path: string;
  readonly params: Params;
  /** the raw query string, for logs */
  readonly search: string;
}

/** Query parameters: form decoding, first value wins, empty counts as absent (§6.3). */
export class Params {
  private readonly map = new Map<string, string>();
  constructor(search: string) {
    for (const part of search.split('&')) {
      if (part === '') continue;
      const eq = part.indexOf('=');
      const k = decode(eq < 0 ? part : part.slice(0, eq));
      const v = eq < 0 ? '' : decode(part.slice(eq + 1));
      if (v === '' || this.map.has(k)) continue;
      this.map.set(k, v);
    }
  }
  get(name: string): string | undefined {
    return this.map.get(name);
  }
  has(name: string): boolean {
    return this.map.has(name);
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
}

function decode(s: string): string {
  const plus = s.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(plus);
  } catch {
    // A malformed escape is taken literally rather than failing the request.
    return plus.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

export function parseTarget(url: string): Target {
  const t = stripAbsolute(url);
  const q = t.indexOf('?');
  const rawPath = q < 0 ? t : t.slice(0, q);
  const search = q < 0 ? '' : t.slice(q + 1);
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    path = rawPath;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  // Collapse repeated slashes and drop one trailing slash, so /databases/ routes like /databases.
  path = path.replace(/\/{2,}/g, '/');
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  return { path, params: new Params(search), search };
}

/** A malformed numeric parameter: answered with 400 and `msts "bad <name>"` (§6.3). */
export class BadParameter extends Error {
  constructor(readonly param: string) {
    super(`bad ${param}`);
    this.name = 'BadParameter';
  }
}

const U31 = /^\d{1,10}$/;

/** Parse an optional non-negative 31-bit integer parameter; undefined when absent. */
export function intParam(params: Params, name: string): number | undefined {
  const v = params.get(name);
  if (v === undefined) return undefined;
  const s = v.trim();
  if (!U31.test(s)) throw new BadParameter(name);
  const n = Number(s);
  if (n > 0x7fffffff) throw new BadParameter(name);
  return n;
}

/** Parse a decimal id path segment (§6.2: a non-numeric segment does not match the route). */
export function idSegment(s: string | undefined): number | undefined {
  if (s === undefined || !/^\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 0x7fffffff ? n : undefined;
}
