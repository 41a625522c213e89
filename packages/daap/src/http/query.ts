// The DAAP query language (daap.md §6.18): OwnTone's grammar, with equal-precedence,
// left-associative separators ("+"/space = AND, "," = OR). Failure never errors: a query that
// does not parse, or names a key outside the field map, is ignored (every row matches).

import { codeByName } from '../dmap/registry.js';

export type QueryNode =
  | { readonly op: 'and' | 'or'; readonly left: QueryNode; readonly right: QueryNode }
  | { readonly op: 'clause'; readonly key: string; readonly negate: boolean; readonly value: string };

export class QuerySyntaxError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at ${offset}`);
    this.name = 'QuerySyntaxError';
  }
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '+';

export function parseQuery(input: string): QueryNode {
  let s = input;
  if (s.endsWith('\n')) s = s.slice(0, -1);
  if (s.endsWith('\r')) s = s.slice(0, -1);
  let i = 0;
  const ws = (): boolean => {
    const st = i;
    while (isWs(s[i])) i++;
    return i > st;
  };
  const fail = (m: string): never => {
    throw new QuerySyntaxError(m, i);
  };
  const clause = (): QueryNode => {
    i++; // opening quote
    const ks = i;
    while (i < s.length && /[A-Za-z0-9.-]/.test(s[i]!)) i++;
    const key = s.slice(ks, i);
    if (key === '') fail('empty key');
    let negate = false;
    if (s[i] === '!') {
      negate = true;
      i++;
    }
    if (s[i] !== ':' && s[i] !== '@') fail('expected ":" or "@"');
    i++;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) fail('unterminated quote');
      if (c === '\\') {
        const n = s[i + 1];
        if (n === undefined) fail('dangling escape');
        value += n;
        i += 2;
        continue;
      }
      if (c === "'") {
        i++;
        break;
      }
      value += c;
      i++;
    }
    return { op: 'clause', key, negate, value };
  };
  let depth = 0;
  const term = (): QueryNode => {
    const c = s[i];
    if (c === "'") return clause();
    if (c === '(') {
      i++;
      if (++depth > 64) fail('nesting too deep');
      ws();
      const e = expr();
      ws();
      if (s[i] !== ')') fail('expected ")"');
      i++;
      depth--;
      return e;
    }
    return fail('expected a clause or "("');
  };
  const expr = (): QueryNode => {
    let acc = term();
    for (;;) {
      const save = i;
      const sawWs = ws();
      if (s[i] === ',') {
        i++;
        ws();
        acc = { op: 'or', left: acc, right: term() };
      } else if (sawWs && (s[i] === "'" || s[i] === '(')) {
        acc = { op: 'and', left: acc, right: term() };
      } else {
        i = save;
        return acc;
      }
    }
  };
  ws();
  const root = expr();
  ws();
  if (i !== s.length) fail('trailing input');
  return root;
}

/** What a row answers for a query key: a string, an integer, or absent. */
export type QueryValue = string | number | bigint | boolean | Date | undefined;
export interface QueryRow {
  /** undefined return with `known` false means the key is outside this row type's map */
  get(key: string): QueryValue;
}
export type KeyKind = 'string' | 'number';

/** Keys a row type understands, with their kind. */
export type KeyMap = ReadonlyMap<string, KeyKind>;

function fold(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

function asBig(v: QueryValue): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : undefined;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (v instanceof Date) return BigInt(Math.floor(v.getTime() / 1000));
  return undefined;
}

function numericValue(s: string): bigint | undefined {
  const t = s.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t);
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t);
  return undefined;
}

/** Canonical key (aliases resolved through the registry). */
export function canonicalKey(key: string): string {
  return codeByName(key)?.name ?? key;
}

/** Throws QuerySyntaxError when the query names a key outside `keys`. */
export function checkKeys(node: QueryNode, keys: KeyMap): void {
  if (node.op === 'clause') {
    if (!keys.has(canonicalKey(node.key))) throw new QuerySyntaxError(`unknown key ${node.key}`, 0);
    return;
  }
  checkKeys(node.left, keys);
  checkKeys(node.right, keys);
}

export function evaluate(node: QueryNode, row: QueryRow, keys: KeyMap): boolean {
  if (node.op !== 'clause') {
    return node.op === 'and'
      ? evaluate(node.left, row, keys) && evaluate(node.right, row, keys)
      : evaluate(node.left, row, keys) || evaluate(node.right, row, keys);
  }
  const key = canonicalKey(node.key);
  const kind = keys.get(key);
  if (kind === undefined) return false;
  // OwnTone compatibility: daap.songalbumid:0 is always true.
  if (key === 'daap.songalbumid' && !node.negate && node.value.trim() === '0') return true;
  const v = row.get(key);
  if (kind === 'number') {
    const want = numericValue(node.value);
    if (want === undefined) return false;
    const have = asBig(v);
    const eq = have !== undefined && have === want;
    return node.negate ? !eq : eq;
  }
  const have = v === undefined ? '' : fold(String(v));
  const raw = node.value;
  let match: boolean;
  if (raw === '') match = have === '';
  else {
    const starts = raw.startsWith('*');
    const ends = raw.length > 1 && raw.endsWith('*');
    const core = fold(raw.slice(starts ? 1 : 0, ends ? -1 : undefined));
    if (starts && ends) match = have.includes(core);
    else if (ends) match = have.startsWith(core);
    else if (starts) match = have.endsWith(core);
    else match = have === core;
  }
  return node.negate ? !match : match;
}

/**
 * Compile a query for a row type: returns a predicate, or undefined when the query is absent or
 * must be ignored (syntax error, unknown key); `warn` is told why.
 */
export function compileQuery(
  query: string | undefined,
  keys: KeyMap,
  warn?: (msg: string) => void,
): ((row: QueryRow) => boolean) | undefined {
  if (query === undefined || query.trim() === '') return undefined;
  try {
    const ast = parseQuery(query);
    checkKeys(ast, keys);
    return (row) => evaluate(ast, row, keys);
  } catch (e) {
    if (!(e instanceof QuerySyntaxError)) throw e;
    warn?.(`ignoring improper DAAP query: ${e.message}`);
    return undefined;
  }
}
