/**
 * The settings table (spec app.md §12.2): the single source for parsing, defaults, `--help`
 * text, the README's configuration reference and the `init` output. Add a setting here and
 * everything else follows.
 */
import { hostname } from 'node:os';
import { SettingValueError, parseBoolean, parseDuration, parseInteger, parseSize } from './value-syntax.js';

export interface SettingDefinition<T> {
  /** Environment / settings-file name. */
  readonly env: string;
  /** Command-line flag of `loopcast serve`, when there is one. */
  readonly flag?: string;
  /** Raw default text, parsed like any other value; absent means "unset". */
  readonly default?: string;
  /** How the default reads in help and docs when it is computed or absent. */
  readonly defaultText?: string;
  readonly help: string;
  /** Never printed back (log lines, `--help` examples). */
  readonly secret?: boolean;
  parse(raw: string): T;
}

/** Keeps the literal shape of each row, so `Settings` knows which ones have a default. */
const setting = <T, const D extends Omit<SettingDefinition<T>, 'parse'>>(
  def: D & { parse(raw: string): T },
): D & SettingDefinition<T> => def;

const text = (min: number, max: number) => (raw: string) => {
  const value = raw.trim();
  if (value.length < min || value.length > max) {
    throw new SettingValueError(`expected ${min}–${max} characters`);
  }
  return value;
};
const oneOf =
  <C extends string>(...choices: C[]) =>
  (raw: string): C => {
    const value = raw.trim().toLowerCase() as C;
    if (!choices.includes(value)) throw new SettingValueError(`expected one of ${choices.join(', ')}`);
    return value;
  };
const durationBetween = (minMs: number, maxMs: number, rangeText: string) => (raw: string) => {
  const ms = parseDuration(raw);
  if (ms < minMs || ms > maxMs) throw new SettingValueError(`expected a duration from ${rangeText}`);
  return ms;
};
const port = (raw: string) => parseInteger(raw, 1, 65535);

function parseOrigin(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new SettingValueError('expected an absolute http(s) origin such as https://dash.example.org');
  }
  if (!/^https?:$/.test(url.protocol) || (url.pathname !== '/' && url.pathname !== '') || url.search) {
    throw new SettingValueError('expected an http(s) origin with no path or query');
  }
  return url.origin;
}

function parseDatabaseUrl(raw: string): string {
  const value = raw.trim();
  if (/^sqlite:.+/.test(value) || /^postgres(ql)?:\/\/.+/.test(value)) return value;
  throw new SettingValueError('expected sqlite:PATH or postgres://…');
}

/** `false`, a hop count, or comma-separated addresses/CIDRs; `true` is refused (clients could pick their address). */
function parseTrustProxy(raw: string): false | number | string[] {
  const value = raw.trim().toLowerCase();
  if (['false', 'off', 'no', '0', ''].includes(value)) return false;
  if (/^\d+$/.test(value)) return parseInteger(value, 1, 32);
  if (['true', 'on', 'yes'].includes(value)) {
    throw new SettingValueError(
      'expected false, a hop count or addresses/CIDRs (true would let clients choose their own address)',
    );
  }
  const parts = value.split(',').map((p) => p.trim());
  if (parts.some((p) => !/^[0-9a-f.:]+(\/\d{1,3})?$/.test(p))) {
    throw new SettingValueError('expected false, a hop count or comma-separated addresses/CIDRs');
  }
  return parts;
}

function parseAllowedDomains(raw: string): '*' | RegExp {
  const value = raw.trim();
  if (value === '*') return '*';
  try {
    return new RegExp(`^(?:${value})$`);
  } catch {
    throw new SettingValueError('expected * or a valid regular expression');
  }
}

function parseS3Prefix(raw: string): string {
  const value = raw.trim();
  if (value !== '' && !value.endsWith('/')) throw new SettingValueError('expected a key prefix ending in /');
  return value;
}

export const SETTINGS = {
  host: setting({
    env: 'LOOPCAST_HOST',
    flag: '--host',
    default: '0.0.0.0',
    help: 'Address to listen on',
    parse: text(1, 255),
  }),
  port: setting({
    env: 'LOOPCAST_PORT',
    flag: '--port',
    default: '5000',
    help: 'HTTP port, 1–65535',
    parse: port,
  }),
  data: setting({
    env: 'LOOPCAST_DATA',
    flag: '--data',
    default: './data',
    help: 'Data folder (SQLite file, local blobs, temp files); created if missing',
    parse: text(1, 4096),
  }),
  publicUrl: setting({
    env: 'LOOPCAST_PUBLIC_URL',
    help: 'Absolute origin used for absolute URLs instead of the request host',
    parse: parseOrigin,
  }),
  trustProxy: setting({
    env: 'LOOPCAST_TRUST_PROXY',
    default: 'false',
    help: 'false, a hop count, or comma-separated proxy addresses/CIDRs to believe X-Forwarded-* from',
    parse: parseTrustProxy,
  }),
  databaseUrl: setting({
    env: 'DATABASE_URL',
    defaultText: 'sqlite:<data>/loopcast.db',
    help: 'sqlite:PATH or postgres://… / postgresql://…',
    parse: parseDatabaseUrl,
  }),
  dbPool: setting({
    env: 'LOOPCAST_DB_POOL',
    default: '10',
    help: 'PostgreSQL pool size, 1–100',
    parse: (r) => parseInteger(r, 1, 100),
  }),
  blobStore: setting({
    env: 'LOOPCAST_BLOB_STORE',
    default: 'local',
    help: 'local or s3',
    parse: oneOf('local', 's3'),
  }),
  s3Bucket: setting({ env: 'LOOPCAST_S3_BUCKET', help: 'Bucket name (required for s3)', parse: text(3, 63) }),
  s3Endpoint: setting({
    env: 'LOOPCAST_S3_ENDPOINT',
    defaultText: 'AWS',
    help: 'Endpoint URL of an S3-compatible service',
    parse: parseOrigin,
  }),
  s3Region: setting({
    env: 'LOOPCAST_S3_REGION',
    default: 'us-east-1',
    help: 'S3 region',
    parse: text(1, 64),
  }),
  s3Prefix: setting({
    env: 'LOOPCAST_S3_PREFIX',
    default: '',
    help: 'Key prefix, ending in / when set',
    parse: parseS3Prefix,
  }),
  s3ForcePathStyle: setting({
    env: 'LOOPCAST_S3_FORCE_PATH_STYLE',
    defaultText: 'true when an endpoint is set',
    help: 'Path-style S3 addressing',
    parse: parseBoolean,
  }),
  blobCacheMb: setting({
    env: 'LOOPCAST_BLOB_CACHE_MB',
    defaultText: '256 (s3), 0 (local)',
    help: 'Blob read cache size in MiB, 0–65536',
    parse: (r) => parseInteger(r, 0, 65536),
  }),
  sessionSecret: setting({
    env: 'LOOPCAST_SESSION_SECRET',
    defaultText: 'generated and stored in the database',
    help: 'Login cookie secret, at least 32 characters',
    secret: true,
    parse: text(32, 4096),
  }),
  csrfSecret: setting({
    env: 'LOOPCAST_CSRF_SECRET',
    defaultText: 'generated and stored in the database',
    help: 'CSRF token secret, at least 32 characters, different from the session secret',
    secret: true,
    parse: text(32, 4096),
  }),
  sessionTtl: setting({
    env: 'LOOPCAST_SESSION_TTL',
    default: '12h',
    help: 'Idle expiry of a login, 5 min – 30 d',
    parse: durationBetween(300_000, 30 * 86_400_000, '5m to 30d'),
  }),
  sessionMaxAge: setting({
    env: 'LOOPCAST_SESSION_MAX_AGE',
    default: '7d',
    help: 'Absolute expiry of a login, at least the TTL',
    parse: parseDuration,
  }),
  cookieSecure: setting({
    env: 'LOOPCAST_COOKIE_SECURE',
    default: 'auto',
    help: 'auto, true or false',
    parse: oneOf('auto', 'true', 'false'),
  }),
  adminUser: setting({
    env: 'LOOPCAST_ADMIN_USER',
    default: 'admin',
    help: 'First admin user name',
    parse: (raw) => {
      const value = raw.trim();
      if (!/^[A-Za-z0-9][A-Za-z0-9._@-]{0,31}$/.test(value)) {
        throw new SettingValueError(
          'expected 1–32 characters from A-Z a-z 0-9 . _ @ -, starting with a letter or digit',
        );
      }
      return value;
    },
  }),
  adminPassword: setting({
    env: 'LOOPCAST_ADMIN_PASSWORD',
    defaultText: 'random, printed once',
    help: 'First admin password, 8–256 characters',
    secret: true,
    parse: text(8, 256),
  }),
  adminEmail: setting({
    env: 'LOOPCAST_ADMIN_EMAIL',
    help: 'First admin e-mail (optional)',
    parse: text(3, 256),
  }),
  adminMustChange: setting({
    env: 'LOOPCAST_ADMIN_MUST_CHANGE',
    default: 'true',
    help: 'Force the first admin to change the password',
    parse: parseBoolean,
  }),
  accessTokenTtl: setting({
    env: 'LOOPCAST_ACCESS_TOKEN_TTL',
    default: '2h',
    help: 'Access token lifetime, 1 min – 30 d',
    parse: durationBetween(60_000, 30 * 86_400_000, '1m to 30d'),
  }),
  uploadTokenTtl: setting({
    env: 'LOOPCAST_UPLOAD_TOKEN_TTL',
    default: '1h',
    help: 'Default lifetime of new upload tokens',
    parse: parseDuration,
  }),
  uploadTokenMaxTtl: setting({
    env: 'LOOPCAST_UPLOAD_TOKEN_MAX_TTL',
    default: '30d',
    help: 'Upper bound for upload tokens',
    parse: parseDuration,
  }),
  loginWindow: setting({
    env: 'LOOPCAST_LOGIN_WINDOW',
    default: '15m',
    help: 'Login rate-limit window',
    parse: parseDuration,
  }),
  loginMaxFailures: setting({
    env: 'LOOPCAST_LOGIN_MAX_FAILURES',
    default: '10',
    help: 'Failed logins per user name per window',
    parse: (r) => parseInteger(r, 1, 10_000),
  }),
  loginMaxFailuresIp: setting({
    env: 'LOOPCAST_LOGIN_MAX_FAILURES_IP',
    default: '30',
    help: 'Failed logins per client address per window',
    parse: (r) => parseInteger(r, 1, 100_000),
  }),
  anonymousRead: setting({
    env: 'LOOPCAST_ANONYMOUS_READ',
    default: 'true',
    help: 'Whether read-only pages are open to visitors',
    parse: parseBoolean,
  }),
  allowedDomains: setting({
    env: 'LOOPCAST_ALLOWED_DOMAINS',
    default: '*',
    help: 'CORS origins for streaming routes: * or a regular expression matched against the whole Origin',
    parse: parseAllowedDomains,
  }),
  uploadMaxBytes: setting({
    env: 'LOOPCAST_UPLOAD_MAX_BYTES',
    default: '4G',
    help: 'Media and music upload limit',
    parse: parseSize,
  }),
  inspectMaxBytes: setting({
    env: 'LOOPCAST_INSPECT_MAX_BYTES',
    default: '512M',
    help: '"Inspect an MP4" upload limit',
    parse: parseSize,
  }),
  inspectTtl: setting({
    env: 'LOOPCAST_INSPECT_TTL',
    default: '1h',
    help: 'Lifetime of inspection uploads',
    parse: parseDuration,
  }),
  demo: setting({
    env: 'LOOPCAST_DEMO',
    default: 'true',
    help: 'Install the demo content on first start',
    parse: parseBoolean,
  }),
  musicDir: setting({
    env: 'LOOPCAST_MUSIC_DIR',
    flag: '--music-dir',
    help: 'Music folder shared and watched',
    parse: text(1, 4096),
  }),
  daap: setting({
    env: 'LOOPCAST_DAAP',
    flag: '--no-daap',
    default: 'true',
    help: 'Run the DAAP share',
    parse: parseBoolean,
  }),
  daapPort: setting({
    env: 'LOOPCAST_DAAP_PORT',
    flag: '--daap-port',
    default: '3689',
    help: 'DAAP port, 1–65535, different from the HTTP port',
    parse: port,
  }),
  daapName: setting({
    env: 'LOOPCAST_DAAP_NAME',
    default: `loopcast on ${hostname()}`,
    defaultText: 'loopcast on <hostname>',
    help: 'Share name shown to clients, 1–63 characters',
    parse: text(1, 63),
  }),
  daapPassword: setting({
    env: 'LOOPCAST_DAAP_PASSWORD',
    help: 'DAAP password',
    secret: true,
    parse: text(1, 256),
  }),
  daapTranscode: setting({
    env: 'LOOPCAST_DAAP_TRANSCODE',
    default: 'auto',
    help: 'auto (on when ffmpeg is found) or off',
    parse: oneOf('auto', 'off'),
  }),
  daapOpen: setting({
    env: 'LOOPCAST_DAAP_OPEN',
    default: 'false',
    help: 'Serve a password-less DAAP share to clients outside private networks',
    parse: parseBoolean,
  }),
  mdns: setting({
    env: 'LOOPCAST_MDNS',
    flag: '--mdns',
    default: 'on',
    help: 'Bonjour advertising, on or off',
    parse: oneOf('on', 'off'),
  }),
  logLevel: setting({
    env: 'LOOPCAST_LOG_LEVEL',
    default: 'info',
    help: 'fatal, error, warn, info, debug or trace',
    parse: oneOf('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'),
  }),
  logFormat: setting({
    env: 'LOOPCAST_LOG_FORMAT',
    defaultText: 'pretty on a terminal, else json',
    help: 'pretty or json',
    parse: oneOf('pretty', 'json'),
  }),
  accessLog: setting({
    env: 'LOOPCAST_ACCESS_LOG',
    default: 'api',
    help: 'all, api (all but streaming routes) or off',
    parse: oneOf('all', 'api', 'off'),
  }),
  metrics: setting({ env: 'LOOPCAST_METRICS', default: 'true', help: 'Serve /metrics', parse: parseBoolean }),
  metricsToken: setting({
    env: 'LOOPCAST_METRICS_TOKEN',
    help: 'Bearer token required by /metrics when set',
    secret: true,
    parse: text(1, 4096),
  }),
  shutdownGrace: setting({
    env: 'LOOPCAST_SHUTDOWN_GRACE',
    default: '10s',
    help: 'Time in-flight requests get on SIGTERM',
    parse: parseDuration,
  }),
  maxHeld: setting({
    env: 'LOOPCAST_MAX_HELD',
    default: '1024',
    help: 'Responses held or paced on purpose at once per node',
    parse: (r) => parseInteger(r, 0, 1_000_000),
  }),
  maxHeldPerClient: setting({
    env: 'LOOPCAST_MAX_HELD_PER_CLIENT',
    default: '32',
    help: 'Held responses per client address (IPv6 counted by /64)',
    parse: (r) => parseInteger(r, 0, 1_000_000),
  }),
  segmentCacheMb: setting({
    env: 'LOOPCAST_SEGMENT_CACHE_MB',
    default: '256',
    help: 'In-process cache of segment bytes and parsed fragments, 0–65536',
    parse: (r) => parseInteger(r, 0, 65536),
  }),
  llMaxHold: setting({
    env: 'LOOPCAST_LL_MAX_HOLD',
    default: '4s',
    help: 'How long a low-latency segment request may be held for its first chunk; 0 disables holding',
    parse: parseDuration,
  }),
  // The web validator (validator.md §8.4, limits of §6.2)
  validatorAnonymous: setting({
    env: 'LOOPCAST_VALIDATOR_ANONYMOUS',
    default: 'true',
    help: 'Visitors may run the web validator',
    parse: parseBoolean,
  }),
  validatorJobs: setting({
    env: 'LOOPCAST_VALIDATOR_JOBS',
    default: '4',
    help: 'Concurrent web validator runs per node, 1–64',
    parse: (r) => parseInteger(r, 1, 64),
  }),
  validatorConcurrency: setting({
    env: 'LOOPCAST_VALIDATOR_CONCURRENCY',
    default: '4',
    help: 'Parallel requests per web validator run, 1–32',
    parse: (r) => parseInteger(r, 1, 32),
  }),
  validatorMaxDuration: setting({
    env: 'LOOPCAST_VALIDATOR_MAX_DURATION',
    default: '600s',
    help: 'Largest duration a web validator run may ask for',
    parse: durationBetween(1000, 86_400_000, '1 s to 24 h'),
  }),
  validatorTimeout: setting({
    env: 'LOOPCAST_VALIDATOR_TIMEOUT',
    default: '10s',
    help: 'Validator fetches: connect + response headers timeout',
    parse: durationBetween(100, 600_000, '100 ms to 10 min'),
  }),
  validatorMaxSegmentBytes: setting({
    env: 'LOOPCAST_VALIDATOR_MAX_SEGMENT_BYTES',
    default: '100M',
    help: 'Largest media segment the validator fetches',
    parse: parseSize,
  }),
  validatorMaxBytes: setting({
    env: 'LOOPCAST_VALIDATOR_MAX_BYTES',
    default: '2G',
    help: 'Bytes fetched per web validator run',
    parse: parseSize,
  }),
  validatorSchema: setting({
    env: 'LOOPCAST_VALIDATOR_SCHEMA',
    help: 'XSD path; when set, web validator runs include DOC_XSD',
    parse: text(1, 4096),
  }),
  validatorAllowHosts: setting({
    env: 'LOOPCAST_VALIDATOR_ALLOW_HOSTS',
    help: 'Regular expression matched against the whole lower-cased host name, exempt from the validator address rule',
    parse: (raw) => {
      try {
        return new RegExp(`^(?:${raw.trim()})$`);
      } catch {
        throw new SettingValueError('expected a valid regular expression');
      }
    },
  }),
  validatorPrivate: setting({
    env: 'LOOPCAST_VALIDATOR_PRIVATE',
    default: 'deny',
    help: 'allow lifts the validator address rule (lab installations)',
    parse: oneOf('deny', 'allow'),
  }),
  validatorSaveMaxSegments: setting({
    env: 'LOOPCAST_VALIDATOR_SAVE_MAX_SEGMENTS',
    default: '900',
    help: 'Segments per Representation captured by "save this stream"',
    parse: (r) => parseInteger(r, 1, 100_000),
  }),
} as const;

export type SettingName = keyof typeof SETTINGS;

/** The parsed settings; a setting with neither value nor default is `undefined`. */
export type Settings = {
  [K in SettingName]: (typeof SETTINGS)[K] extends SettingDefinition<infer T>
    ? (typeof SETTINGS)[K] extends { default: string }
      ? T
      : T | undefined
    : never;
};

/** Settings the CLIs read (never the server); listed so they are not reported as unknown. */
export const CLI_ONLY_ENV = ['LOOPCAST_PASSWORD', 'LOOPCAST_TOKEN', 'LOOPCAST_SETTINGS'] as const;

/** dash-live's names and what replaces each, so a copied .env is not silently ignored. */
export const REFERENCE_RENAMES: Record<string, string | null> = {
  FLASK_SECRET_KEY: 'LOOPCAST_SESSION_SECRET',
  FLASK_DASH__CSRF_SECRET: 'LOOPCAST_CSRF_SECRET',
  FLASK_DASH__DEFAULT_ADMIN_USERNAME: 'LOOPCAST_ADMIN_USER',
  FLASK_DASH__DEFAULT_ADMIN_PASSWORD: 'LOOPCAST_ADMIN_PASSWORD',
  FLASK_DASH__ALLOWED_DOMAINS: 'LOOPCAST_ALLOWED_DOMAINS',
  FLASK_DASH__PROXY_DEPTH: 'LOOPCAST_TRUST_PROXY',
  DASHLIVE_SETTINGS: 'LOOPCAST_SETTINGS',
};
