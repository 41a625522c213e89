/**
 * The `loopcast mp4 …` commands (spec app.md CLI table); the server package wires them in.
 * `args` excludes the leading `mp4`. Exit codes: 0 ok, 1 failure (one line naming what
 * failed), 2 bad usage.
 */
import { dumpBox, formatDump, type DumpNode } from './dump.js';
import { BmffError } from './errors.js';
import { indexFile } from './index/indexer.js';
import { splitSegments } from './index/segments.js';
import { FileSource, type BoxLocation } from './reader.js';

export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}

const USAGE = `usage: loopcast mp4 <command> [options]

commands:
  dump FILE [--json] [--segment N] [--show BOX[,BOX]...]   box tree with every field
  index FILE --json                                         the media index as stored

run 'loopcast mp4 <command> --help' for details`;

const DUMP_HELP = `usage: loopcast mp4 dump FILE [--json] [--segment N] [--show BOX[,BOX]...]

Prints the box tree of FILE with every field of every registered box. mdat payloads are not
read. --segment N dumps only segment N (0 is the init segment, 1... the media segments as the
indexer splits them). --show prints only the named boxes (and their children). --json prints
a JSON array of {type, name, offset, size, fields, children} with values whole; the text form
abbreviates long arrays and byte strings.`;

const INDEX_HELP = `usage: loopcast mp4 index FILE --json

Indexes FILE (one-track fragmented MP4) as loopcast stores it: init range, fragment table,
timescale, codec string, sizes, rates, language and encryption. With --json the output is the
stored document, 'segments' as [{pos, size, duration}] with index 0 the init segment.
Without --json a short summary is printed.`;

class UsageError extends Error {}

export async function runMp4Command(args: string[], io: CliIo): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
      (cmd === undefined ? io.stderr : io.stdout)(USAGE);
      return cmd === undefined ? 2 : 0;
    }
    if (cmd === 'dump') return await dump(rest, io);
    if (cmd === 'index') return await index(rest, io);
    throw new UsageError(`unknown command '${cmd}'`);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(
        `loopcast mp4: ${e.message}\n${cmd === 'dump' ? DUMP_HELP : cmd === 'index' ? INDEX_HELP : USAGE}`,
      );
      return 2;
    }
    const msg =
      e instanceof BmffError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e);
    io.stderr(`loopcast mp4 ${cmd}: ${msg.split('\n')[0]}`);
    return 1;
  }
}

interface Parsed {
  file?: string;
  flags: Map<string, string | true>;
}

function parseArgs(args: string[], valued: readonly string[], known: readonly string[]): Parsed {
  const out: Parsed = { flags: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a.startsWith('--')) {
      const [name, inline] = a.split('=', 2) as [string, string | undefined];
      if (!known.includes(name) && !valued.includes(name)) throw new UsageError(`unknown option '${name}'`);
      if (valued.includes(name)) {
        const v = inline ?? args[++i];
        if (v === undefined) throw new UsageError(`${name} needs a value`);
        out.flags.set(name, v);
      } else out.flags.set(name, true);
    } else if (out.file === undefined) out.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  return out;
}

async function dump(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, ['--segment', '--show'], ['--json', '--help']);
  if (p.flags.has('--help')) {
    io.stdout(DUMP_HELP);
    return 0;
  }
  if (!p.file) throw new UsageError('FILE is missing');
  let segment: number | undefined;
  const seg = p.flags.get('--segment');
  if (seg !== undefined) {
    if (typeof seg !== 'string' || !/^\d+$/.test(seg)) throw new UsageError('--segment needs a number');
    segment = Number(seg);
  }
  const showFlag = p.flags.get('--show');
  const show = typeof showFlag === 'string' ? showFlag.split(',').filter(Boolean) : undefined;
  const { source, close } = await FileSource.open(p.file);
  let nodes: DumpNode[];
  try {
    const top = await source.scan();
    let chosen: BoxLocation[] = top;
    if (segment !== undefined) {
      const { init, media } = splitSegments(top);
      const group = segment === 0 ? init : media[segment - 1];
      if (!group)
        throw new BmffError(
          'parse',
          `segment ${segment} does not exist (the file has ${media.length} media segments)`,
        );
      chosen = group.boxes;
    }
    nodes = [];
    for (const loc of chosen) {
      if (loc.type === 'mdat') {
        nodes.push({ type: 'mdat', name: 'Media data', offset: loc.pos, size: loc.size });
        continue;
      }
      // JSON carries byte strings whole (up to 64 KiB); text abbreviates them
      nodes.push(dumpBox(await source.load(loc), { maxBytes: p.flags.has('--json') ? 65536 : 64 }));
    }
  } finally {
    await close();
  }
  if (show) nodes = pick(nodes, show);
  io.stdout(p.flags.has('--json') ? JSON.stringify(nodes, null, 2) : formatDump(nodes));
  return 0;
}

function pick(nodes: readonly DumpNode[], types: readonly string[]): DumpNode[] {
  const out: DumpNode[] = [];
  for (const n of nodes) {
    if (types.includes(n.type)) out.push(n);
    else if (n.children) out.push(...pick(n.children, types));
  }
  return out;
}

async function index(args: string[], io: CliIo): Promise<number> {
  const p = parseArgs(args, [], ['--json', '--help']);
  if (p.flags.has('--help')) {
    io.stdout(INDEX_HELP);
    return 0;
  }
  if (!p.file) throw new UsageError('FILE is missing');
  const idx = await indexFile(p.file);
  if (p.flags.has('--json')) {
    const segments = idx.segments.map((s) =>
      s.duration === undefined
        ? { pos: s.pos, size: s.size }
        : { pos: s.pos, size: s.size, duration: s.duration },
    );
    io.stdout(JSON.stringify({ ...idx, segments }, null, 2));
  } else {
    const lines = [
      `${p.file}: ${idx.contentType} ${idx.codecs} (${idx.sampleEntry}), track ${idx.trackId}, timescale ${idx.timescale}`,
      `language ${idx.language ?? 'und'}, ${idx.segments.length - 1} segments of nominal ${idx.segmentDuration} ticks, M = ${idx.mediaDuration}`,
      `bitrate ${idx.bitrate}, max ${idx.maxBitrate}, start number ${idx.startNumber}, start time ${idx.startTime}`,
    ];
    if (idx.video)
      lines.push(
        `video ${idx.video.width}x${idx.video.height} @ ${idx.video.frameRate} fps, SAR ${idx.video.sar}`,
      );
    if (idx.audio) lines.push(`audio ${idx.audio.sampleRate} Hz, ${idx.audio.channels} channels`);
    if (idx.encryption)
      lines.push(
        `encrypted ${idx.encryption.scheme}, KID ${idx.encryption.defaultKid}, IV ${idx.encryption.ivSize} bytes`,
      );
    io.stdout(lines.join('\n'));
  }
  return 0;
}
