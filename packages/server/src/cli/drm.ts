/**
 * `loopcast drm pssh|pro INPUT [--json]` (app.md §10.1): decodes `pssh` boxes — Widevine data
 * fields (drm-events.md §4.6), PlayReady Objects (§6.5), the W3C common KID list (§5.1) — and
 * PlayReady Objects given alone. INPUT is base64 (or base64url), hex, or a file holding either
 * or the raw bytes (a whole init segment too: its `moov` pssh boxes are decoded).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { BmffError, parseBoxes, type Box, type PsshFields } from '@loopcast/bmff';
import {
  decodeWidevinePsshData,
  KeyMaterial,
  parsePlayReadyObject,
  SYSTEM_IDS,
  type PlayReadyRecord,
  type WidevinePsshFields,
} from '@loopcast/dash';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

/** What one pssh box says; the `--json` form. */
export interface PsshReport {
  size: number;
  version: number;
  flags: number;
  systemId: string;
  /** A key of SYSTEM_IDS, or null for a system loopcast does not know. */
  system: string | null;
  /** Version 1 KID list, 32 hex each. */
  kids: string[];
  /** The Data field, base64. */
  data: string;
  widevine?: WidevinePsshFields;
  playready?: { type: number; xml?: string; hex?: string }[];
  /** Why the Data of a known system did not decode. */
  dataError?: string;
}

/** Inputs larger than this are not a pssh box or an init segment worth decoding here. */
const MAX_INPUT = 16 * 1024 * 1024;

export const drmHelp = (): string =>
  [
    'Usage: loopcast drm pssh INPUT [--json]   decode pssh boxes (Widevine, PlayReady, W3C common, Marlin)',
    '       loopcast drm pro INPUT [--json]    decode a PlayReady Object (or the one in a pssh box)',
    '',
    'INPUT is base64 or base64url, hex, or a file holding either or the raw bytes',
    '(an init segment too: the pssh boxes of its moov are decoded).',
    'Exit codes: 0 decoded, 2 bad usage or input that does not decode.',
  ].join('\n');

export function runDrm(argv: string[], io: CliIo): number {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(drmHelp());
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'pssh' && sub !== 'pro') throw new UsageError(`unknown drm command ${JSON.stringify(sub)}`);
  const args = parseArgs(rest, [], ['--json', '--help']);
  if (args.booleans.has('--help')) {
    io.stdout(drmHelp());
    return 0;
  }
  if (args.positionals.length !== 1) throw new UsageError(`drm ${sub} takes exactly one INPUT`);
  const bytes = readInput(args.positionals[0]!);
  const json = args.booleans.has('--json');
  if (sub === 'pro') {
    const records = proRecords(bytes);
    io.stdout(json ? JSON.stringify(records, null, 2) : records.map(recordText).join('\n'));
    return 0;
  }
  const reports = psshBoxes(bytes).map(describePssh);
  io.stdout(json ? JSON.stringify(reports, null, 2) : reports.map(reportText).join('\n\n'));
  return 0;
}

/** A file path, else hex, else base64; anything else is a usage error. */
export function readInput(input: string): Buffer {
  if (existsSync(input) && statSync(input).isFile()) {
    if (statSync(input).size > MAX_INPUT) throw new UsageError(`${input} is larger than 16 MiB`);
    const raw = readFileSync(input);
    const text = raw.toString('latin1').trim();
    return /^[0-9A-Za-z+/=_\s-]+$/.test(text) ? decodeText(text, input) : raw;
  }
  return decodeText(input.trim(), 'INPUT');
}

function decodeText(text: string, what: string): Buffer {
  const compact = text.replace(/\s+/g, '');
  const hex = compact.replace(/^0x/i, '');
  if (/^([0-9a-fA-F]{2})+$/.test(hex)) return Buffer.from(hex, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(compact) && compact.replace(/=+$/, '').length % 4 !== 1) {
    const out = Buffer.from(compact, compact.includes('-') || compact.includes('_') ? 'base64url' : 'base64');
    if (out.length > 0) return out;
  }
  throw new UsageError(`${what} is neither hex nor base64 nor a file`);
}

/** Top-level pssh boxes, or those of a `moov` in the input. */
function psshBoxes(bytes: Buffer): Box[] {
  let top: Box[];
  try {
    top = parseBoxes(bytes);
  } catch (err) {
    throw new UsageError(`the input is not a pssh box: ${(err as Error).message}`);
  }
  const found = [
    ...top.filter((b) => b.type === 'pssh'),
    ...top.flatMap((b) => (b.type === 'moov' ? b.all('pssh') : [])),
  ];
  if (found.length === 0)
    throw new UsageError(
      `the input holds no pssh box (boxes: ${[...new Set(top.map((b) => b.type))].join(', ')})`,
    );
  return found;
}

const SYSTEM_NAMES = new Map<string, string>(Object.entries(SYSTEM_IDS).map(([name, id]) => [id, name]));

export function describePssh(box: Box): PsshReport {
  let f: PsshFields;
  try {
    f = box.fields as PsshFields;
  } catch (err) {
    throw new UsageError(
      `the pssh box does not parse: ${err instanceof BmffError ? err.message : String(err)}`,
    );
  }
  const system = SYSTEM_NAMES.get(f.systemId) ?? null;
  const out: PsshReport = {
    size: box.originalSize,
    version: f.version,
    flags: f.flags,
    systemId: f.systemId,
    system,
    kids: f.kids,
    data: f.data.toString('base64'),
  };
  try {
    if (system === 'widevine') out.widevine = decodeWidevinePsshData(f.data);
    else if (system === 'playready' && f.data.length > 0)
      out.playready = parsePlayReadyObject(f.data).map(recordJson);
  } catch (err) {
    out.dataError = (err as Error).message;
  }
  return out;
}

function proRecords(bytes: Buffer): ReturnType<typeof recordJson>[] {
  try {
    return parsePlayReadyObject(bytes).map(recordJson);
  } catch (err) {
    throw new UsageError(`the input is not a PlayReady Object: ${(err as Error).message}`);
  }
}

const recordJson = (r: PlayReadyRecord): { type: number; xml?: string; hex?: string } =>
  r.xml !== undefined ? { type: r.type, xml: r.xml } : { type: r.type, hex: r.bytes.toString('hex') };

const recordText = (r: { type: number; xml?: string; hex?: string }): string =>
  r.xml !== undefined
    ? `record type ${r.type} (rights-management header):\n  ${r.xml}`
    : `record type ${r.type}: ${r.hex ?? ''}`;

const uuid = (hex: string): string => KeyMaterial.parse(hex).uuid();

function reportText(r: PsshReport): string {
  const lines = [
    `pssh box: ${r.size} bytes, version ${r.version}, flags ${r.flags}`,
    `system: ${r.system ?? 'unknown'} (${uuid(r.systemId)})`,
  ];
  if (r.version > 0) lines.push(`KIDs: ${r.kids.length === 0 ? 'none' : r.kids.map(uuid).join(', ')}`);
  const data = Buffer.from(r.data, 'base64');
  lines.push(`data: ${data.length} bytes${data.length > 0 ? ` ${r.data}` : ''}`);
  const wv = r.widevine;
  if (wv) {
    for (const k of wv.keyIds) lines.push(`  key_id: ${uuid(k)}`);
    if (wv.provider !== undefined) lines.push(`  provider: ${wv.provider}`);
    if (wv.contentId !== undefined) lines.push(`  content_id: ${wv.contentId}`);
    if (wv.policy !== undefined) lines.push(`  policy: ${wv.policy}`);
    if (wv.cryptoPeriodIndex !== undefined) lines.push(`  crypto_period_index: ${wv.cryptoPeriodIndex}`);
    if (wv.protectionScheme)
      lines.push(`  protection_scheme: ${wv.protectionScheme.fourcc} (${wv.protectionScheme.value})`);
    for (const u of wv.unknown) lines.push(`  field ${u.field} (wire type ${u.wireType}): ${u.value}`);
  }
  for (const rec of r.playready ?? [])
    lines.push(
      ...recordText(rec)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  if (r.dataError) lines.push(`  data does not decode: ${r.dataError}`);
  return lines.join('\n');
}
