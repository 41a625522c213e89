/**
 * Reads the settings from their sources (spec app.md §12.1): command-line flag > environment >
 * settings file > default. Every value is parsed before anything else happens; a bad one becomes a
 * `SettingError` whose message is the single line the process prints before exiting with status 2.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { CLI_ONLY_ENV, REFERENCE_RENAMES, SETTINGS, type SettingName, type Settings } from './settings.js';
import { SettingValueError } from './value-syntax.js';

export class SettingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SettingError';
  }
}

export type SettingSource = 'flag' | 'environment' | 'settings file' | 'default';

export interface LoadedSettings {
  settings: Settings;
  /** Where each setting's value came from (for the start-up summary). */
  sources: Record<SettingName, SettingSource>;
  /** The settings file that was read, if it existed. */
  settingsFile: string | null;
  /** One line each: unknown LOOPCAST_* names, dash-live names, single-node warnings. */
  warnings: string[];
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Values given as command-line flags, keyed by setting name, as raw text. */
  flags?: Partial<Record<SettingName, string>>;
  cwd?: string;
  isTerminal?: boolean;
}

export function settingsFilePath(env: NodeJS.ProcessEnv, cwd: string): string {
  return resolve(cwd, env.LOOPCAST_SETTINGS?.trim() || '.env');
}

function readSettingsFile(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SettingError(`loopcast: cannot read settings file ${path}: ${(err as Error).message}`);
  }
  return parseEnv(text) as Record<string, string>;
}

export function loadSettings(options: LoadOptions = {}): LoadedSettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const flags = options.flags ?? {};
  const filePath = settingsFilePath(env, cwd);
  const file = readSettingsFile(filePath);
  const fileName = env.LOOPCAST_SETTINGS?.trim() || '.env';
  const warnings: string[] = [];

  const known = new Set<string>([...Object.values(SETTINGS).map((d) => d.env), ...CLI_ONLY_ENV]);
  for (const [origin, names] of [
    ['environment', Object.keys(env)],
    [fileName, Object.keys(file)],
  ] as const) {
    for (const name of names) {
      if (name.startsWith('LOOPCAST_') && !known.has(name)) {
        warnings.push(`loopcast: unknown setting ${name} (from ${origin}) is ignored`);
      }
      if (name in REFERENCE_RENAMES) {
        const replacement = REFERENCE_RENAMES[name];
        warnings.push(
          replacement
            ? `loopcast: ${name} (from ${origin}) is dash-live's name; use ${replacement}`
            : `loopcast: ${name} (from ${origin}) has no counterpart in loopcast and is ignored`,
        );
      } else if (/^FLASK_/.test(name)) {
        warnings.push(`loopcast: ${name} (from ${origin}) has no counterpart in loopcast and is ignored`);
      }
    }
  }

  const values: Record<string, unknown> = {};
  const sources = {} as Record<SettingName, SettingSource>;
  for (const name of Object.keys(SETTINGS) as SettingName[]) {
    const def = SETTINGS[name];
    let raw: string | undefined;
    let source: SettingSource;
    let origin: string;
    if (flags[name] !== undefined) {
      raw = flags[name];
      source = 'flag';
      origin = `flag ${def.flag ?? name}`;
    } else if (env[def.env] !== undefined) {
      raw = env[def.env];
      source = 'environment';
      origin = 'environment';
    } else if (file[def.env] !== undefined) {
      raw = file[def.env];
      source = 'settings file';
      origin = fileName;
    } else {
      raw = 'default' in def ? def.default : undefined;
      source = 'default';
      origin = 'default';
    }
    sources[name] = source;
    if (raw === undefined) continue;
    try {
      values[name] = def.parse(raw);
    } catch (err) {
      if (!(err instanceof SettingValueError)) throw err;
      const shown = 'secret' in def && def.secret ? '(hidden)' : JSON.stringify(raw);
      throw new SettingError(
        `loopcast: invalid setting ${def.env}=${shown} (from ${origin}): ${err.message}`,
      );
    }
  }
  const settings = values as Settings;
  applyDerivedDefaults(settings, cwd, options.isTerminal ?? Boolean(process.stdout.isTTY));
  crossCheck(settings, warnings, filePath);
  return { settings, sources, settingsFile: existsSync(filePath) ? filePath : null, warnings };
}

/** Defaults that depend on other settings (app.md §12.2). */
function applyDerivedDefaults(s: Settings, cwd: string, isTerminal: boolean): void {
  s.data = resolve(cwd, s.data);
  if (s.musicDir !== undefined) s.musicDir = resolve(cwd, s.musicDir);
  s.databaseUrl ??= `sqlite:${resolve(s.data, 'loopcast.db')}`;
  s.s3ForcePathStyle ??= s.s3Endpoint !== undefined;
  s.blobCacheMb ??= s.blobStore === 's3' ? 256 : 0;
  s.logFormat ??= isTerminal ? 'pretty' : 'json';
}

/** A music folder must be a readable folder holding neither the data folder nor the settings (daap.md §11.1). */
function checkMusicDir(s: Settings, settingsFile: string): void {
  const dir = s.musicDir;
  if (dir === undefined) return;
  const bad = (why: string) =>
    new SettingError(`loopcast: invalid setting LOOPCAST_MUSIC_DIR=${JSON.stringify(dir)}: ${why}`);
  try {
    if (!statSync(dir).isDirectory()) throw bad('expected a folder');
    accessSync(dir, constants.R_OK | constants.X_OK);
  } catch (err) {
    if (err instanceof SettingError) throw err;
    throw bad('expected a readable folder');
  }
  const inside = (path: string) => {
    const rel = relative(dir, path);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  if (inside(s.data)) throw bad('it contains the data folder');
  if (inside(settingsFile)) throw bad('it contains the settings file');
}

/** Cross-checks at start (app.md §12.4). */
function crossCheck(s: Settings, warnings: string[], settingsFile: string): void {
  checkMusicDir(s, settingsFile);
  if (s.blobStore === 's3' && !s.s3Bucket) {
    throw new SettingError(
      'loopcast: invalid setting LOOPCAST_BLOB_STORE="s3": LOOPCAST_S3_BUCKET is required with the s3 blob store',
    );
  }
  if (s.daap && s.daapPort === s.port) {
    throw new SettingError(
      `loopcast: invalid setting LOOPCAST_DAAP_PORT="${s.daapPort}": must differ from the HTTP port`,
    );
  }
  if (s.sessionSecret && s.csrfSecret && s.sessionSecret === s.csrfSecret) {
    throw new SettingError(
      'loopcast: invalid setting LOOPCAST_CSRF_SECRET=(hidden): must differ from LOOPCAST_SESSION_SECRET',
    );
  }
  if (s.sessionMaxAge < s.sessionTtl) {
    throw new SettingError(
      'loopcast: invalid setting LOOPCAST_SESSION_MAX_AGE: must be at least LOOPCAST_SESSION_TTL',
    );
  }
  if (s.uploadTokenTtl > s.uploadTokenMaxTtl) {
    throw new SettingError(
      'loopcast: invalid setting LOOPCAST_UPLOAD_TOKEN_TTL: must be at most LOOPCAST_UPLOAD_TOKEN_MAX_TTL',
    );
  }
  if (/^postgres/.test(s.databaseUrl ?? '') && s.blobStore === 'local') {
    warnings.push('loopcast: PostgreSQL with the local blob store is only safe with a single node');
  }
}
