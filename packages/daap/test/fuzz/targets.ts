// Fuzz targets for the DAAP library (testing.md §10): the DMAP decoder, the query parser, and
// the HTTP request parsing + routing (random paths, parameters, headers and Range values against
// every route). Only typed errors may escape; no 500; no hang.

import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decode, DmapDecodeError } from '../../src/dmap/decode.js';
import { concat, container, element, encodeFields } from '../../src/dmap/encode.js';
import { createDaapHandler, type DaapRequestHandler } from '../../src/http/handler.js';
import { ManualTimers } from '../../src/http/clock.js';
import { parseQuery, QuerySyntaxError } from '../../src/http/query.js';
import { contentCodesReply } from '../../src/http/routes/content-codes.js';
import { start } from '../support/invoke.js';
import { demoShare } from '../support/fixtures.js';

export type Rng = () => number;

/** xorshift32: reproducible from the printed seed. */
export function makeRng(seed: number): Rng {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const pick = <T>(r: Rng, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

export interface Finding {
  target: string;
  input: string;
  error: string;
}

export function recordFinding(f: Finding): string {
  const hash = createHash('sha256').update(f.input).digest('hex').slice(0, 16);
  const dir = join('test-output', 'fuzz', f.target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, hash), `${f.error}\n${f.input}\n`);
  return hash;
}

// ---- DMAP decoder ------------------------------------------------------------------------------

export function decoderSeeds(): Buffer[] {
  // A slice of the /content-codes reply keeps cases cheap while covering mcnm/mcna/mcty.
  const cc = decode(contentCodesReply()).root;
  const mdcl = Array.isArray(cc.value) ? cc.value.filter((n) => n.code === 'mdcl').slice(0, 12) : [];
  const ccBytes = contentCodesReply();
  const slice = mdcl.map((n) => ccBytes.subarray(n.offset, n.offset + 8 + n.length));
  return [
    concat(container('mccr', [element('mstt', 200), ...slice])),
    concat(container('mlog', [element('mstt', 200), element('mlid', 42)])),
    concat(
      container('adbs', [
        encodeFields([
          ['mstt', 200],
          ['muty', 0],
          ['mtco', 1],
          ['mrco', 1],
        ]),
        container('mlcl', [
          container('mlit', [
            encodeFields([
              ['mikd', 2],
              ['miid', 7],
              ['minm', 'Hé'],
              ['mper', 5n],
              ['asda', new Date(0)],
              ['astn', 3],
              ['ascd', 'mp4a'],
            ]),
          ]),
        ]),
        container('mudl', [element('miid', 9)]),
      ]),
    ),
    concat(
      container('abro', [
        encodeFields([['mstt', 200]]),
        container('abar', [Buffer.from('6d6c69740000000141', 'hex')]),
      ]),
    ),
  ];
}

function mutateBytes(r: Rng, seed: Buffer): Buffer {
  const b = Buffer.from(seed);
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const k = r();
    if (b.length === 0) break;
    const at = Math.floor(r() * b.length);
    if (k < 0.3) b[at] = (b[at] ?? 0) ^ (1 << Math.floor(r() * 8));
    else if (k < 0.45) b[at] = pick(r, [0, 0xff, 0x7f, 0x80, 1]);
    else if (k < 0.7 && b.length >= 8) {
      // a length field: set to an interesting size
      const o = Math.floor(r() * (b.length - 3));
      b.writeUInt32BE(
        pick(r, [0, 1, 7, 8, b.length - o, b.length + 1, 0xffffffff, Math.floor(r() * 64)]) >>> 0,
        o,
      );
    } else if (k < 0.85) return b.subarray(0, at);
    else return Buffer.concat([b.subarray(0, at), b.subarray(Math.floor(r() * b.length))]);
  }
  return b;
}

export function fuzzDecoderCase(r: Rng, seeds: readonly Buffer[]): Finding | undefined {
  const input = mutateBytes(r, pick(r, seeds));
  try {
    decode(input);
  } catch (e) {
    if (e instanceof DmapDecodeError) return undefined;
    return { target: 'dmap-decoder', input: input.toString('hex'), error: String(e) };
  }
  return undefined;
}

// ---- query parser ------------------------------------------------------------------------------

const QUERY_SEEDS = [
  "('daap.songartist!:' ('com.apple.itunes.extended-media-kind:1','com.apple.itunes.extended-media-kind:32'))",
  "'daap.songgenre:Kid\\'s Audiobooks'",
  "'daap.songgenre:Rock','daap.songgenre:Choral' 'daap.songyear:2010'",
  "'dmap.itemname:*o*'",
  "('daap.songartist:Alpha",
];
const TOKENS = ["'", '(', ')', ',', ' ', '+', '\\', ':', '!:', '@', '*', 'dmap.itemid', '\n', '%27', "''"];

function mutateText(r: Rng, s: string): string {
  let t = s;
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (t.length + 1));
    const k = r();
    if (k < 0.4) t = t.slice(0, at) + pick(r, TOKENS) + t.slice(at);
    else if (k < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 4));
    else if (k < 0.85)
      t = t.slice(0, at) + t.slice(at, at + 8).repeat(1 + Math.floor(r() * 50)) + t.slice(at);
    else t = t.slice(0, at) + String.fromCharCode(Math.floor(r() * 0x10000)) + t.slice(at);
  }
  return t;
}

export function fuzzQueryCase(r: Rng): Finding | undefined {
  const q = mutateText(r, pick(r, QUERY_SEEDS));
  try {
    parseQuery(q);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return undefined;
    return { target: 'daap-query', input: q, error: String(e) };
  }
  return undefined;
}

// ---- HTTP routes -------------------------------------------------------------------------------

export interface RouteFuzzer {
  readonly handler: DaapRequestHandler;
  sid: number;
  readonly timers: ManualTimers;
  /** replies by status class, to check the cases reach the routes */
  readonly statuses: Map<number, number>;
  readonly password: string | undefined;
  close(): void;
}

export async function makeRouteFuzzer(password?: string): Promise<RouteFuzzer> {
  const { share, media } = demoShare();
  const timers = new ManualTimers();
  const handler = createDaapHandler({
    share,
    media,
    timers,
    gzip: false,
    ...(password ? { password } : {}),
  });
  const f: RouteFuzzer = {
    handler,
    sid: 0,
    timers,
    statuses: new Map(),
    close: () => handler.close(),
    password,
  };
  await relogin(f);
  return f;
}

/** Log in again (a fuzzed /logout may have ended the session). */
export async function relogin(f: RouteFuzzer): Promise<void> {
  const auth: Record<string, string> = f.password
    ? { authorization: `Basic ${Buffer.from(`x:${f.password}`).toString('base64')}` }
    : {};
  const r = await start(f.handler, '/login', { headers: auth, address: '127.0.0.1' }).done;
  const mlid = Array.isArray(r.root?.value) ? r.root.value.find((n) => n.code === 'mlid')?.value : undefined;
  f.sid = typeof mlid === 'number' ? mlid : 0;
}

const PATHS = [
  '/server-info',
  '/content-codes',
  '/login',
  '/logout',
  '/activity',
  '/update',
  '/databases',
  '/databases/1/items',
  '/databases/1/containers',
  '/databases/1/containers/2/items',
  '/databases/1/containers/0/items',
  '/databases/1/groups',
  '/databases/1/browse/artists',
  '/databases/1/browse/genres',
  '/databases/1/items/11.mp3',
  '/databases/1/items/11/extra_data/artwork',
  '/databases/1/groups/5/extra_data/artwork',
  '/resolve',
  '/fp-setup',
  'daap://10.0.0.1:3689/server-info',
  'http://h/databases/1/items/12.m4a',
];
const PARAMS = [
  'session-id',
  'revision-number',
  'delta',
  'meta',
  'query',
  'filter',
  'index',
  'sort',
  'include-sort-headers',
  'group-type',
  'mw',
  'mh',
  'type',
  'request-session-id',
];
const VALUES = [
  '',
  '0',
  '1',
  '2',
  '3',
  '-1',
  '4294967296',
  '99999999999',
  'abc',
  'all',
  'dmap.itemname,daap.songartist',
  'name',
  'artist',
  '0-1',
  '-2',
  '3-',
  'albums',
  'artists',
  '%27dmap.itemname%3A*a*%27',
  "'daap.songartist:",
  '%',
  '%zz',
  '+',
  '&',
  '=',
  '1,2',
];
const RANGES = [
  'bytes=0-',
  'bytes=-1',
  'bytes=5-2',
  'bytes=abc',
  'bytes=99999999999999999999-',
  'items=0-1',
  'bytes=0-1,3-4',
  'bytes=-0',
  'bytes=999-',
];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'HEAD', 'HEAD', 'POST', 'OPTIONS'];

export function randomRequest(
  r: Rng,
  sid: number,
): { url: string; method: string; headers: Record<string, string> } {
  let url = pick(r, PATHS);
  if (r() < 0.1) url = mutateText(r, url);
  const ps: string[] = [];
  if (r() < 0.8) ps.push(`session-id=${r() < 0.85 ? sid : pick(r, VALUES)}`);
  const n = Math.floor(r() * 5);
  for (let i = 0; i < n; i++) {
    let v = pick(r, VALUES);
    if (r() < 0.2) v = encodeURIComponent(Buffer.from(mutateText(r, v), 'utf8').toString('utf8'));
    ps.push(`${pick(r, PARAMS)}=${v}`);
  }
  if (ps.length) url += `?${ps.join('&')}`;
  const headers: Record<string, string> = {};
  if (r() < 0.3) headers.range = r() < 0.8 ? pick(r, RANGES) : mutateText(r, 'bytes=0-10');
  if (r() < 0.3)
    headers['user-agent'] = pick(r, [
      'iTunes/12.2.2',
      'Music/1.0.6',
      'iTunes/4.6 (Windows; N)',
      '\u0000',
      'x'.repeat(300),
    ]);
  if (r() < 0.2) headers['accept-encoding'] = pick(r, ['gzip', 'gzip;q=0', 'identity', '*']);
  if (r() < 0.1) headers['client-daap-version'] = pick(r, ['1.0', '2.0', '3.13', 'x']);
  if (r() < 0.1)
    headers.authorization = pick(r, [
      'Basic',
      'Basic !!!',
      `Basic ${Buffer.from('a:b:c').toString('base64')}`,
      'Bearer x',
    ]);
  return { url, method: pick(r, METHODS), headers };
}

/** One request case; resolves with a finding or undefined. */
export async function fuzzRouteCase(f: RouteFuzzer, r: Rng): Promise<Finding | undefined> {
  const req = randomRequest(r, f.sid);
  let p;
  try {
    p = start(f.handler, req.url, req);
  } catch (e) {
    return { target: 'daap-routes', input: JSON.stringify(req), error: `sync throw: ${String(e)}` };
  }
  // Let the handler run; all its work is in-memory, so a few turns suffice.
  for (let i = 0; i < 20 && !p.ended(); i++) await new Promise((res) => setImmediate(res));
  if (!p.ended()) {
    // A held /update is allowed to wait; anything else that does not finish is a hang.
    const held = /\/update(\?|$)/.test(req.url);
    p.disconnect();
    await p.done;
    if (!held) return { target: 'daap-routes', input: JSON.stringify(req), error: 'no reply (hang)' };
    return undefined;
  }
  let reply;
  try {
    reply = await p.done;
  } catch (e) {
    return { target: 'daap-routes', input: JSON.stringify(req), error: `reply not decodable: ${String(e)}` };
  }
  f.statuses.set(reply.status, (f.statuses.get(reply.status) ?? 0) + 1);
  if (!f.handler.state.sessions.get(f.sid)) await relogin(f);
  // The address throttle (§6.4) would lock the fuzzer out; let its minute pass.
  if (reply.status === 503) f.timers.advance(61_000);
  if (reply.status >= 500 && reply.status !== 503) {
    return { target: 'daap-routes', input: JSON.stringify(req), error: `status ${reply.status}` };
  }
  return undefined;
}
