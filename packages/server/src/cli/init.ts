/**
 * `loopcast init` (spec app.md §10.1): writes the settings file with random secrets and the first
 * admin's credentials, mode 0600. An existing file is left alone unless `--force`, which replaces
 * only the keys this command writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { randomPassword } from '../auth/first-admin.js';
import { settingsFilePath } from '../config/load.js';
import { SETTINGS } from '../config/settings.js';
import { SettingValueError } from '../config/value-syntax.js';
import { writeFileAtomic } from '../fs-atomic.js';
import { newSecret } from '../secrets.js';
import { parseArgs, UsageError } from './args.js';
import type { CliIo } from './io.js';

export const initHelp = (): string =>
  [
    'Usage: loopcast init [--file PATH] [--force] [--admin-user NAME] [--admin-password P] [--trust-proxy N]',
    '',
    'Writes a settings file (default: $LOOPCAST_SETTINGS, else .env) with random session and CSRF',
    'secrets and the first admin user name and password, readable only by its owner.',
    '',
    '  --file PATH            Settings file to write',
    '  --force                Replace the keys this command writes in an existing file',
    `  --admin-user NAME      ${SETTINGS.adminUser.help} (default ${SETTINGS.adminUser.default})`,
    '  --admin-password P     First admin password (default: 16 random characters)',
    `  --trust-proxy N        ${SETTINGS.trustProxy.help}`,
    '  --help                 Show this help',
  ].join('\n');

/** Quotes a value for a dotenv file when it needs it. */
const dotenvValue = (value: string) =>
  /^[A-Za-z0-9_.\-/:@+=]*$/.test(value) ? value : JSON.stringify(value);

export function runInit(argv: string[], io: CliIo, cwd = process.cwd(), env = process.env): number {
  const args = parseArgs(
    argv,
    ['--file', '--admin-user', '--admin-password', '--trust-proxy'],
    ['--force', '--help'],
  );
  if (args.booleans.has('--help')) {
    io.stdout(initHelp());
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}`);
  const file = args.values.has('--file')
    ? resolve(cwd, args.values.get('--file') ?? '')
    : settingsFilePath(env, cwd);
  const exists = existsSync(file);
  if (exists && !args.booleans.has('--force')) {
    io.stderr(`loopcast: ${file} exists; use --force to replace the keys init writes`);
    return 1;
  }
  const validate = (name: 'adminUser' | 'adminPassword' | 'trustProxy', flag: string, raw: string) => {
    try {
      SETTINGS[name].parse(raw);
    } catch (err) {
      if (err instanceof SettingValueError)
        throw new UsageError(`${flag} ${JSON.stringify(raw)}: ${err.message}`);
      throw err;
    }
    return raw;
  };
  const password = args.values.has('--admin-password')
    ? validate('adminPassword', '--admin-password', args.values.get('--admin-password') ?? '')
    : randomPassword();
  const written: [string, string][] = [
    [SETTINGS.sessionSecret.env, newSecret()],
    [SETTINGS.csrfSecret.env, newSecret()],
    [
      SETTINGS.adminUser.env,
      validate('adminUser', '--admin-user', args.values.get('--admin-user') ?? 'admin'),
    ],
    [SETTINGS.adminPassword.env, password],
  ];
  if (args.values.has('--trust-proxy')) {
    written.push([
      SETTINGS.trustProxy.env,
      validate('trustProxy', '--trust-proxy', args.values.get('--trust-proxy') ?? ''),
    ]);
  }
  const keys = new Set(written.map(([k]) => k));
  const kept = exists
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '' && !keys.has(line.split('=')[0]?.trim() ?? ''))
    : ['# loopcast settings (see README "Configuration"); keep this file private.'];
  const content = [...kept, ...written.map(([k, v]) => `${k}=${dotenvValue(v)}`)].join('\n') + '\n';
  writeFileAtomic(file, content, 0o600);
  io.stdout(`wrote ${file}`);
  io.stdout(`admin user: ${written[2]?.[1]}  password: ${password}`);
  return 0;
}
