/**
 * Logger options for pino (spec app.md §14.1): JSON lines on standard output, or a short readable
 * line per record on a terminal. Credentials are redacted wherever they appear.
 */
import { Writable } from 'node:stream';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import type { Settings } from './config/settings.js';

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.key',
  '*.token',
  '*.secret',
];

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/** A tiny pretty printer: `12:00:01 INFO  message key=value …`. pino-pretty is not worth a dependency. */
export function prettyStream(out: NodeJS.WritableStream = process.stdout): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        try {
          const {
            level,
            time,
            msg,
            pid: _pid,
            hostname: _host,
            ...rest
          } = JSON.parse(line) as Record<string, unknown>;
          const clock = new Date(Number(time)).toISOString().slice(11, 19);
          const extras = Object.entries(rest)
            .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join(' ');
          out.write(
            `${clock} ${(LEVEL_NAMES[Number(level)] ?? String(level)).padEnd(5)} ${typeof msg === 'string' ? msg : ''}${extras ? ' ' + extras : ''}\n`,
          );
        } catch {
          out.write(line + '\n');
        }
      }
      done();
    },
  });
}

export function createLogger(settings: Pick<Settings, 'logLevel' | 'logFormat'>): FastifyBaseLogger {
  const options = { level: settings.logLevel, redact: { paths: REDACT_PATHS, censor: '[redacted]' } };
  return settings.logFormat === 'pretty' ? pino(options, prettyStream()) : pino(options);
}
