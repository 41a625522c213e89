/** `loopcast serve`: runs the server until SIGTERM or SIGINT (spec app.md §10.1, §13.1). */
import { loadSettings } from '../config/load.js';
import { SETTINGS, type SettingName } from '../config/settings.js';
import { startServer } from '../server.js';
import { parseArgs } from './args.js';
import type { CliIo } from './io.js';

/** Flags come from the settings table: every setting with a `flag` is a `serve` option. */
const FLAGGED = (Object.keys(SETTINGS) as SettingName[]).filter((name) => 'flag' in SETTINGS[name]);
const flagOf = (name: SettingName): string => (SETTINGS[name] as { flag: string }).flag;

export const serveHelp = (): string =>
  [
    'Usage: loopcast serve [options]',
    '',
    'Runs the loopcast server. Every option can also be set in the environment or the settings file.',
    '',
    ...FLAGGED.map((name) => {
      const def = SETTINGS[name];
      const flag = flagOf(name);
      const negated = flag.startsWith('--no-');
      const shown = negated ? flag : `${flag} VALUE`;
      const dflt = 'default' in def ? ` (default ${def.default})` : '';
      return `  ${shown.padEnd(22)} ${negated ? 'Turn off: ' : ''}${def.help}${dflt}  [${def.env}]`;
    }),
    '  --help                 Show this help',
  ].join('\n');

export async function runServe(argv: string[], io: CliIo): Promise<number> {
  const valueFlags = FLAGGED.map(flagOf).filter((f) => !f.startsWith('--no-'));
  const booleanFlags = [...FLAGGED.map(flagOf).filter((f) => f.startsWith('--no-')), '--help'];
  const args = parseArgs(argv, valueFlags, booleanFlags);
  if (args.booleans.has('--help')) {
    io.stdout(serveHelp());
    return 0;
  }
  const flags: Partial<Record<SettingName, string>> = {};
  for (const name of FLAGGED) {
    const flag = flagOf(name);
    if (flag.startsWith('--no-')) {
      if (args.booleans.has(flag)) flags[name] = 'false';
    } else if (args.values.has(flag)) {
      flags[name] = args.values.get(flag);
    }
  }
  const loaded = loadSettings({ flags });
  for (const warning of loaded.warnings) io.stderr(warning);
  const server = await startServer(loaded.settings, { print: io.stdout });

  let signals = 0;
  await new Promise<void>((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      signals++;
      if (signals > 1) {
        io.stderr(`loopcast: second ${signal}, exiting at once`);
        process.exit(1);
      }
      server.app.log.info({ signal }, 'shutting down');
      server.close().then(resolve, (err: unknown) => {
        io.stderr(`loopcast: shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      });
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  return 0;
}
