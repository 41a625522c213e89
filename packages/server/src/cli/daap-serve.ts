/**
 * `loopcast daap serve --library DIR` (spec daap.md §11.6): shares one folder on its own, without
 * the web server or loopcast's database — the DAAP library used directly, as an embedder would.
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { DaapServer, Share } from '@loopcast/daap';
import { SETTINGS } from '../config/settings.js';
import { SettingValueError } from '../config/value-syntax.js';
import { FolderLibrary, loadIds } from '../music/folder-library.js';
import { sharpScaler } from '../music/media-provider.js';
import type { MusicFormat } from '../music/read-tags.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';
import { FfmpegTranscoder, withTranscoding } from '../music/transcoder.js';

export const daapServeHelp = (): string =>
  [
    'Usage: loopcast daap serve --library DIR [--name NAME] [--host 0.0.0.0] [--port 3689]',
    '                           [--password PW] [--mdns on|off] [--data DIR] [--no-watch]',
    '',
    'Shares one music folder over DAAP on its own (no web server, no database). Item ids are kept',
    'in --data/daap-library.json so they survive restarts; nothing is written into the music folder.',
    '',
    '  --library DIR   Music folder to share (MP3, M4A, WAV; FLAC and Ogg when ffmpeg is present)',
    `  --name NAME     Share name (default "loopcast on ${hostname()}")`,
    '  --host ADDR     Address to listen on (default 0.0.0.0)',
    '  --port N        DAAP port (default 3689)',
    '  --password PW   Require this password',
    '  --mdns on|off   Bonjour advertising (default on)',
    '  --data DIR      Where the id file lives (default ./data)',
    '  --no-watch      Do not follow changes in the folder',
  ].join('\n');

function checked<T>(flag: string, raw: string, parse: (raw: string) => T): T {
  try {
    return parse(raw);
  } catch (err) {
    if (err instanceof SettingValueError)
      throw new UsageError(`${flag} ${JSON.stringify(raw)}: ${err.message}`);
    throw err;
  }
}

export async function runDaapServe(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(
    argv,
    ['--library', '--name', '--host', '--port', '--password', '--mdns', '--data'],
    ['--no-watch', '--help'],
  );
  if (args.booleans.has('--help')) {
    io.stdout(daapServeHelp());
    return 0;
  }
  const library = args.values.get('--library');
  if (!library) throw new UsageError('--library DIR is required');
  const name = checked('--name', args.values.get('--name') ?? `loopcast on ${hostname()}`, (raw) =>
    SETTINGS.daapName.parse(raw),
  );
  const host = checked('--host', args.values.get('--host') ?? '0.0.0.0', (raw) => SETTINGS.host.parse(raw));
  const port = checked('--port', args.values.get('--port') ?? '3689', (raw) => SETTINGS.daapPort.parse(raw));
  const mdns =
    checked('--mdns', args.values.get('--mdns') ?? 'on', (raw) => SETTINGS.mdns.parse(raw)) === 'on';
  const data = resolve(args.values.get('--data') ?? './data');
  mkdirSync(data, { recursive: true });
  const formats = new Set<MusicFormat>(['mp3', 'm4a', 'wav']);
  // FLAC and Ogg are shared when they can be transcoded for Apple clients (daap.md §9.4, §11.1).
  const transcode = process.env.LOOPCAST_DAAP_TRANSCODE ?? 'auto';
  const transcoder = await FfmpegTranscoder.create(
    checked('LOOPCAST_DAAP_TRANSCODE', transcode, (raw) => SETTINGS.daapTranscode.parse(raw)),
  );
  if (transcoder) {
    formats.add('flac');
    formats.add('ogg');
  }
  const ids = loadIds(join(data, 'daap-library.json'));
  const share = new Share({ name, persistentId: BigInt(ids.sharePersistentId) });
  const folder = new FolderLibrary(
    share,
    resolve(library),
    join(data, 'daap-library.json'),
    ids,
    formats,
    (m) => io.stderr(`loopcast daap: ${m}`),
  );
  let watcher: { close(): Promise<void> } | null = null;
  if (!args.booleans.has('--no-watch')) {
    const { watch } = await import('chokidar');
    let timer: NodeJS.Timeout | null = null;
    const w = watch(folder.root, { ignoreInitial: true });
    // Changes are only reported once the watcher has crawled the folder; waiting for that before
    // the first scan means no file copied in meanwhile is missed.
    await new Promise<void>((ready) => w.once('ready', () => ready()));
    w.on('all', () => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        folder.rescan().then(
          (revision) => io.stdout(`library changed: revision ${revision}, ${folder.itemCount} items`),
          (err: unknown) => io.stderr(`loopcast daap: rescan failed: ${(err as Error).message}`),
        );
      }, 1000);
    });
    watcher = w;
  }
  await folder.rescan();
  const server = new DaapServer({
    share,
    media: withTranscoding(folder.media(), transcoder),
    artworkScaler: sharpScaler,
    host,
    port,
    mdns: mdns ? {} : false,
    ...(args.values.has('--password') ? { password: args.values.get('--password') } : {}),
  });
  await server.listen();
  io.stdout(
    `sharing "${name}" on port ${server.port}: ${folder.itemCount} items from ${folder.root}${mdns ? '' : ' (mDNS off)'}`,
  );

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await watcher?.close();
  await server.close();
  return 0;
}
