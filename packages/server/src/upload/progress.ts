/**
 * Byte progress for the upload and download commands (spec app.md §10.3: bytes, rate, time left):
 * a cli-progress bar on a terminal, one summary line per file otherwise (logs, CI).
 */
import cliProgress from 'cli-progress';
import type { CliIo } from '../cli/io.js';

export interface Progress {
  update(bytes: number): void;
  done(note: string): void;
}

const human = (n: number): string =>
  n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(0)} KiB` : `${n} B`;

export function progress(
  io: CliIo,
  label: string,
  total: number,
  tty = Boolean(process.stderr.isTTY),
): Progress {
  const started = Date.now();
  const rate = (bytes: number) => `${human(bytes / Math.max(0.001, (Date.now() - started) / 1000))}/s`;
  if (!tty) {
    let last = 0;
    return {
      update: (bytes) => {
        last = bytes;
      },
      done: (note) => io.stdout(`${label}: ${human(last || total)} at ${rate(last || total)} — ${note}`),
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} [{bar}] {percentage}% | {sent}/{size} | {rate} | {eta}s left`,
      hideCursor: true,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { sent: human(0), size: human(total), rate: '' });
  return {
    update: (bytes) => bar.update(bytes, { sent: human(bytes), size: human(total), rate: rate(bytes) }),
    done: (note) => {
      bar.stop();
      io.stdout(`${label}: ${note}`);
    },
  };
}
