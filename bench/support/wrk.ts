/**
 * Throughput runs with wrk (testing.md §8.2). Every request carries a distinct `now=` built by a
 * generated Lua script, so no answer can come from a cache keyed by URL; the same script shape is
 * used for every target of a comparison, so the load generator costs the same on each side.
 * The script's `done` hook prints one machine-readable line instead of wrk's prose.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeOnExit, startGroup } from './processes.js';

export interface NowSequence {
  /** First `now` (epoch ms). */
  base: number;
  /** Milliseconds between consecutive requests' `now`. */
  stepMs: number;
  /** The sequence wraps after this many steps (keeps a segment request inside its window). */
  wrapAfter?: number;
}

export interface WrkTarget {
  label: string;
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  /** Path and query up to the `now` value, e.g. `/healthz?now=`. */
  pathBeforeNow: string;
}

export interface WrkOptions {
  seconds: number;
  threads: number;
  connections: number;
  /** Count a response as bad unless it is a 200 whose body contains this text. */
  bodyMustContain?: string;
  /** Count a response as bad unless it is a 200 with a body of exactly this many bytes. */
  bodyLength?: number;
}

export interface WrkResult {
  label: string;
  requests: number;
  bytes: number;
  seconds: number;
  requestsPerSecond: number;
  bytesPerSecond: number;
  errors: { connect: number; read: number; write: number; timeout: number; status: number };
  /** Responses failing `bodyMustContain` or `bodyLength` (0 when neither is set). */
  badBodies: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

const luaString = (text: string): string => JSON.stringify(text);

function luaScript(target: WrkTarget, now: NowSequence, options: WrkOptions): string {
  const wrap = now.wrapAfter ?? 2 ** 40;
  // `%.0f`: LuaJIT's `%d` is not safe for 13-digit epoch milliseconds on every build.
  const lines = [
    'local threads = {}',
    'function setup(thread)',
    '  thread:set("id", #threads)',
    '  table.insert(threads, thread)',
    'end',
    'n = 0',
    'bad = 0',
    'function request()',
    `  local step = (n * ${options.threads} + id) % ${wrap}`,
    '  n = n + 1',
    `  return wrk.format(nil, ${luaString(target.pathBeforeNow)} .. string.format("%.0f", ${now.base} + step * ${now.stepMs}))`,
    'end',
  ];
  // A `response` hook makes wrk buffer every body (for 1 MB bodies that cost 20–30 % of the
  // rate here), so a caller sets a body check only where it can afford it.
  const conditions: string[] = [];
  if (options.bodyMustContain !== undefined)
    conditions.push(`not string.find(body, ${luaString(options.bodyMustContain)}, 1, true)`);
  if (options.bodyLength !== undefined) conditions.push(`#body ~= ${options.bodyLength}`);
  if (conditions.length > 0) {
    lines.push(
      'function response(status, headers, body)',
      `  if status ~= 200 or ${conditions.join(' or ')} then bad = bad + 1 end`,
      'end',
    );
  }
  lines.push(
    'function done(summary, latency, requests)',
    '  local badTotal = 0',
    '  for _, t in ipairs(threads) do badTotal = badTotal + (t:get("bad") or 0) end',
    '  local e = summary.errors',
    '  io.write(string.format("WRK-RESULT %.0f %.0f %.0f %d %d %d %d %d %d %.0f %.0f\\n",',
    '    summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.timeout, e.status,',
    '    badTotal, latency:percentile(50), latency:percentile(99)))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

export async function runWrk(target: WrkTarget, now: NowSequence, options: WrkOptions): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'loopcast-wrk-'));
  removeOnExit(dir);
  try {
    const script = join(dir, 'now.lua');
    writeFileSync(script, luaScript(target, now, options));
    const proc = startGroup('wrk', 'wrk', [
      `-t${options.threads}`,
      `-c${options.connections}`,
      `-d${options.seconds}s`,
      // A loaded shared machine can stall a response for a while; a stall is not an error here.
      '--timeout',
      '10s',
      '-s',
      script,
      `${target.origin}/`,
    ]);
    // Bounded: wrk stops by itself after -d; this guard only covers a hung wrk.
    const guard = setTimeout(() => void proc.stop(1000), (options.seconds + 20) * 1000);
    const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve));
    clearTimeout(guard);
    await proc.stop();
    const match = proc.output().match(/^WRK-RESULT ((?:[\d.]+ ?){11})$/m);
    if (code !== 0 || !match)
      throw new Error(`wrk failed for ${target.label} (exit ${code}): ${proc.output()}`);
    const [requests, bytes, micros, connect, read, write, timeout, status, badBodies, p50, p99] = match[1]!
      .trim()
      .split(' ')
      .map(Number) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const seconds = micros / 1e6;
    return {
      label: target.label,
      requests,
      bytes,
      seconds,
      requestsPerSecond: requests / seconds,
      bytesPerSecond: bytes / seconds,
      errors: { connect, read, write, timeout, status },
      badBodies,
      latencyP50Ms: p50 / 1000,
      latencyP99Ms: p99 / 1000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const errorCount = (r: WrkResult): number =>
  r.errors.connect + r.errors.read + r.errors.write + r.errors.timeout + r.errors.status;
