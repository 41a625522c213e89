/**
 * The `loopcast` command (spec app.md §10). One table of commands drives dispatch and `--help`.
 * Exit codes: 0 success, 1 the operation failed, 2 bad usage or a bad setting.
 */
import { SettingError } from '../config/load.js';
import { VERSION } from '../server.js';
import { UsageError } from './args.js';
import { runInit } from './init.js';
import { processIo, type CliIo } from './io.js';
import { runServe } from './serve.js';

interface Command {
  summary: string;
  run(argv: string[], io: CliIo): Promise<number> | number;
}

const COMMANDS: Record<string, Command> = {
  serve: { summary: 'Run the server (DASH streams, web UI, API, DAAP share)', run: runServe },
  init: { summary: 'Write a settings file with random secrets and the first admin', run: runInit },
  migrate: {
    summary: 'Apply pending database migrations and exit (before a rolling upgrade)',
    run: async (argv, io) => (await import('./migrate.js')).runMigrate(argv, io),
  },
  daap: {
    summary: 'Share a music folder on its own: daap serve --library DIR',
    run: async (argv, io) => {
      const [sub, ...rest] = argv;
      if (sub === 'serve') return (await import('./daap-serve.js')).runDaapServe(rest, io);
      if (sub === '--help' || sub === undefined) {
        io.stdout((await import('./daap-serve.js')).daapServeHelp());
        return sub === undefined ? 2 : 0;
      }
      throw new UsageError(`unknown daap command ${JSON.stringify(sub)}`);
    },
  },
  upload: {
    summary: 'Install keys, streams and media files from upload descriptions (see upload --help)',
    run: async (argv, io) => (await import('./upload.js')).runUpload(argv, io),
  },
  download: {
    summary: 'Back up streams, their files and keys into a folder (see download --help)',
    run: async (argv, io) => (await import('./download.js')).runDownload(argv, io),
  },
  user: {
    summary: 'Accounts in the database: user reset-password NAME, user add NAME, user list',
    run: async (argv, io) => (await import('./user.js')).runUser(argv, io),
  },
  validate: {
    summary: 'Check a DASH stream: validate URL [--duration S] [--json] (see validate --help)',
    run: async (argv, io) => (await import('./validate.js')).runValidate(argv, io),
  },
  drm: {
    summary: 'Decode DRM data: drm pssh INPUT [--json], drm pro INPUT [--json]',
    run: async (argv, io) => (await import('./drm.js')).runDrm(argv, io),
  },
  'create-media': {
    summary: 'Make DASH-ready fragmented MP4 and an upload description (see create-media --help)',
    run: async (argv, io) => (await import('./create-media.js')).runCreateMedia(argv, io),
  },
  mp4: {
    summary: 'Inspect MP4 files: mp4 dump FILE, mp4 index FILE --json',
    run: async (argv, io) => {
      const { runMp4Command } = await import('./mp4.js');
      return runMp4Command(argv, io);
    },
  },
};

export const mainHelp = (): string =>
  [
    `loopcast ${VERSION} — live MPEG-DASH test streams and DAAP music sharing`,
    '',
    'Usage: loopcast <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.summary}`),
    '',
    'Options:',
    '  --help     Show help (also after any command)',
    '  --version  Print the version',
    '',
    'Settings come from flags, the environment and the settings file ($LOOPCAST_SETTINGS, default .env).',
  ].join('\n');

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    io.stdout(VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`loopcast: unknown command ${JSON.stringify(name)}; see loopcast --help`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof SettingError) {
      io.stderr(err.message);
      return 2;
    }
    if (err instanceof UsageError) {
      io.stderr(`loopcast ${name}: ${err.message}; see loopcast ${name} --help`);
      return 2;
    }
    io.stderr(`loopcast ${name}: ${(err as Error).message}`);
    return 1;
  }
}
